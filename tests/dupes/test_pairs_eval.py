"""benchmarks/pairs_eval.py with the real model (slow): the issue #15 figures that must not regress."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _bench():
    spec = importlib.util.spec_from_file_location("pairs_eval", ROOT / "benchmarks" / "pairs_eval.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


@pytest.mark.slow
def test_synonym_edited_copies_on_a_held_back_seed():
    from svcsim.dupes import Thresholds

    res = _bench().synonym_edits([103], agencies=30, thresholds_list=[("new", Thresholds())])["new"]
    assert res["planted"] >= 20
    assert res["found"] / res["planted"] >= 0.95
    assert res["true"] / (res["true"] + res["false"]) >= 0.95


@pytest.mark.slow
def test_leave_one_plan_out_keeps_copies_exact_and_reports_no_unrelated_pair(shared_dir):
    from svcsim.model import entries_from_plans

    bench = _bench()
    entries = entries_from_plans(bench.gold_plans(shared_dir))
    vectors = bench.embed([e.text for e in entries])
    rows, _ = bench.lopo(entries, vectors, bench.gold_pairs(shared_dir), bench.load_own(), strict=False)
    s = bench.scores(rows)
    assert all(s[c][0] >= 0.95 and s[c][1] >= 0.95 for c in ("copy", "near_copy"))
    assert s["unrelated"][1] == 1.0
    assert s["paraphrase"][2] >= 0.65  # 0.72 when fitted; the 0.85 is not reached (see the README)
