"""The corpus commands as a user runs them: parse, ingest (with bad files), plans, show."""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from svcsim.cli.main import cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "plans"


@pytest.fixture
def runner(tmp_path, monkeypatch):
    monkeypatch.delenv("SVCSIM_DB", raising=False)
    monkeypatch.setenv("SVCSIM_LANG", "en")  # these tests read the English summaries; Chinese: test_chinese_first
    return CliRunner()


@pytest.fixture
def plans_dir(tmp_path):
    d = tmp_path / "plans"
    d.mkdir()
    for name in ("harbor_bureau_112.txt", "river_district_113.md"):
        shutil.copy(FIXTURES / name, d / name)
    return d


def test_parse_json_is_unescaped_gold_shape(runner):
    r = runner.invoke(cli, ["parse", "--json", str(FIXTURES / "harbor_bureau_112.txt")])
    assert r.exit_code == 0, r.output
    assert "\\u" not in r.output
    d = json.loads(r.output)
    assert {"agency", "roc_year", "year", "title", "goals", "items"} <= set(d)
    assert d["year"] == d["roc_year"] + 1911
    m = d["items"][1]["measures"][0]
    assert {"code", "title", "units", "points"} <= set(m) and {"n", "text"} <= set(m["points"][0])


def test_ingest_reports_and_is_idempotent(runner, plans_dir, tmp_path):
    db = tmp_path / "c.db"
    r = runner.invoke(cli, ["ingest", str(plans_dir), "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert "created corpus" in r.output and "2 added" in r.output and "files rejected: 0" in r.output
    # the corpus path is named as the corpus, not as if it were the file that was not read
    assert f"not read: 0; corpus: {db}" in r.output
    again = runner.invoke(cli, ["ingest", str(plans_dir), "--db", str(db)])
    assert "2 unchanged" in again.output and "0 added" in again.output
    listing = runner.invoke(cli, ["plans", "--db", str(db), "--json"])
    rows = [json.loads(line) for line in listing.output.splitlines()]
    assert len(rows) == 2 and all(r["points"] > 0 for r in rows)
    shown = runner.invoke(cli, ["show", str(rows[0]["id"]), "--db", str(db), "--json"])
    assert json.loads(shown.output)["agency"] == rows[0]["agency"]


def test_bad_file_in_batch_keeps_the_good_ones(runner, plans_dir, tmp_path):
    (plans_dir / "empty.txt").write_bytes(b"")
    (plans_dir / "minutes.txt").write_text("會議紀錄\n一、主席致詞\n二、散會\n", encoding="utf-8")
    db = tmp_path / "c.db"
    r = runner.invoke(cli, ["ingest", str(plans_dir), "--db", str(db)])
    assert r.exit_code == 2
    assert "rejected" in r.output and "empty.txt" in r.output and "minutes.txt" in r.output
    assert "Traceback" not in r.output
    listing = runner.invoke(cli, ["plans", "--db", str(db), "--json"])
    assert len(listing.output.splitlines()) == 2


def test_only_bad_files_write_nothing(runner, tmp_path):
    bad = tmp_path / "x.txt"
    bad.write_bytes(b"\x00\x01\x02binary\x00" * 50)
    db = tmp_path / "c.db"
    r = runner.invoke(cli, ["ingest", str(bad), "--db", str(db)])
    assert r.exit_code == 2 and "x.txt" in r.output
    assert not db.exists()


def test_errors_are_one_line_exit_2(runner, tmp_path):
    r = runner.invoke(cli, ["parse", str(tmp_path / "missing.txt")])
    assert r.exit_code == 2
    assert r.output.strip().count("\n") == 0 and "missing.txt" in r.output
    r = runner.invoke(cli, ["plans", "--db", str(tmp_path / "none.db")])
    assert r.exit_code == 2 and "svcsim ingest" in r.output


def test_db_from_env(runner, plans_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("SVCSIM_DB", str(tmp_path / "env.db"))
    assert runner.invoke(cli, ["ingest", str(plans_dir)]).exit_code == 0
    assert (tmp_path / "env.db").exists()


def test_index_and_search_with_hash_model(runner, plans_dir, tmp_path):
    db = str(tmp_path / "c.db")
    runner.invoke(cli, ["ingest", str(plans_dir), "--db", db])
    r = runner.invoke(cli, ["index", "--db", db, "--model", "hash"])
    assert r.exit_code == 0, r.output
    assert "embedded" in r.output
    again = runner.invoke(cli, ["index", "--db", db, "--model", "hash"])
    assert "embedded 0" in again.output
    plan = json.loads(runner.invoke(cli, ["parse", "--json", str(FIXTURES / "harbor_bureau_112.txt")]).output)
    target = plan["items"][1]["measures"][0]["points"][0]["text"]
    s = runner.invoke(cli, ["search", target, "--db", db, "--model", "hash", "--json", "-k", "3"])
    hits = [json.loads(line) for line in s.output.splitlines()]
    assert hits[0]["text"] == target and hits[0]["score"] > 0.99
    assert {"agency", "year", "item", "measure", "n", "text", "score"} <= set(hits[0])
