"""Write a generated corpus as plan files plus planted.jsonl, and report counts and time.

    python benchmarks/gen_corpus.py --points 100000 --out /tmp/corpus [--seed 0] [--clean]

Plans are streamed (svcsim.synth.iter_points_corpus), so memory stays flat at any size.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, required=True, help="about how many 執行重點 to generate")
    ap.add_argument("--out", type=Path, required=True, help="folder for the .txt plans and planted.jsonl")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--clean", action="store_true", help="write clean tables instead of messy seed-like ones")
    args = ap.parse_args(argv)

    from svcsim.synth import iter_points_corpus, write_plan
    from svcsim.errors import SvcsimError

    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    n_plans = n_points = n_innov = 0
    kinds: Counter[str] = Counter()
    try:
        with open(args.out / "planted.jsonl", "w", encoding="utf-8") as truth:
            for i, t in enumerate(iter_points_corpus(args.points, seed=args.seed)):
                write_plan(t.plan, args.out / t.plan.file, messy=not args.clean, seed=args.seed * 1_000_003 + i)
                for pair in t.planted:
                    truth.write(json.dumps(pair.to_dict(), ensure_ascii=False) + "\n")
                    kinds[pair.kind] += 1
                for ref in t.innovative:
                    truth.write(json.dumps({"innovative": ref}, ensure_ascii=False) + "\n")
                n_plans += 1
                n_points += t.plan.n_points
                n_innov += len(t.innovative)
    except SvcsimError as e:
        print(f"gen_corpus: {e}", file=sys.stderr)
        return 2
    dt = time.perf_counter() - t0
    print(f"wrote {n_plans} plans, {n_points} points, {n_innov} innovative, "
          f"planted {dict(sorted(kinds.items()))} to {args.out.resolve()} in {dt:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
