"""Suggestion latency, warm: p50/p95 of embedding the draft and of retrieval + ranking, apart.

Two corpora:

* ``seed``  — the gold plans of ../shared (skipped when absent), with the default model
  (``--model`` to change); drafts are the corpus's own points, suggested for other agencies.
* ``100k``  — about 100,000 generated points (:func:`svcsim.synth.generate_points_corpus`).
  Embedding 100k texts with the real model takes far longer than this benchmark should, and
  retrieval + ranking cost does not depend on which vectors are indexed, so this corpus uses
  ``--big-model`` (default ``hash-384``: the lexical test encoder at e5-small's dimension).

Target: p50 ≤ 50 ms for retrieval + ranking (the ``rank`` column).

    python benchmarks/suggest_latency.py [--queries 200] [--points 100000] [--skip-big]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from suggest_hit import SHARED, get_encoder, load_gold_plans  # noqa: E402


def pct(xs: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(xs), p)) if xs else float("nan")


def run(name: str, plans, encoder, n_queries: int, workdir: Path, rng: random.Random) -> list[tuple]:
    from svcsim.store import Corpus
    from svcsim.suggest import Suggester

    corpus = Corpus.open(workdir / f"{name}.db", create=True)
    t0 = time.perf_counter()
    for p in plans:
        corpus.add_plan(p)
    t1 = time.perf_counter()
    sug = Suggester(corpus, encoder)
    t2 = time.perf_counter()
    stats = corpus.stats()
    print(f"[{name}] {stats['points']} points, {stats['distinct_texts']} distinct texts, "
          f"{len(sug.agencies)} agencies; ingest {t1 - t0:.1f}s, suggester (embed+index+warm) {t2 - t1:.1f}s",
          file=sys.stderr)
    points = [(p.agency, f"{it.code}{m.code}", pt.text) for p in plans for it in p.items for m in it.measures
              for pt in m.points]
    drafts = [points[rng.randrange(len(points))] for _ in range(n_queries)]
    sug.suggest(drafts[0][2], agency=drafts[0][0])  # first call pays lazy imports
    rows = []
    for mode in ("draft", "draft+measure", "measure only"):
        emb, rank = [], []
        for agency, code, text in drafts:
            measure = code if mode != "draft" and "(" in code else None
            draft = "" if mode == "measure only" else text
            if mode == "measure only" and measure is None:
                continue
            try:
                r = sug.suggest(draft, measure=measure, agency=agency, k=5)
            except Exception:  # a code only that plan uses
                continue
            emb.append(r.embed_ms)
            rank.append(r.rank_ms)
        rows.append((name, mode, len(rank), pct(emb, 50), pct(emb, 95), pct(rank, 50), pct(rank, 95)))
    corpus.close()
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="encoder for the seed corpus (default: the project's default)")
    ap.add_argument("--big-model", default="hash-384", help="encoder for the generated corpus")
    ap.add_argument("--points", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--skip-big", action="store_true")
    args = ap.parse_args()
    rng = random.Random(0)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        if (SHARED / "gold").is_dir():
            rows += run("seed", load_gold_plans(), get_encoder(args.model), args.queries, Path(tmp), rng)
        else:
            print("skip seed corpus: ../shared/gold not found beside the project", file=sys.stderr)
        if not args.skip_big:
            from svcsim.synth import generate_points_corpus

            t0 = time.perf_counter()
            synth = generate_points_corpus(args.points, seed=0)
            print(f"[{args.points // 1000}k] generated {synth.n_points} points in {time.perf_counter() - t0:.1f}s",
                  file=sys.stderr)
            rows += run(f"{args.points // 1000}k", synth.plans, get_encoder(args.big_model), args.queries,
                        Path(tmp), rng)
    print(f"\n{'corpus':<8}{'mode':<15}{'n':>5}{'embed p50':>11}{'embed p95':>11}{'rank p50':>10}{'rank p95':>10}   (ms)")
    for name, mode, n, e50, e95, r50, r95 in rows:
        print(f"{name:<8}{mode:<15}{n:>5}{e50:>11.2f}{e95:>11.2f}{r50:>10.2f}{r95:>10.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
