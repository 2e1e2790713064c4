from __future__ import annotations

import pytest

from svcsim.errors import InputError
from svcsim.ingest import iter_plan_files
from svcsim.ingest.files import scan_plan_files


def test_folders_are_searched_recursively_sorted_and_deduplicated(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ["b.txt", "a.md", "sub/c.txt", "notes.pdf", ".git/x.txt", "sub/d.odt", "e.docx", "f.htm"]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    got = iter_plan_files([tmp_path, tmp_path / "b.txt", str(tmp_path / "sub")])
    assert got == [tmp_path / "a.md", tmp_path / "b.txt", tmp_path / "e.docx", tmp_path / "f.htm",
                   tmp_path / "notes.pdf", tmp_path / "sub" / "c.txt", tmp_path / "sub" / "d.odt"]


def test_other_files_in_a_folder_are_listed_not_dropped(tmp_path):
    for name in ["a.txt", "budget.xlsx", "logo.png", ".hidden.xlsx", "Thumbs.db"]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    scan = scan_plan_files([tmp_path])
    assert scan.files == (tmp_path / "a.txt",)
    assert scan.ignored == (tmp_path / "budget.xlsx", tmp_path / "logo.png")


def test_a_file_is_kept_whatever_its_suffix(tmp_path):
    f = tmp_path / "plan.text"
    f.write_text("x", encoding="utf-8")
    assert iter_plan_files([str(f)]) == [f]


def test_missing_path_raises_input_error(tmp_path, monkeypatch):
    monkeypatch.setenv("SVCSIM_LANG", "en")  # the message follows the language; this test reads the English one
    with pytest.raises(InputError, match="nope: no such file or folder"):
        iter_plan_files([tmp_path / "nope"])


def test_a_bare_string_is_rejected(tmp_path):
    with pytest.raises(InputError, match="wrap it in a list"):
        iter_plan_files(str(tmp_path))
