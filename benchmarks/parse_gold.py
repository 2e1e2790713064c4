"""Parse each seed plan in ../shared/seeds and compare with ../shared/gold.

Prints items/measures/points counts (parsed vs gold) and the share of gold points matched
exactly (same item, measure, n, text and units), then a total line. Exits 0; says "skipped"
when ../shared is absent.

    python benchmarks/parse_gold.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))


def _points(d: dict) -> dict[tuple, tuple]:
    return {
        (it["code"], m["code"], p["n"]): (p["text"], tuple(p.get("units") or ()))
        for it in d["items"]
        for m in it["measures"]
        for p in m["points"]
    }


def _counts(d: dict) -> tuple[int, int, int]:
    items = d["items"]
    measures = [m for it in items for m in it["measures"]]
    return len(items), len(measures), sum(len(m["points"]) for m in measures)


def main() -> int:
    from svcsim.ingest import parse_file

    seeds = sorted((SHARED / "seeds").glob("*.txt")) if (SHARED / "gold").is_dir() else []
    pairs = [(s, SHARED / "gold" / f"{s.stem}.json") for s in seeds]
    pairs = [(s, g) for s, g in pairs if g.exists()]
    if not pairs:
        print(f"skipped: no seeds with gold under {SHARED}")
        return 0
    tot_exact = tot_gold = 0
    tot = [0] * 6
    print(f"{'file':<28} {'items':>9} {'measures':>9} {'points':>9} {'exact points':>14}")
    for seed, gold_path in pairs:
        got = parse_file(seed).to_dict()
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        gp, pp = _points(gold), _points(got)
        exact = sum(1 for k, v in gp.items() if pp.get(k) == v)
        c_got, c_gold = _counts(got), _counts(gold)
        for i in range(3):
            tot[2 * i] += c_got[i]
            tot[2 * i + 1] += c_gold[i]
        tot_exact += exact
        tot_gold += len(gp)
        print(
            f"{seed.name:<28} {c_got[0]:>4}/{c_gold[0]:<4} {c_got[1]:>4}/{c_gold[1]:<4} {c_got[2]:>4}/{c_gold[2]:<4}"
            f" {exact:>4}/{len(gp):<4} {exact / len(gp):>5.1%}"
        )
    print(
        f"{'total':<28} {tot[0]:>4}/{tot[1]:<4} {tot[2]:>4}/{tot[3]:<4} {tot[4]:>4}/{tot[5]:<4}"
        f" {tot_exact:>4}/{tot_gold:<4} {tot_exact / tot_gold:>5.1%}"
    )
    print("(counts are parsed/gold)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
