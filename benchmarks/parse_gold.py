"""Parse each seed plan in ../shared/seeds and compare with ../shared/gold, then do the same for
the hand-written fixture plans in tests/fixtures/plans (``*.expected.json``), which the parser
was not tuned on the way it was on the seeds: the second table shows how it generalises.

Prints items/measures/points counts (parsed vs expected) and the share of expected points
matched exactly (same item, measure, n, text and units), then a total line per table. Exits 0;
says "skipped" for the seeds when ../shared is absent.

    python benchmarks/parse_gold.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXTURES = ROOT / "tests" / "fixtures" / "plans"
sys.path.insert(0, str(ROOT))


def _points(d: dict) -> dict[tuple, tuple]:
    """Points keyed by (item code, measure code, n); a code repeated (``""`` in a plan without
    codes) gets its occurrence number, so codeless measures are not merged."""
    out: dict[tuple, tuple] = {}
    seen: dict[tuple, int] = {}
    for it in d["items"]:
        ik = (it["code"], seen.setdefault((it["code"],), 0))
        seen[(it["code"],)] += 1
        for m in it["measures"]:
            mk = (m["code"], seen.setdefault((ik, m["code"]), 0))
            seen[(ik, m["code"])] += 1
            for p in m["points"]:
                out[(ik, mk, p["n"])] = (p["text"], tuple(p.get("units") or ()))
    return out


def _counts(d: dict) -> tuple[int, int, int]:
    items = d["items"]
    measures = [m for it in items for m in it["measures"]]
    return len(items), len(measures), sum(len(m["points"]) for m in measures)


def _table(title: str, pairs: list[tuple[Path, Path]]) -> None:
    from svcsim.errors import InputError
    from svcsim.ingest import parse_file

    tot_exact = tot_gold = 0
    tot = [0] * 6
    print(f"{title:<38} {'items':>9} {'measures':>9} {'points':>9} {'exact points':>14}")
    for source, expected_path in pairs:
        want = json.loads(expected_path.read_text(encoding="utf-8"))
        try:
            got = parse_file(source).to_dict()
        except InputError as exc:  # a failure is a result here, not a crash of the benchmark
            print(f"{source.name:<38} parse failed: {exc.problem}")
            got = {"items": []}
        gp, pp = _points(want), _points(got)
        exact = sum(1 for k, v in gp.items() if pp.get(k) == v)
        c_got, c_gold = _counts(got), _counts(want)
        for i in range(3):
            tot[2 * i] += c_got[i]
            tot[2 * i + 1] += c_gold[i]
        tot_exact += exact
        tot_gold += len(gp)
        print(
            f"{source.name:<38} {c_got[0]:>4}/{c_gold[0]:<4} {c_got[1]:>4}/{c_gold[1]:<4} {c_got[2]:>4}/{c_gold[2]:<4}"
            f" {exact:>4}/{len(gp):<4} {exact / max(len(gp), 1):>5.1%}"
        )
    print(
        f"{'total':<38} {tot[0]:>4}/{tot[1]:<4} {tot[2]:>4}/{tot[3]:<4} {tot[4]:>4}/{tot[5]:<4}"
        f" {tot_exact:>4}/{tot_gold:<4} {tot_exact / max(tot_gold, 1):>5.1%}"
    )


def _fixture_pairs() -> list[tuple[Path, Path]]:
    pairs = []
    for expected in sorted(FIXTURES.glob("*.expected.json")):
        stem = expected.name[: -len(".expected.json")]
        plans = [p for p in FIXTURES.glob(stem + ".*") if not p.name.endswith(".expected.json")]
        if len(plans) == 1:
            pairs.append((plans[0], expected))
    return pairs


def main() -> int:
    seeds = sorted((SHARED / "seeds").glob("*.txt")) if (SHARED / "gold").is_dir() else []
    pairs = [(s, SHARED / "gold" / f"{s.stem}.json") for s in seeds]
    pairs = [(s, g) for s, g in pairs if g.exists()]
    if pairs:
        _table("seed (vs ../shared/gold)", pairs)
    else:
        print(f"skipped: no seeds with gold under {SHARED}")
    print()
    _table("unseen fixture (vs .expected.json)", _fixture_pairs())
    print("(counts are parsed/expected)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
