"""Error analysis of the pair classifier on the gold paraphrase / related pairs (issue #15).

    python benchmarks/pair_errors.py [--cache DIR] [--k 10]

For every gold paraphrase / related pair the leave-one-plan-out evaluation gets wrong (pooled folds,
as ``benchmarks/evaluation.py``): both texts, gold and predicted label, cosine, features, and whether
the scan makes the pair a candidate at all. Then the confusion split into candidate generation vs
classification, and ceilings for what any classifier could reach with these labels.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import pairs_eval as pe  # noqa: E402
from _shared import SHARED, gold_pairs, gold_plans, ref_key, shared_or_skip  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path)
    ap.add_argument("--k", type=int, default=10)
    args = ap.parse_args()
    shared_or_skip("pair_errors")
    pe._CACHE, pe.K = args.cache, args.k
    from svcsim.dupes import PairScan
    from svcsim.dupes.features import FEATURES
    from svcsim.dupes.pairmodel import load_default
    from svcsim.model import entries_from_plans

    entries = entries_from_plans(gold_plans(SHARED))
    vectors = pe.embed([e.text for e in entries])
    gold, own = gold_pairs(SHARED), pe.load_own()
    row = {(e.file, e.item, e.measure, e.n): i for i, e in enumerate(entries)}
    everything = replace(load_default(), paraphrase_min=0.0, min_cosine=0.5)
    cand = set(pe.predictions(entries, vectors, PairScan(pair_model=everything, k=pe.K)))
    feats = {frozenset((ref_key(g["a"]), ref_key(g["b"]))): f
             for g, (_, f, _) in zip([g for g in gold if g["label"] not in ("copy", "near_copy")],
                                     pe.training_rows(entries, vectors, gold))}
    _, by_fold = pe.lopo(entries, vectors, gold, own, strict=False)
    # lopo appends in gold order per fold: recover which gold pair each row is
    wrong = []
    conf = Counter()
    for held, rows in by_fold.items():
        gs = [g for g in gold if {g["a"]["file"], g["b"]["file"]} & held]
        for g, (lab, got) in zip(gs, rows):
            key = frozenset((ref_key(g["a"]), ref_key(g["b"])))
            c = key in cand
            f = feats.get(key)
            c = c and f is not None and f[0] >= pe.MIN_COSINE
            conf[(lab, got, c)] += 1
            if lab in ("paraphrase", "related") and got != lab:
                wrong.append((sorted(held)[0][:3], g, got, c, f))
    print(f"gold pairs per fold (pooled), k={pe.K}: gold -> predicted, candidate = a paraphrase/related scan candidate "
          "(copies are found by the character rules, not as candidates)")
    for (lab, got, c), n in sorted(conf.items()):
        print(f"  {lab:<10} -> {got:<10} candidate={c!s:<5} {n}")
    print(f"\n{len(wrong)} wrong paraphrase/related verdicts (per fold)\n")
    for fold, g, got, c, f in wrong:
        ea, eb = entries[row[ref_key(g["a"])]], entries[row[ref_key(g["b"])]]
        fd = dict(zip(FEATURES, f))
        print(f"[fold {fold}] gold {g['label']} got {got} candidate={c} cos={fd['cosine']:.3f} "
              + " ".join(f"{k}={v:.2f}" for k, v in fd.items() if k != "cosine"))
        print(f"  A {ea.file[:3]} {ea.item}{ea.measure}{ea.n or 'T'}: {ea.text}")
        print(f"  B {eb.file[:3]} {eb.item}{eb.measure}{eb.n or 'T'}: {eb.text}")
        if g.get("note"):
            print(f"  note: {g['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
