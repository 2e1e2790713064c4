"""Stored analysis results (:mod:`svcsim.analysis`): full compute, load from the store, add one plan
and refresh, against a plain ``svcsim.dupes.analyse`` full recompute in the same run, with peak RSS.

    python benchmarks/analysis_store.py --points 10000 [--seed 0] [--work /tmp/analysis_store]

Corpus: ``svcsim.synth.generate_points_corpus`` plans added straight to a fresh SQLite corpus (no
files), vectors from the hash encoder. The last generated plan is held back and added after the
first compute, which is the "a new plan arrives" case.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_LOAD_S = 2.0
TARGET_ADD_S = 15.0


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def timed(label: str, fn):
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    print(f"  {label:<44}{dt:>8.2f} s   peak RSS {peak_rss_gb():5.2f} GB", flush=True)
    return out, dt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", type=Path, default=Path("/tmp/analysis_store_bench"))
    args = ap.parse_args(argv)

    import os

    from svcsim.analysis import Analysis
    from svcsim.dupes import analyse
    from svcsim.embed import load_encoder
    from svcsim.embed.cache import embed_corpus
    from svcsim.store import Corpus
    from svcsim.synth import generate_points_corpus

    print(f"analysis_store: {args.points:,} points, seed {args.seed}, load average {os.getloadavg()}")
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    plans = generate_points_corpus(args.points, seed=args.seed).plans
    corpus = Corpus.open(args.work / "corpus.db", create=True)
    encoder = load_encoder("hash")
    (_, _) = timed(f"ingest {len(plans) - 1} plans", lambda: [corpus.add_plan(p) for p in plans[:-1]])
    emb, _ = timed("embed (hash)", lambda: embed_corpus(corpus, encoder, "point"))
    print(f"  entries: {len(emb.entries):,}")

    _, base = timed("baseline: svcsim.dupes.analyse (full)", lambda: analyse(emb))
    _, full = timed("Analysis.dupes(): compute + store", lambda: Analysis.open(corpus, emb).dupes())
    _, load = timed("Analysis.dupes(): load from store", lambda: Analysis.open(corpus, emb).dupes())

    def add_and_refresh():
        corpus.add_plan(plans[-1])
        Analysis.open(corpus, embed_corpus(corpus, encoder, "point")).refresh()

    _, add = timed("add one plan + embed + refresh", add_and_refresh)
    print(f"\nbaseline full {base:.2f} s | compute+store {full:.2f} s | load {load:.2f} s "
          f"(target ≤ {TARGET_LOAD_S:.0f} s: {'met' if load <= TARGET_LOAD_S else 'MISSED'}) | add+refresh {add:.2f} s "
          f"(target ≤ {TARGET_ADD_S:.0f} s: {'met' if add <= TARGET_ADD_S else 'MISSED'}) | peak RSS {peak_rss_gb():.2f} GB")
    corpus.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
