"""The Python path and the CLI give the same results for the same corpus, with the same JSON fields."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import svcsim

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "plans"
SVCSIM = shutil.which("svcsim")
pytestmark = pytest.mark.skipif(SVCSIM is None, reason="the svcsim entry point is not installed (pip install -e .)")


def _cli(*args: str) -> list[dict]:
    out = subprocess.run([SVCSIM, *args], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """One corpus ingested by the CLI, one from Python, from the same files."""
    tmp = tmp_path_factory.mktemp("api")
    cli_db, py_db = tmp / "cli.db", tmp / "py.db"
    _cli("ingest", str(EXAMPLES), "--db", str(cli_db), "--json")
    with svcsim.open_corpus(py_db) as corpus:
        report = svcsim.ingest_paths(corpus, [EXAMPLES])
    return cli_db, py_db, report


def test_ingest_from_python_is_the_cli_ingest(both):
    cli_db, py_db, report = both
    assert report.counts() == {"added": 8, "replaced": 0, "unchanged": 0, "rejected": 0}
    with svcsim.open_corpus(cli_db, readonly=True) as a, svcsim.open_corpus(py_db, readonly=True) as b:
        assert [e.to_dict() | {"id": 0} for e in a.entries()] == [e.to_dict() | {"id": 0} for e in b.entries()]


def test_a_second_plan_of_the_same_agency_and_year_is_rejected_from_python_too(tmp_path):
    first = sorted(EXAMPLES.glob("*.txt"))[0]
    twin = tmp_path / "twin" / first.name
    twin.parent.mkdir()
    twin.write_text(first.read_text(encoding="utf-8").replace("。", "．", 1), encoding="utf-8")
    with svcsim.open_corpus(tmp_path / "c.db") as corpus:
        report = svcsim.ingest_paths(corpus, [first, twin])
        assert report.counts()["added"] == 1 and len(report.rejected) == 1
        assert "同一機關、同一年度" in report.rejected[0].reason
        assert len(corpus.plans()) == 1


def test_dupes_json_is_find_pairs(both):
    _, py_db, _ = both
    got = _cli("dupes", "--db", str(py_db), "--model", "hash", "--json", "--min-class", "near_copy", "--all")
    with svcsim.open_corpus(py_db, readonly=True) as corpus:
        embedded = svcsim.embed_corpus(corpus, "hash")
    want = [p.to_dict() for p in svcsim.dupes.iter_pairs(embedded, min_label="near_copy")]
    assert got == json.loads(json.dumps(want, ensure_ascii=False)) and len(got) > 100


def test_clusters_json_is_cluster_corpus(both):
    _, py_db, _ = both
    got = _cli("clusters", "--db", str(py_db), "--model", "hash", "--json")
    with svcsim.open_corpus(py_db, readonly=True) as corpus:
        points = svcsim.embed_corpus(corpus, "hash", "point")
    want = svcsim.clusters.cluster_corpus(points).to_dicts()
    assert got == json.loads(json.dumps(want, ensure_ascii=False)) and len(got) > 3


def test_innovations_json_is_score_innovation(both):
    _, py_db, _ = both
    got = _cli("innovations", "--db", str(py_db), "--model", "hash", "--json", "--top", "15")
    with svcsim.open_corpus(py_db, readonly=True) as corpus:
        embedded = svcsim.embed_corpus(corpus, "hash")
    points, titles = embedded.of_kind("point"), embedded.of_kind("measure_title")
    # the CLI (like the report and the web page) measures each point against the measure titles
    want = svcsim.clusters.score_innovation(points, titles=titles).to_dicts()
    assert got == json.loads(json.dumps(want[:15], ensure_ascii=False))
    assert {d["beyond_template"] for d in got} != {0.5}
    # the same scores whichever way the titles reach it
    dupes = svcsim.dupes.analyse(embedded, min_label="near_copy")
    assert svcsim.clusters.score_innovation(points, dupes=dupes).to_dicts() == want
