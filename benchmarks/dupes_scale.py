"""All-pairs duplicate detection at scale: time per stage, pair counts, peak RSS, candidate recall vs exact.

Run from the project root (one big job at a time on the shared machine, in the background):
    nohup python benchmarks/dupes_scale.py --points 100000 > dupes_scale.log 2>&1 &
    nohup python benchmarks/dupes_scale.py --million > dupes_scale_1m.log 2>&1 &

Vectors: :class:`svcsim.embed.HashEncoder` (dim 384), one encoding per *distinct* text. The real
model cannot embed 1M texts here, and copy/near_copy are lexical classes, so hash vectors only
change which semantic candidates are proposed; paraphrase/related counts are not meaningful with them.

Candidate recall: a sample of distinct point texts is compared by brute force with *every* distinct
point text. A pair is "exact" when the full classifier labels it near_copy or stronger; the search
aligns only pairs that share enough 4-gram positions to possibly reach the near_copy bar (every
copied character lies in a shared 4-gram window, so ``covered ≤ 4 × shared positions``: a pair below
``0.7 / 4`` of its shorter text cannot be a near copy), which makes it exact, not approximate.
Recall = exact pairs the pipeline reported / exact pairs, per distinct text (identical texts are one
unit and are found trivially, so counting entries would flatter the figure).

Baseline, in the same run: brute-force numpy cosine top-k over the distinct texts (what a
semantic-only dedupe does), its time and its recall of the same exact pairs.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


class Stages:
    def __init__(self) -> None:
        self.t = time.perf_counter()
        self.c = time.process_time()

    def mark(self, name: str, note: str = "") -> None:
        now, cpu = time.perf_counter(), time.process_time()
        print(f"  {name:<34}{now - self.t:>9.1f} s wall {cpu - self.c:>9.1f} s cpu   "
              f"peak RSS {peak_rss_gb():5.2f} GB  {note}", flush=True)
        self.t, self.c = now, cpu


def exact_near_copies(keys: list[str], sample: list[int], t) -> set[tuple[int, int]]:
    """Every pair (s, j), s in ``sample``, that the classifier labels near_copy (distinct keys: never copy)."""
    from svcsim.dupes.align import tiles
    from svcsim.dupes.candidates import _shingle_hashes

    docs, h = _shingle_hashes(keys, 4)  # distinct (doc, hash), sorted by hash: a full inverted index
    lengths = np.fromiter((len(k) for k in keys), dtype=np.int64, count=len(keys))
    out = set()
    for s in sample:
        a = keys[s]
        if len(a) < 4:
            continue
        grams: dict[str, int] = {}
        for i in range(len(a) - 3):
            grams[a[i : i + 4]] = grams.get(a[i : i + 4], 0) + 1
        ha = _shingle_hashes(list(grams), 4)[1]  # same hash function, one 4-gram per "text"
        mult = np.fromiter(grams.values(), dtype=np.int64, count=len(grams))
        lo, hi = np.searchsorted(h, ha, "left"), np.searchsorted(h, ha, "right")
        if not (hi > lo).any():
            continue
        idx = np.concatenate([np.arange(x, y) for x, y in zip(lo, hi)])
        w = np.repeat(mult, hi - lo)
        positions = np.bincount(docs[idx], weights=w, minlength=len(keys))
        need = 0.7 / 4 * np.minimum(lengths, len(a))
        for j in np.flatnonzero(positions >= need).tolist():
            if j == s:
                continue
            b = keys[j]
            covered = sum(n for _, _, n in tiles(a, b, min_run=t.min_run))
            if covered / min(len(a), len(b)) >= t.near_copy_short and covered / max(len(a), len(b)) >= t.near_copy_long:
                out.add((min(s, j), max(s, j)))
    return out


def topk_baseline(rep: np.ndarray, k: int) -> tuple[set[tuple[int, int]], float]:
    """Brute-force cosine top-k (numpy, blocked) over the distinct texts; pairs and seconds."""
    t0 = time.perf_counter()
    n = len(rep)
    pairs = set()
    for start in range(0, n, 2048):
        sims = rep[start : start + 2048] @ rep.T
        for r in range(len(sims)):
            sims[r, start + r] = -np.inf
        top = np.argpartition(-sims, k, axis=1)[:, :k]
        for r, cols in enumerate(top.tolist()):
            i = start + r
            pairs.update((min(i, j), max(i, j)) for j in cols)
    return pairs, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=100_000)
    ap.add_argument("--million", action="store_true", help="1,000,000 points (the approximate kNN path)")
    ap.add_argument("--sample", type=int, default=2000, help="distinct point texts checked by brute force")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--max-per-text", type=int, default=50,
                    help="lexical candidates kept per text (0: all — exact near-copy recall, more alignment)")
    args = ap.parse_args()
    n_points = 1_000_000 if args.million else args.points

    from svcsim.dupes import PairScan, Thresholds, analyse
    from svcsim.embedded import EmbeddedCorpus
    from svcsim.embed import HashEncoder
    from svcsim.model import entries_from_plans
    from svcsim.synth import generate_points_corpus

    print(f"dupes_scale: {n_points:,} points, seed {args.seed}, HashEncoder(dim=384) vectors, "
          f"max_per_text={args.max_per_text or 'all'}", flush=True)
    st = Stages()
    corpus = generate_points_corpus(n_points, seed=args.seed)
    st.mark("generate (ingest stand-in)", f"{corpus.n_points:,} points, {len(corpus.plans):,} plans")
    entries = entries_from_plans(corpus.plans)
    del corpus
    st.mark("entries", f"{len(entries):,} points + titles")
    texts = sorted({e.text for e in entries})
    enc = HashEncoder(dim=384).encode(texts)
    pos = {t: i for i, t in enumerate(texts)}
    x = enc[[pos[e.text] for e in entries]]
    del enc, pos
    st.mark("embed (distinct texts only)", f"{len(texts):,} distinct texts")
    t = Thresholds()
    result = analyse(EmbeddedCorpus(entries, x), min_label="near_copy", scan=PairScan(k=args.k, max_per_text=args.max_per_text or None))
    pairs = result.pairs
    st.mark("analyse (candidates+align+groups)",
            f"{len(pairs):,} copy/near_copy entry pairs (not built), {len(pairs.cross_u):,} near-copy text pairs")
    n_template_groups = sum(c.template for c in result.clusters)
    streamed = 0
    for _p in pairs.iter_label("near_copy"):
        streamed += 1
        if streamed >= 200_000:
            break
    st.mark("stream 200k pairs (CLI path)", f"{streamed:,} DupePair objects; {len(result.clusters):,} reuse "
            f"groups, {n_template_groups:,} template")

    # Candidate recall against brute force, on distinct point texts.
    point_units = [u for u, rows in enumerate(pairs.units) if entries[rows[0]].kind == "point" and pairs.keys[u]]
    keys = [pairs.keys[u] for u in point_units]
    local = {u: i for i, u in enumerate(point_units)}
    rng = random.Random(args.seed)
    sample = sorted(rng.sample(range(len(keys)), min(args.sample, len(keys))))
    exact = exact_near_copies(keys, sample, t)
    st.mark("brute force on the sample", f"{len(sample):,} texts × {len(keys):,}: {len(exact):,} exact near-copy pairs")
    found = {(min(local[u], local[v]), max(local[u], local[v]))
             for u, v in zip(pairs.cross_u.tolist(), pairs.cross_v.tolist()) if u in local and v in local}
    hit = len(exact & found)
    recall = hit / len(exact) if exact else float("nan")
    rep = x[[pairs.units[u][0] for u in point_units]]
    base, base_s = topk_baseline(rep, args.k)
    base_hit = len(exact & base)
    print(f"\ncandidate recall vs exact (sample of {len(sample):,} distinct texts): {recall:.4f} ({hit:,}/{len(exact):,})",
          flush=True)
    print(f"baseline numpy cosine top-{args.k} on {len(keys):,} distinct texts: {base_s:.1f} s, "
          f"recall {base_hit / len(exact) if exact else float('nan'):.4f} ({base_hit:,}/{len(exact):,})")
    print(f"peak RSS {peak_rss_gb():.2f} GB")
    return 0 if recall >= 0.99 else 1


if __name__ == "__main__":
    sys.exit(main())
