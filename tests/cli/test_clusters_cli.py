"""``svcsim innovations`` and ``svcsim clusters`` on a small ingested corpus, with the hash encoder."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from svcsim.cli.main import cli

PLANS = Path(__file__).resolve().parents[2] / "examples" / "plans"
MEMBER_KEYS = {"text", "agency", "year", "file", "item", "measure", "n"}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    path = home / "corpus.db"
    runner = CliRunner(env={"SVCSIM_HOME": str(home)})
    r = runner.invoke(cli, ["ingest", "--db", str(path), *(str(p) for p in sorted(PLANS.glob("*_113.txt")))])
    assert r.exit_code == 0, r.output
    return str(path), str(home)


def _run(db, *args):
    path, home = db
    r = CliRunner(env={"SVCSIM_HOME": home, "SVCSIM_DB": None, "SVCSIM_MODEL": None, "SVCSIM_LANG": "zh"}).invoke(
        cli, [*args, "--db", path, "--model", "hash"])
    assert r.exit_code == 0, r.output
    return r


def test_innovations_json_best_first(db):
    r = _run(db, "innovations", "--top", "5", "--json")
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(rows) == 5 and "\\u" not in r.stdout
    assert {"text", "agency", "year", "file", "item", "measure", "n", "score", "reasons"} <= set(rows[0])
    assert [d["score"] for d in rows] == sorted((d["score"] for d in rows), reverse=True)
    assert all(d["reasons"] for d in rows)
    assert "列出 5 則（共 " in r.stderr


def test_innovations_text_lists_reasons(db):
    r = _run(db, "innovations", "--top", "2")
    assert r.stdout.startswith("  1. ") and "其他機關" in r.stdout  # the reasons, in Chinese


@pytest.mark.parametrize("extra", [[], ["--method", "hdbscan"], ["--innovative-only"], ["--innovative-only", "0.5"]])
def test_clusters_json_one_object_per_cluster_outliers_last(db, extra):
    r = _run(db, "clusters", "--json", *extra)
    objs = [json.loads(line) for line in r.stdout.splitlines()]
    assert objs
    clusters = [o for o in objs if o["id"] != -1]
    assert [o["id"] for o in clusters] == list(range(len(clusters)))
    for o in objs:
        assert {"id", "size", "keywords", "representative", "members"} <= set(o)
        assert o["size"] == len(o["members"]) and all(MEMBER_KEYS <= set(m) for m in o["members"])
    assert all(o["keywords"] and o["representative"] for o in clusters)
    assert [o["id"] for o in objs].count(-1) <= 1 and (objs[-1]["id"] == -1 or -1 not in [o["id"] for o in objs])
    if extra[:1] == ["--innovative-only"]:
        total = int(re.search(r"共 (\d+) 則執行重點", r.stderr).group(1))
        inn = _run(db, "innovations", "--top", "1").stderr
        n_points = int(re.search(r"共 (\d+) 則執行重點", inn).group(1))
        share = float(extra[1]) if len(extra) > 1 else 0.2
        assert total == -(-int(share * 1000) * n_points // 1000)  # ceil(share × points)


def test_clusters_assign_outliers_and_map(db, tmp_path):
    png = tmp_path / "out" / "map.png"
    r = _run(db, "clusters", "--json", "--assign-outliers", "--map", str(png))
    objs = [json.loads(line) for line in r.stdout.splitlines()]
    assert all(o["id"] != -1 for o in objs)
    assert png.read_bytes()[:4] == b"\x89PNG" and "地圖已寫入" in r.stderr


def test_bad_option_is_one_clear_line(db):
    path, home = db
    r = CliRunner(env={"SVCSIM_HOME": home}).invoke(cli, ["clusters", "--db", path, "--model", "hash",
                                                          "--innovative-only", "3"])
    assert r.exit_code == 2 and "Traceback" not in r.output
