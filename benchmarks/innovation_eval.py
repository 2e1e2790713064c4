"""Innovation ranking against hand labels, leave-one-plan-out, new score vs the previous one.

Plans: the three shared seeds (``../shared/seeds``, read with ``svcsim.ingest.parse_file``) and the
eight ``examples/plans``. Labels: ``benchmarks/labels/innovation/*.csv`` (innovative / ordinary /
routine per point, written before the score was tuned).

Leave one plan out: each plan in turn is the *new* plan and is scored in a corpus of the other
plans — every other agency's plan, and its own agency's earlier plans (its later ones do not exist
yet when it is new). Per plan it prints where its innovative points rank in that corpus (rank,
percentile) and the precision@10 of the corpus' top 10. Summary: the same figures pooled (each
point keeps the score of the run in which its plan was the new one), for the new score and the
previous formula (novelty + non-boilerplate + specificity, kept below as ``old_scores``).

Done when every innovative point is in the top decile of its corpus and precision@10 ≥ 0.8.

Held-out check: a generated corpus (``svcsim.synth``, 8 agencies × 2 years, a seed never used while
tuning) whose planted innovative points are the truth; one run (each plan against all the others).

    python benchmarks/innovation_eval.py                 # default model (multilingual-e5-small)
    python benchmarks/innovation_eval.py --model hash    # fast dry run with the lexical toy encoder
    python benchmarks/innovation_eval.py --no-generated  # labelled plans only
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import ROOT, SHARED  # noqa: E402

LABELS = Path(__file__).resolve().parent / "labels" / "innovation"
OUT = Path(__file__).resolve().parent / "out"
GEN_SEED = 2031  # never used while the score was developed


# ---------------------------------------------------------------------------- data
def load_plans():
    from svcsim.ingest import parse_file

    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    if not seeds:
        print("innovation_eval: skipped (../shared/seeds not found beside the project)")
        sys.exit(0)
    return [parse_file(p) for p in seeds + sorted((ROOT / "examples" / "plans").glob("*.txt"))]


def load_labels(entries) -> dict[tuple, tuple[str, str]]:
    labels = {}
    for path in sorted(LABELS.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                labels[(r["file"], r["item"], r["measure"], int(r["n"]))] = (r["label"], r["reason"])
    refs = {_ref(e) for e in entries if e.kind == "point"}
    if refs != set(labels):
        raise SystemExit(f"innovation_eval: labels and plans disagree: {len(refs - set(labels))} points unlabelled, "
                         f"{len(set(labels) - refs)} labels without a point; did a plan or the parser change?")
    return labels


def _ref(e) -> tuple:
    return (e.file, e.item, e.measure, e.n)


def embed(entries, model: str | None) -> tuple[np.ndarray, str]:
    """Vectors of the entries' texts, cached in benchmarks/out/ by model fingerprint and texts."""
    from svcsim.embed import load_encoder

    enc = load_encoder(model)
    texts = sorted({e.text for e in entries})
    key = hashlib.sha256("\n".join([enc.fingerprint, *texts]).encode()).hexdigest()[:16]
    path = OUT / f"innovation_eval-{key}.npy"
    if path.exists():
        vecs = np.load(path)
    else:
        vecs = enc.encode(texts, kind="passage")
        OUT.mkdir(parents=True, exist_ok=True)
        np.save(OUT / f"innovation_eval-{key}.tmp.npy", vecs)
        (OUT / f"innovation_eval-{key}.tmp.npy").replace(path)
    row = {t: i for i, t in enumerate(texts)}
    return vecs[[row[e.text] for e in entries]], enc.name


# ---------------------------------------------------------------------------- scoring
CONFIGS: dict[str, dict | None] = {
    "new": {},
    "old": None,
    "novelty only": {"novelty": 1.0, "beyond_template": 0.0, "new_practice": 0.0, "not_routine": 0.0},
    "beyond_template only": {"novelty": 0.0, "beyond_template": 1.0, "new_practice": 0.0, "not_routine": 0.0},
    "new_practice only": {"novelty": 0.0, "beyond_template": 0.0, "new_practice": 1.0, "not_routine": 0.0},
    "not_routine only": {"novelty": 0.0, "beyond_template": 0.0, "new_practice": 0.0, "not_routine": 1.0},
    "without novelty": {"novelty": 0.0, "beyond_template": 1 / 3, "new_practice": 1 / 3, "not_routine": 1 / 3},
    "without beyond_template": {"novelty": 1 / 3, "beyond_template": 0.0, "new_practice": 1 / 3, "not_routine": 1 / 3},
    "without new_practice": {"novelty": 1 / 3, "beyond_template": 1 / 3, "new_practice": 0.0, "not_routine": 1 / 3},
    "without not_routine": {"novelty": 1 / 3, "beyond_template": 1 / 3, "new_practice": 1 / 3, "not_routine": 0.0},
}
"""Score variants: the new score, the old formula, and the new score with single signals / one signal left out."""


def run(embedded, configs: list[str]) -> dict[str, dict[int, float]]:
    """{config: {entry id: score}} for every point of ``embedded`` (points and measure titles)."""
    from svcsim.clusters import score_innovation
    from svcsim.clusters.innovation import Weights
    from svcsim.dupes import analyse

    dupes = analyse(embedded, min_label="near_copy")  # one duplicate scan shared by every variant
    points = embedded.of_kind("point")
    out = {}
    for name in configs:
        if CONFIGS[name] is None:
            out[name] = old_scores(points, dupes)
        else:
            ranked = score_innovation(points, dupes=dupes, weights=Weights(**CONFIGS[name]))
            out[name] = {s.entry.id: s.score for s in ranked}
    return out


def old_scores(points, dupes) -> dict[int, float]:
    """The previous formula (before issue #15), exactly: 0.5·novelty + 0.2·(1 − boilerplate) + 0.3·specificity.

    novelty = 0.7·clip((1 − max_cos)/(1 − typical), 0, 1) + 0.3·(1 − share of agencies with a neighbour
    at cos ≥ halfway between typical and 1); specificity = 0.5·rarity + 0.25·content + 0.25·concrete.
    Brute-force cosines (the corpora here are small); only other agencies count as counterparts.
    """
    import re
    from collections import Counter

    from svcsim.text import tokenize
    from svcsim.text.segment import is_stopword

    es, x = list(points.entries), points.vectors.astype(np.float64)
    names = sorted({e.agency for e in es})
    ag = np.array([names.index(e.agency) for e in es])
    sim = x @ x.T
    other = ag[:, None] != ag[None, :]
    typical = float(np.median(sim[np.triu(other, 1)])) if len(names) > 1 else 0.0
    thr = typical + 0.5 * (1.0 - typical)
    max_cos = np.where(other, sim, -2.0).max(axis=1)
    close = [{int(a) for a in ag[other[i] & (sim[i] >= thr)]} for i in range(len(es))]
    share = np.array([len(c) / max(len(names) - 1, 1) for c in close])
    far = np.clip((1.0 - max_cos) / max(1.0 - typical, 1e-6), 0.0, 1.0)
    novelty = 0.7 * far + 0.3 * (1.0 - share) if len(names) > 1 else np.full(len(es), 0.5)
    markers = ("系統", "平台", "平臺", "應用程式", "資料庫", "圖資", "地圖", "數據", "感測", "機器人", "區塊鏈",
               "人工智慧", "雲端", "條碼", "模擬", "試算", "計算", "協會", "大學", "學校", "企業", "公司", "超商",
               "醫院", "基金會", "合作")
    latin = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]{2,}|[0-9０-９]+")
    copies = Counter(e.text for e in es)
    alnum = {t: [k.word for k in tokenize(t) if any(c.isalnum() for c in k.word)] for t in copies}
    content = {t: [w for w in ws if not is_stopword(w)] for t, ws in alnum.items()}
    long_words = {t: sorted({w for w in content[t] if len(w) >= 2}) for t in copies}
    df: Counter[str] = Counter()
    for t, ws in long_words.items():
        for w in ws:
            df[w] += copies[t]
    n = len(es)
    idf = {w: math.log((1 + n) / (1 + c)) for w, c in df.items()}
    idf_once = math.log((1 + n) / 2) if n > 1 else 1.0
    counts = {b.entry.id: b for b in dupes.boilerplate}
    out = {}
    for j, e in enumerate(es):
        t = e.text
        top = sorted((idf[w] for w in long_words[t]), reverse=True)[:3]
        rarity = min(sum(top + [0.0] * (3 - len(top))) / 3 / idf_once, 1.0)
        share_c = len(content[t]) / len(alnum[t]) if alnum[t] else 0.0
        marks = len(latin.findall(t)) + sum(t.count(m) for m in markers)
        spec = 0.5 * rarity + 0.25 * share_c + 0.25 * min(marks / 3, 1.0)
        b = counts[e.id]
        boiler = 1.0 if b.template else 1.0 - 0.5 ** b.n_agencies
        out[e.id] = 0.5 * novelty[j] + 0.2 * (1.0 - boiler) + 0.3 * spec
    return out


def ranking(scores: dict[int, float], by_id: dict) -> list[int]:
    """Entry ids best first (ties: text, id) — the order score_innovation itself uses."""
    return sorted(scores, key=lambda i: (-round(scores[i], 9), by_id[i].text, i))


# ---------------------------------------------------------------------------- evaluation
def lopo(entries, vectors, labels, fingerprint: str, configs: list[str]) -> dict:
    """Per config: one result per held-out plan, and every point's score from its own plan's run."""
    from svcsim.embedded import EmbeddedCorpus

    plans = sorted({(e.file, e.plan_id) for e in entries}, key=lambda p: p[1])
    meta = {p: next((e.agency, e.year) for e in entries if (e.file, e.plan_id) == p) for p in plans}
    by_id = {e.id: e for e in entries}
    out = {c: {"runs": [], "pooled": {}} for c in configs}
    done: dict[tuple, dict] = {}  # plans whose corpora are identical share one run
    for held in plans:
        agency, year = meta[held]
        keep = [i for i, e in enumerate(entries) if (e.file, e.plan_id) == held or not (
            e.agency == agency and (e.year or 0) > (year or 0))]
        key = tuple(keep)
        if key not in done:
            done[key] = run(EmbeddedCorpus([entries[i] for i in keep], vectors[keep], fingerprint=fingerprint), configs)
        for c in configs:
            scores = done[key][c]
            order = ranking(scores, by_id)
            rank = {i: r for r, i in enumerate(order, start=1)}
            innov = [(by_id[i], rank[i]) for i in order
                     if (by_id[i].file, by_id[i].plan_id) == held and labels[_ref(by_id[i])][0] == "innovative"]
            p10 = sum(labels[_ref(by_id[i])][0] == "innovative" for i in order[:10]) / 10
            out[c]["runs"].append({"plan": held[0], "n": len(order), "innovative": innov, "p10": p10})
            out[c]["pooled"].update({i: scores[i] for i in scores if (by_id[i].file, by_id[i].plan_id) == held})
    return out


def figures(res: dict, labels, by_id) -> dict:
    """The done-when figures of one config."""
    runs = res["runs"]
    found = [(r, run["n"]) for run in runs for _, r in run["innovative"]]
    pooled = ranking(res["pooled"], by_id)
    lab = [labels[_ref(by_id[i])][0] for i in pooled]
    worst_r, worst_n = max(found, key=lambda f: f[0] / f[1])
    return {"in_decile": sum(r <= math.ceil(n / 10) for r, n in found), "n_innovative": len(found),
            "worst": worst_r, "worst_of": worst_n, "p10": sum(x == "innovative" for x in lab[:10]) / 10,
            "p10_min": min(run["p10"] for run in runs),
            "routine_median": float(np.median([r for r, x in enumerate(lab, start=1) if x == "routine"])),
            "routine_top50": sum(x == "routine" for x in lab[:50]), "n": len(lab)}


def generated_check(model: str | None) -> None:
    from svcsim.embedded import EmbeddedCorpus
    from svcsim.model import entries_from_plans
    from svcsim.synth.generate import generate_corpus

    c = generate_corpus(n_agencies=8, n_years=2, seed=GEN_SEED, innovation_rate=0.02)
    entries = entries_from_plans(c.plans)
    vecs, _ = embed(entries, model)
    truth = {(r["file"], r["item"], r["measure"], r["n"]) for r in c.innovative}
    by_id = {e.id: e for e in entries}
    print(f"\nheld-out generated corpus (seed {GEN_SEED}, never used while tuning): {len(c.plans)} plans, "
          f"{sum(e.kind == 'point' for e in entries)} points, {len(truth)} planted innovative; one run, "
          "every plan against the others")
    for which, scores in run(EmbeddedCorpus(entries, vecs), ["new", "old"]).items():
        order = ranking(scores, by_id)
        ranks = sorted(r for r, i in enumerate(order, start=1) if _ref(by_id[i]) in truth)
        p10 = sum(_ref(by_id[i]) in truth for i in order[:10]) / 10
        decile = math.ceil(len(order) / 10)
        print(f"  {which:<4} ranks {ranks} (top decile 1–{decile}: {sum(r <= decile for r in ranks)}/{len(ranks)}); "
              f"precision@10 {p10:.1f} (at most {min(len(truth), 10) / 10:.1f})")


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (CJK characters take two)."""
    import unicodedata

    cols = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - cols, 0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=None, help="model name/path, or 'hash' for a dry run")
    ap.add_argument("--no-generated", action="store_true", help="skip the held-out generated corpus")
    ap.add_argument("--ablation", action="store_true", help="also each signal alone and each one left out")
    args = ap.parse_args()
    from svcsim.model import entries_from_plans

    t = time.perf_counter()
    plans = load_plans()
    entries = entries_from_plans(plans)
    labels = load_labels(entries)
    vectors, model_name = embed(entries, args.model)
    by_id = {e.id: e for e in entries}
    n_innov = sum(x == "innovative" for x, _ in labels.values())
    print(f"innovation_eval: {len(plans)} plans, {len(labels)} labelled points ({n_innov} innovative), model {model_name}")
    configs = list(CONFIGS) if args.ablation else ["new", "old"]
    res = lopo(entries, vectors, labels, model_name, configs)
    print(f"\n{_pad('plan (scored against the others)', 34)}{'corpus':>7}  P@10 new/old  innovative point: "
          "rank new/old (percentile new)")
    for new, old in zip(res["new"]["runs"], res["old"]["runs"]):
        old_rank = {e.id: r for e, r in old["innovative"]}
        cells = [f"{e.item}{e.measure}{e.n} {r}/{old_rank[e.id]} ({100 * r / new['n']:.1f} %)" for e, r in new["innovative"]]
        print(f"{_pad(new['plan'], 34)}{new['n']:>7}  {new['p10']:>5.1f} / {old['p10']:.1f}  {'; '.join(cells) or '—'}")
    print(f"\n{_pad('score', 25)} in top decile  worst rank   P@10 pooled (min per corpus)   routine: median rank, in top 50")
    for c in configs:
        f = figures(res[c], labels, by_id)
        print(f"{_pad(c, 25)} {f['in_decile']:>5}/{f['n_innovative']:<7} {f['worst']:>4} of {f['worst_of']:<4} "
              f"{f['p10']:>7.1f} ({f['p10_min']:.1f}){'':>19}{f['routine_median']:>6.0f} of {f['n']}, {f['routine_top50']}")
    f = figures(res["new"], labels, by_id)
    ok = f["in_decile"] == f["n_innovative"] and f["p10"] >= 0.8
    pooled = ranking(res["new"]["pooled"], by_id)
    print("\ntop 10, new score (pooled over the leave-one-plan-out runs):")
    for r, i in enumerate(pooled[:10], start=1):
        e = by_id[i]
        print(f"{r:>3}. {labels[_ref(e)][0]:<10} {_pad(e.file[:12], 12)} {e.item}{e.measure}{e.n}  {e.text[:36]}")
    if not args.no_generated:
        generated_check(args.model)
    print(f"\ndone when every innovative point is in the top decile of its corpus and precision@10 ≥ 0.8: "
          f"{'met' if ok else 'NOT met'} ({time.perf_counter() - t:.0f} s)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
