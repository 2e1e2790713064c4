"""Clustering quality on the seed plans with the real model, and speed/memory at scale.

Seed table (default): for agglomerative and HDBSCAN, with and without outlier assignment —
agreement with the 具體措施 (item + measure code) each point sits under (ARI, NMI), stability
between two runs and under a shuffled input order (ARI, 1.0 expected), outlier share, number of
clusters, largest cluster, label sanity (no empty label; every keyword a ≥2-character non-stop word).

    python benchmarks/clusters_eval.py                      # seed plans, real model
    python benchmarks/clusters_eval.py --model hash         # seed plans, hash encoder
    python benchmarks/clusters_eval.py --scale 100000       # synthetic corpus, HashEncoder (speed/memory)
    python benchmarks/clusters_eval.py --e5-sample          # ~4k generated points, real model (cached)

The scale run uses the HashEncoder: embedding 100k points with e5 on this 2-core machine would
take hours; the clustering cost depends on n and the threshold, not on where vectors came from
(but hash vectors are less clustered than e5 ones, see the report).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def label_sane(clusters) -> bool:
    from svcsim.text.segment import is_stopword

    return all(c.keywords and all(len(k) >= 2 and not is_stopword(k) for k in c.keywords) for c in clusters)


def seed_table(model: str | None) -> None:
    from sklearn.metrics import adjusted_rand_score as ari
    from sklearn.metrics import normalized_mutual_info_score as nmi

    from _shared import gold_plans, shared_or_skip
    from svcsim.clusters import cluster_corpus
    from svcsim.model import entries_from_plans

    entries = entries_from_plans(gold_plans(shared_or_skip("clusters_eval")), kinds=("point",))
    enc = _encoder(model)
    from svcsim.embedded import EmbeddedCorpus

    embedded = EmbeddedCorpus(entries, enc.encode([e.text for e in entries], kind="passage"))
    truth = [f"{e.item}{e.measure}" for e in entries]
    perm = list(range(len(entries)))
    random.Random(0).shuffle(perm)
    print(f"seed plans: {len(entries)} points, {len(set(truth))} 具體措施, encoder {enc.name}")
    head = (f"{'method':<14}{'assign':>7}{'thr':>7}{'k':>5}{'out%':>7}{'max':>5}{'ARI':>7}{'NMI':>7}"
            f"{'ARIrun':>8}{'ARIshuf':>8}{'labels ok':>10}{'sec':>6}")
    print(head)
    print("-" * len(head))
    for method in ("agglomerative", "hdbscan"):
        for assign in (False, True):
            t = time.perf_counter()
            r = cluster_corpus(embedded, method=method, assign_outliers=assign)
            sec = time.perf_counter() - t
            again = cluster_corpus(embedded, method=method, assign_outliers=assign)
            shuf = cluster_corpus(embedded.subset(perm), method=method, assign_outliers=assign)
            lab = list(r.labels)
            by_id = {e.id: c for e, c in zip(shuf.entries, shuf.labels)}
            lab_shuf = [by_id[e.id] for e in entries]
            sizes = [c.size for c in r.clusters]
            print(f"{method:<14}{str(assign):>7}{r.threshold:>7.3f}{len(r.clusters):>5}"
                  f"{100 * len(r.outliers) / len(entries):>6.1f}%{max(sizes, default=0):>5}"
                  f"{ari(truth, lab):>7.3f}{nmi(truth, lab):>7.3f}{ari(lab, list(again.labels)):>8.3f}"
                  f"{ari(lab, lab_shuf):>8.3f}{str(label_sane(r.clusters)):>10}{sec:>6.1f}")
    r = cluster_corpus(embedded, innovative_only=0.2)
    print(f"\ninnovative_only=0.2: {len(r.entries)} points, {len(r.clusters)} clusters, {len(r.outliers)} outliers")
    r = cluster_corpus(embedded)
    print("\nlargest clusters (agglomerative):")
    for c in r.clusters[:8]:
        agencies = sorted({e.agency for e in r.members(c.id)})
        print(f"  #{c.id} {c.size:>3} pts {len(agencies)} agencies  {'、'.join(c.keywords)}")


def scale_run(n_points: int, methods: list[str], innovation: bool) -> None:
    """Cluster + label a generated corpus of ~n_points with hash vectors; one row per stage with
    wall/CPU seconds and the stage's own peak RSS; NMI is against the phrase-bank frame each text
    was filled from (``SynthCorpus.provenance``), the nearest thing to a true theme we have."""
    from scale_env import StageTimer

    from svcsim.clusters import cluster_corpus, score_innovation
    from svcsim.dupes import analyse
    from svcsim.embed import HashEncoder
    from svcsim.embedded import EmbeddedCorpus
    from svcsim.model import entries_from_plans
    from svcsim.synth import generate_points_corpus

    timer = StageTimer()
    with timer.stage("generate"):
        corpus = generate_points_corpus(n_points, seed=0)
        entries = entries_from_plans(corpus.plans, kinds=("point",))
    frames = [corpus.provenance[(e.file, e.item, e.measure, e.n)].frame for e in entries]
    print(f"{len(entries)} points, {len({e.text for e in entries})} distinct texts, "
          f"{len({e.agency for e in entries})} agencies, {len(set(frames))} bank frames", flush=True)
    with timer.stage("embed (hash-256, distinct texts)"):
        texts = sorted({e.text for e in entries})
        row = {t: i for i, t in enumerate(texts)}
        encoder = HashEncoder(dim=256)
        embedded = EmbeddedCorpus(entries, encoder.encode(texts)[[row[e.text] for e in entries]],
                                  fingerprint=encoder.fingerprint)
    for method in methods:
        with timer.stage(f"cluster+label {method}") as st:
            r = cluster_corpus(embedded, method=method, random_state=0)
            st.figures.update(_figures(r, len(entries), frames))
    if innovation:
        # The innovation score reads the duplicate scan's per-entry counts; near copies and stronger
        # are what it discounts, so the scan runs at that level (as `svcsim report` passes it on).
        with timer.stage("dupes.analyse (near_copy+)") as st:
            dupes = analyse(embedded, min_label="near_copy")
            st.figures["pairs"] = len(dupes.pairs)
        with timer.stage("score_innovation (dupes= given)") as st:
            scores = score_innovation(embedded, dupes=dupes)
            st.figures["top"] = scores[0].entry.text[:20]


E5_SAMPLE_POINTS = 4000  # generated corpus of ~4,100 points, ~3,100 distinct texts


def e5_sample(out_dir: Path) -> tuple[list, "object"]:
    """Entries of a generated ~4k-point corpus and e5 vectors of its distinct texts, cached.

    Embedding ~3,000 texts with the real model takes minutes on the shared cores, so the vectors
    are computed once and kept in ``benchmarks/out/`` (gitignored) next to the texts they belong to;
    a changed generator or model invalidates the cache instead of silently misaligning it.
    """
    import json

    import numpy as np

    from svcsim.model import entries_from_plans
    from svcsim.synth import generate_points_corpus

    entries = entries_from_plans(generate_points_corpus(E5_SAMPLE_POINTS, seed=0).plans, kinds=("point",))
    texts = sorted({e.text for e in entries})
    npy, meta = out_dir / "clusters_e5_sample.npy", out_dir / "clusters_e5_sample.json"
    if npy.exists() and meta.exists():
        m = json.loads(meta.read_text(encoding="utf-8"))
        if m.get("texts") == texts:
            vecs = np.load(npy)
            row = {t: i for i, t in enumerate(texts)}
            return entries, vecs[[row[e.text] for e in entries]]
        print("e5 sample cache is stale (texts changed); re-embedding", flush=True)
    enc = _encoder(None)
    t = time.perf_counter()
    vecs = enc.encode(texts, kind="passage", batch_size=32, show_progress=sys.stderr.isatty())
    print(f"embedded {len(texts)} distinct texts with {enc.name} in {time.perf_counter() - t:.0f} s", flush=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    np.save(out_dir / "clusters_e5_sample.tmp.npy", vecs)
    (out_dir / "clusters_e5_sample.tmp.npy").replace(npy)
    meta.write_text(json.dumps({"model": enc.name, "texts": texts}, ensure_ascii=False), encoding="utf-8")
    row = {t: i for i, t in enumerate(texts)}
    return entries, vecs[[row[e.text] for e in entries]]


def e5_run(methods: list[str]) -> None:
    from scale_env import StageTimer

    from svcsim.clusters import cluster_corpus

    from svcsim.synth import generate_points_corpus

    from svcsim.embedded import EmbeddedCorpus

    entries, vecs = e5_sample(Path(__file__).resolve().parent / "out")
    embedded = EmbeddedCorpus(entries, vecs)
    corpus = generate_points_corpus(E5_SAMPLE_POINTS, seed=0)
    frames = [corpus.provenance[(e.file, e.item, e.measure, e.n)].frame for e in entries]
    print(f"e5 sample: {len(entries)} points, {len({e.text for e in entries})} distinct texts", flush=True)
    timer = StageTimer()
    for method in methods:
        with timer.stage(f"cluster {method}") as st:
            r = cluster_corpus(embedded, method=method, random_state=0)
            st.figures.update(_figures(r, len(entries), frames))


def _figures(r, n: int, frames: list[str]) -> dict:
    from sklearn.metrics import normalized_mutual_info_score as nmi

    largest = max((c.size for c in r.clusters), default=0)
    return {"clusters": len(r.clusters), "threshold": round(r.threshold, 3),
            "largest": largest, "largest%": round(100 * largest / max(n, 1), 2),
            "outlier%": round(100 * len(r.outliers) / max(n, 1), 1),
            "NMI(frame)": round(nmi(frames, list(r.labels)), 3)}


def _encoder(model: str | None):
    if model == "hash":
        from svcsim.embed import HashEncoder

        return HashEncoder(dim=256)
    from svcsim.embed import load_encoder

    return load_encoder(model)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=None, help="model name/path, or 'hash' (seed table)")
    ap.add_argument("--scale", type=int, default=None, help="synthetic corpus of about N points (HashEncoder)")
    ap.add_argument("--e5-sample", action="store_true",
                    help="generated ~4k-point corpus embedded with the real model (cached in benchmarks/out/)")
    ap.add_argument("--methods", default="agglomerative", help="methods for --scale/--e5-sample, comma separated")
    ap.add_argument("--no-innovation", action="store_true", help="--scale: skip dupes.analyse + score_innovation")
    args = ap.parse_args()
    if args.e5_sample:
        e5_run(args.methods.split(","))
    elif args.scale:
        scale_run(args.scale, args.methods.split(","), not args.no_innovation)
    else:
        seed_table(args.model)


if __name__ == "__main__":
    main()
