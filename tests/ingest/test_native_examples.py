"""The native documents in examples/native (a PDF, an ODT, a Word file with automatic numbering
and an agency web page) parse to exactly the plans they were rendered from."""

from __future__ import annotations

from pathlib import Path

import pytest

from svcsim.ingest import load_plan

NATIVE = Path(__file__).resolve().parents[2] / "examples" / "native"


def test_each_committed_native_example_parses_exactly():
    from svcsim.synth.examples import NATIVE_FORMS, NATIVE_KW
    from svcsim.synth.generate import generate_corpus
    from svcsim.synth.native import LAYOUTS, expected_plan

    if not NATIVE.is_dir():
        pytest.skip("examples/native not present")
    plans = generate_corpus(**NATIVE_KW).plans
    kinds = []
    for plan, (fmt, layout) in zip(plans, NATIVE_FORMS):
        path = NATIVE / f"{Path(plan.file).stem}.{fmt}"
        loaded = load_plan(path)
        want = plan if layout == "cms" else expected_plan(plan, LAYOUTS[layout])
        assert loaded.plan.to_dict()["items"] == want.to_dict()["items"], path.name
        assert (loaded.plan.agency, loaded.plan.roc_year) == (want.agency, want.roc_year)
        kinds.append(loaded.kind)
    assert kinds == ["pdf", "odt", "docx", "html"]


@pytest.mark.slow
def test_a_mixed_folder_ingests_in_one_command_with_counts_per_format(tmp_path):
    """.txt, .pdf, .odt, .docx, .html and .doc side by side, through the installed entry point."""
    import os
    import shutil
    import sqlite3
    import subprocess

    from svcsim.synth.generate import generate_corpus
    from svcsim.synth.native import LAYOUTS, render, soffice_path

    exe = shutil.which("svcsim")
    if exe is None or soffice_path() is None or not NATIVE.is_dir():
        pytest.skip("needs the svcsim entry point, LibreOffice and examples/native")
    folder = tmp_path / "收件"
    shutil.copytree(NATIVE, folder)
    shutil.copy(Path(__file__).resolve().parents[1] / "fixtures" / "plans" / "harbor_bureau_112.txt", folder)
    extra = generate_corpus(n_agencies=1, n_years=1, start_roc_year=116, seed=77).plans[0]
    render(extra, folder / "舊格式", "doc", LAYOUTS["plain4"])
    env = {k: v for k, v in os.environ.items() if not k.startswith("SVCSIM_")}
    env["SVCSIM_HOME"] = str(tmp_path / "home")
    env["SVCSIM_LANG"] = "zh"
    db = tmp_path / "c.db"
    r = subprocess.run([exe, "ingest", str(folder), "--db", str(db)], capture_output=True, text=True, env=env,
                       timeout=600)
    assert r.returncode == 0, r.stderr
    summary = next(line for line in r.stderr.splitlines() if line.startswith("計畫："))
    assert "新增 6 份" in summary
    for part in ("doc 1", "docx 1", "html 1", "odt 1", "pdf 1", "text 1"):
        assert part in summary, summary
    with sqlite3.connect(db) as con:
        assert con.execute("select count(*) from plans").fetchone()[0] == 6
