"""The published evaluation of issue #15: pairs, synonym-edited copies and innovation, leave-one-plan-out.

One run prints, against the issue's targets and against the method before #15 in the same run:

* **pairs** — per-class precision / recall / F1 for copy, near_copy, paraphrase, related and
  unrelated on the 105 gold pairs of the three shared plans, leave-one-plan-out (the pair classifier
  of each fold is fitted on no labelled pair touching the held-out plan; details in
  ``benchmarks/pairs_eval.py``). The previous method (fixed cosine cut-offs, no synonym rule) has
  nothing to fit, so its figures are on all gold pairs — in-sample, since its cut-offs were read off them;
* **synonym-edited copies** — recall and precision on generated plans held back from tuning
  (generator seeds 101 and 102, 30 agencies each);
* **innovation** — every hand-labelled innovative point's rank when its plan is scored against a
  corpus of the other plans (``benchmarks/innovation_eval.py``), how many land in the top decile, and
  precision@10, for the current score and the previous formula.

    python benchmarks/evaluation.py                   # everything (≈ 3 min on 2 cores)
    python benchmarks/evaluation.py --no-synthetic    # skip the generated plans
    python benchmarks/evaluation.py --append-results  # also append the summary to benchmarks/RESULTS.md

Exit status 0 when every target is met, 1 otherwise; skips (exit 0) without ``../shared``.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import innovation_eval as ie  # noqa: E402
import pairs_eval as pe  # noqa: E402
from _shared import SHARED, gold_pairs, gold_plans  # noqa: E402

RESULTS = ROOT / "benchmarks" / "RESULTS.md"


def _f(v: float, digits: int = 2) -> str:
    return "—" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.{digits}f}"


def pair_figures(args) -> tuple[dict, dict, dict]:
    """(leave-one-plan-out scores, strict scores, previous-method scores), each {class: (P, R, F1, n)}."""
    from svcsim.model import entries_from_plans

    entries = entries_from_plans(gold_plans(SHARED))
    vectors = pe.embed([e.text for e in entries])
    gold, own = gold_pairs(SHARED), pe.load_own()
    pooled, _ = pe.lopo(entries, vectors, gold, own, strict=False)
    strict, _ = pe.lopo(entries, vectors, gold, own, strict=True)
    return pe.scores(pooled), pe.scores(strict), pe.scores(pe.baseline(entries, vectors, gold))


def synonym_figures(args) -> dict:
    """{"previous"|"now": (planted, recall, judged, precision)} on the held-back generated plans."""
    from svcsim.dupes import Thresholds

    res = pe.synonym_edits(args.seeds, agencies=args.agencies,
                           thresholds_list=[("previous", Thresholds(synonyms=False)), ("now", Thresholds())])
    out = {}
    for name, c in res.items():
        judged = c["true"] + c["false"]
        out[name] = (c["planted"], c["found"] / c["planted"] if c["planted"] else float("nan"), judged,
                     c["true"] / judged if judged else float("nan"))
    return out


def innovation_figures() -> tuple[dict, dict, list[tuple]]:
    """(figures now, figures previous, [(plan, point, rank now, rank previous, corpus size)])."""
    from svcsim.model import entries_from_plans

    plans = ie.load_plans()
    entries = entries_from_plans(plans)
    labels = ie.load_labels(entries)
    vectors, model_name = ie.embed(entries, None)
    by_id = {e.id: e for e in entries}
    res = ie.lopo(entries, vectors, labels, model_name, ["new", "old"])
    ranks = []
    for new, old in zip(res["new"]["runs"], res["old"]["runs"]):
        old_rank = {e.id: r for e, r in old["innovative"]}
        ranks += [(new["plan"], f"{e.item}{e.measure}{e.n}", r, old_rank[e.id], new["n"]) for e, r in new["innovative"]]
    return ie.figures(res["new"], labels, by_id), ie.figures(res["old"], labels, by_id), ranks


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-synthetic", action="store_true", help="skip the held-back generated plans")
    ap.add_argument("--no-innovation", action="store_true")
    ap.add_argument("--seeds", type=int, nargs="+", default=[101, 102], help="held-back generator seeds")
    ap.add_argument("--agencies", type=int, default=30)
    ap.add_argument("--cache", type=Path, help="keep the pair benchmark's vectors in this folder between runs")
    ap.add_argument("--append-results", action="store_true", help="append the summary to benchmarks/RESULTS.md")
    args = ap.parse_args()
    if not (SHARED / "gold" / "pairs.jsonl").exists():
        print("evaluation: skipped (../shared/gold not found beside the project)")
        return 0
    pe._CACHE = args.cache
    t0 = time.perf_counter()
    now, strict, prev = pair_figures(args)
    lines = [("| class | target | previous P / R / F1 (in-sample) | now P / R / F1 (leave-one-plan-out) "
              "| now, strict folds | support (LOPO) | met |"), "|---|---|---|---|---|---:|---|"]
    targets = {"copy": "P, R ≥ 0.95", "near_copy": "P, R ≥ 0.95", "paraphrase": "F1 ≥ 0.85",
               "related": "F1 ≥ 0.6", "unrelated": "none reported (R = 1)"}
    met: dict[str, bool] = {}
    for c in pe.CLASSES:
        p, r, f, n = now[c]
        if c in ("copy", "near_copy"):
            ok = p >= 0.95 and r >= 0.95
        elif c == "paraphrase":
            ok = f >= 0.85
        elif c == "related":
            ok = f >= 0.6
        else:
            ok = r == 1.0
        met[c] = ok
        cell = lambda s: f"{_f(s[c][0])} / {_f(s[c][1])} / {_f(s[c][2])}"  # noqa: E731
        lines.append(f"| {c} | {targets[c]} | {cell(prev)} | {cell(now)} | {cell(strict)} | {n} | {'yes' if ok else 'no'} |")
    pair_table = "\n".join(lines)
    print("PAIRS — 105 gold pairs of the three shared plans\n" + pair_table)

    syn_table = ""
    if not args.no_synthetic:
        syn = synonym_figures(args)
        rows = ["| rule | planted | recall | reported | precision | target | met |", "|---|---:|---:|---:|---:|---|---|"]
        for name in ("previous", "now"):
            n, rec, judged, prec = syn[name]
            ok = rec >= 0.95 and prec >= 0.95
            if name == "now":
                met["synonym copies"] = ok
            rows.append(f"| {name} | {n} | {_f(rec, 3)} | {judged} | {_f(prec, 3)} | R, P ≥ 0.95 | "
                        f"{'yes' if ok else 'no'} |")
        syn_table = "\n".join(rows)
        print(f"\nSYNONYM-EDITED COPIES — held-back generated plans (seeds {args.seeds}, {args.agencies} agencies each)\n"
              + syn_table)

    inn_table = ""
    if not args.no_innovation:
        fn, fo, ranks = innovation_figures()
        rows = ["| score | innovative in top decile | worst rank | precision@10 pooled (min per corpus) | target | met |",
                "|---|---:|---:|---:|---|---|"]
        for name, f in (("previous", fo), ("now", fn)):
            ok = f["in_decile"] == f["n_innovative"] and f["p10"] >= 0.8
            if name == "now":
                met["innovation"] = ok
            rows.append(f"| {name} | {f['in_decile']}/{f['n_innovative']} | {f['worst']} of {f['worst_of']} | "
                        f"{f['p10']:.1f} ({f['p10_min']:.1f}) | all in top decile, P@10 ≥ 0.8 | {'yes' if ok else 'no'} |")
        inn_table = "\n".join(rows)
        print("\nINNOVATION — 11 hand-labelled plans, each scored against the others\n" + inn_table)
        print("\nrank of every innovative point (now / previous, of the corpus size):")
        for plan, ref, r, ro, n in ranks:
            print(f"  {plan:<28} {ref:<8} {r:>4} / {ro:<4} of {n}")
        inn_table += "\n\nRanks (now / previous): " + "; ".join(f"{plan.split('_')[0][:8]} {ref} {r}/{ro}"
                                                             for plan, ref, r, ro, _ in ranks)
    ok = all(met.values())
    summary = "targets: " + ", ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in met.items())
    print(f"\n{summary}  ({time.perf_counter() - t0:.0f} s)")
    if args.append_results:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        block = [f"\n## {stamp} — issue #15 evaluation (`python benchmarks/evaluation.py`, at {rev})\n",
                 ("Pairs: 105 gold pairs of the three shared plans; the leave-one-plan-out column counts a "
                  "cross-plan pair once per plan it touches, the strict column once, fitted on no pair touching "
                  "either plan. Previous = fixed cosine cut-offs, no synonym rule (in-sample).\n"), pair_table]
        if syn_table:
            block += [f"\nSynonym-edited copies, held-back generated plans (seeds {args.seeds}):\n", syn_table]
        if inn_table:
            block += ["\nInnovation, leave-one-plan-out over 11 labelled plans (678 points):\n", inn_table]
        block += [f"\n{summary}.\n"]
        with RESULTS.open("a", encoding="utf-8") as fh:
            fh.write("\n".join(block) + "\n")
        print(f"appended to {RESULTS.relative_to(ROOT)}")
    return 0 if ok else 1


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
