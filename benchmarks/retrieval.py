"""Retrieval quality on the seed plans: default model vs BM25 (jieba tokens) vs char n-gram TF-IDF.

For each point of one plan, rank the points of the *other* plans. Relevance is graded:
2 = a labelled copy/near_copy/paraphrase partner (../shared/gold/pairs.jsonl), 1 = a point under the
same item+measure code (the template measure), 0 otherwise. Prints nDCG@10 (graded), recall@5 of the
labelled partners, and MRR of the first labelled partner, averaged over every plan used as the query plan.

    python benchmarks/retrieval.py
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks._shared import gold_pairs, gold_plans, ref_key, shared_or_skip  # noqa: E402


def ndcg(rels: list[int], ideal: list[int], k: int = 10) -> float:
    dcg = sum((2**r - 1) / math.log2(i + 2) for i, r in enumerate(rels[:k]))
    idcg = sum((2**r - 1) / math.log2(i + 2) for i, r in enumerate(sorted(ideal, reverse=True)[:k]))
    return dcg / idcg if idcg > 0 else 0.0


def evaluate(score_fn, entries, partners) -> dict[str, float]:
    """score_fn(query_idx, cand_idx) -> scores; returns the three metrics averaged over queries."""
    files = sorted({e.file for e in entries})
    nd, rec, mrr = [], [], []
    for f in files:
        qs = [i for i, e in enumerate(entries) if e.file == f]
        cands = np.array([i for i, e in enumerate(entries) if e.file != f])
        scores = score_fn(np.array(qs), cands)
        for row, q in enumerate(qs):
            eq = entries[q]
            order = cands[np.lexsort((cands, -scores[row]))]
            labelled = partners.get(ref_key(eq.ref()), set())

            def rel(i):
                e = entries[i]
                if ref_key(e.ref()) in labelled:
                    return 2
                return 1 if (e.item, e.measure) == (eq.item, eq.measure) and eq.measure else 0

            rels = [rel(i) for i in order]
            if max(rels, default=0) == 0:
                continue
            nd.append(ndcg(rels, rels))
            if labelled:
                found = [ref_key(entries[i].ref()) in labelled for i in order]
                top5 = sum(found[:5])
                rec.append(top5 / min(5, len([1 for i in cands if ref_key(entries[i].ref()) in labelled]) or 1))
                first = found.index(True) + 1 if any(found) else None
                mrr.append(1 / first if first else 0.0)
    return {"ndcg@10": float(np.mean(nd)), "recall@5": float(np.mean(rec)) if rec else float("nan"),
            "mrr": float(np.mean(mrr)) if mrr else float("nan"), "queries": len(nd), "labelled": len(rec)}


def main() -> None:
    shared = shared_or_skip("retrieval")
    from svcsim.model import entries_from_plans

    plans = gold_plans(shared)
    entries = entries_from_plans(plans, kinds=("point",))
    texts = [e.text for e in entries]
    partners: dict[tuple, set] = {}
    for p in gold_pairs(shared):
        if p["label"] in ("copy", "near_copy", "paraphrase") and p["a"]["n"] is not None:
            partners.setdefault(ref_key(p["a"]), set()).add(ref_key(p["b"]))
            partners.setdefault(ref_key(p["b"]), set()).add(ref_key(p["a"]))

    rows = []

    # BM25 over jieba tokens (via OpenCC, domain dictionary, stop words removed)
    from rank_bm25 import BM25Okapi

    from svcsim.text import words

    toks = [words(t) or list(t) for t in texts]

    def bm25(qs, cands):
        model = BM25Okapi([toks[i] for i in cands])
        return np.stack([model.get_scores(toks[q]) for q in qs])

    t0 = time.perf_counter()
    rows.append(("BM25 (jieba tokens)", evaluate(bm25, entries, partners), time.perf_counter() - t0))

    # char n-gram TF-IDF on the matching-normalised text
    from sklearn.feature_extraction.text import TfidfVectorizer

    from svcsim.text import match_key

    t0 = time.perf_counter()
    tf = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True).fit_transform([match_key(t) for t in texts])
    sims_tf = (tf @ tf.T).toarray()
    rows.append(("char 2-3gram TF-IDF", evaluate(lambda qs, c: sims_tf[np.ix_(qs, c)], entries, partners),
                 time.perf_counter() - t0))

    # the default model: query→passage (as search/suggest use it) and passage↔passage (as dupes use it)
    from svcsim.embed import load_encoder

    enc = load_encoder()
    t0 = time.perf_counter()
    p = enc.encode(texts, kind="passage")
    q = enc.encode(texts, kind="query")
    t_embed = time.perf_counter() - t0
    rows.append((f"{enc.name} query→passage", evaluate(lambda qs, c: q[qs] @ p[c].T, entries, partners), t_embed))
    rows.append((f"{enc.name} passage↔passage", evaluate(lambda qs, c: p[qs] @ p[c].T, entries, partners), t_embed))

    # hybrid: z-scored e5 cosine + z-scored char TF-IDF cosine (per query row), equal weights
    def z(m):
        return (m - m.mean(axis=1, keepdims=True)) / (m.std(axis=1, keepdims=True) + 1e-9)

    rows.append(("hybrid e5 + char TF-IDF", evaluate(lambda qs, c: z(p[qs] @ p[c].T) + z(sims_tf[np.ix_(qs, c)]),
                                                       entries, partners), t_embed))

    print(f"retrieval on {len(plans)} seed plans, {len(entries)} points, {len(partners)} points with labelled partners")
    print(f"{'method':<40} {'nDCG@10':>8} {'recall@5':>9} {'MRR':>6} {'queries':>8} {'seconds':>8}")
    for name, m, secs in rows:
        print(f"{name:<40} {m['ndcg@10']:>8.3f} {m['recall@5']:>9.3f} {m['mrr']:>6.3f} {m['queries']:>8d} {secs:>8.1f}")


if __name__ == "__main__":
    main()
