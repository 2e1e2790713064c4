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
    """The innovation ranking and the themes reuse the report's one duplicate scan, and the scan is
    kept in the corpus database: a second report (and dupes, innovations) reads it, scanning nothing."""
    import svcsim.analysis.delta as delta
    import svcsim.dupes.scan as scan

    calls = []
    real = scan.finish_scan

    def counted(*a, **kw):
        calls.append(1)
        return real(*a, **kw)

    for module in (scan, delta):  # every full scan ends in finish_scan, whoever starts it
        monkeypatch.setattr(module, "finish_scan", counted, raising=False)
    db = str(tmp_path / "c.db")
    r = CliRunner()
    assert r.invoke(cli, ["ingest", str(EXAMPLES), "--db", db]).exit_code == 0
    res = r.invoke(cli, ["report", "--out", str(tmp_path / "r.html"), "--db", db, "--model", "hash"])
    assert res.exit_code == 0, res.output
    assert len(calls) == 1
    again = r.invoke(cli, ["report", "--out", str(tmp_path / "r2.html"), "--db", db, "--model", "hash"])
    assert again.exit_code == 0, again.output
    assert len(calls) == 1
    assert (tmp_path / "r2.html").read_bytes() == (tmp_path / "r.html").read_bytes()


def test_report_keeps_its_map_until_it_would_change(tmp_path, monkeypatch):
    """The map is drawn once and kept beside the stored results; a second report reads it (the same
    bytes), a report in another language (another title) draws its own, and a map drawn without a
    CJK font (Chinese as boxes) is never kept."""
    import svcsim.report.themes as themes

    draws = []
    real = themes._draw_map

    def counted(*a, **kw):
        draws.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(themes, "_draw_map", counted)
    db = str(tmp_path / "c.db")
    r = CliRunner()
    assert r.invoke(cli, ["ingest", str(EXAMPLES), "--db", db]).exit_code == 0
    for name in ("a", "b"):
        res = r.invoke(cli, ["report", "--out", str(tmp_path / f"{name}.html"), "--db", db, "--model", "hash"])
        assert res.exit_code == 0, res.output
    assert len(draws) == 1
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    res = r.invoke(cli, ["--lang", "en", "report", "--out", str(tmp_path / "en.html"), "--db", db, "--model", "hash"])
    assert res.exit_code == 0 and len(draws) == 2
    monkeypatch.setattr(themes, "_draw_map", lambda *a, **kw: (draws.append(1), (b"\x89PNG boxes", False))[1])
    other = str(tmp_path / "other.db")
    assert r.invoke(cli, ["ingest", str(EXAMPLES), "--db", other]).exit_code == 0
    for name in ("c", "d"):
        res = r.invoke(cli, ["report", "--out", str(tmp_path / f"{name}.html"), "--db", other, "--model", "hash"])
        assert res.exit_code == 0, res.output
    assert len(draws) == 4  # drawn without a font: drawn again each time
