"""`svcsim report` carries the dupes sections and, by default, the innovation/cluster sections."""

import shutil
from pathlib import Path

from click.testing import CliRunner

from svcsim.cli.main import cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "plans"


def test_report_has_dupes_and_cluster_sections(tmp_path, monkeypatch):
    plans = tmp_path / "plans"
    plans.mkdir()
    for f in sorted(EXAMPLES.glob("*_113.txt"))[:3]:
        shutil.copy(f, plans / f.name)
    db = str(tmp_path / "c.db")
    r = CliRunner()
    assert r.invoke(cli, ["ingest", str(plans), "--db", db]).exit_code == 0
    out = tmp_path / "r.html"
    res = r.invoke(cli, ["report", "--out", str(out), "--db", db, "--model", "hash"])
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    for section in ("overview", "overlap", "pairs", "clusters-map", "clusters-table", "innovations"):
        assert f"id='{section}'" in html or f'id="{section}"' in html, section
    assert "data:image/png;base64," in html
    assert "http://" not in html.split("<body", 1)[1] and "https://" not in html.split("<body", 1)[1]
    bare = tmp_path / "bare.html"
    r.invoke(cli, ["report", "--out", str(bare), "--db", db, "--model", "hash", "--no-clusters"])
    assert "clusters-map" not in bare.read_text(encoding="utf-8")


def test_report_scans_for_duplicates_once(tmp_path, monkeypatch):
    """The innovation ranking reuses the report's duplicate scan instead of running its own."""
    import sys

    import svcsim.dupes  # noqa: F401

    analyse_mod = sys.modules["svcsim.dupes.analyse"]  # the module: the package's `analyse` is the function
    calls = []
    real = analyse_mod.scan_pairs
    monkeypatch.setattr(analyse_mod, "scan_pairs", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    db = str(tmp_path / "c.db")
    r = CliRunner()
    assert r.invoke(cli, ["ingest", str(EXAMPLES), "--db", db]).exit_code == 0
    res = r.invoke(cli, ["report", "--out", str(tmp_path / "r.html"), "--db", db, "--model", "hash"])
    assert res.exit_code == 0, res.output
    assert len(calls) == 1
