"""The baselines the scale benchmark compares svcsim's candidate generation with, and the exact truth.

* :func:`brute_topk` — numpy brute force: blocked ``X @ X.T`` over all rows, top-``k`` per row and the
  count of pairs above a cosine threshold. Exact, quadratic; above ``max_rows`` it runs a sample of
  query blocks against all rows and projects the full time linearly in the number of query rows.
* :func:`mining` — sentence-transformers ``util.paraphrase_mining_embeddings`` on the same vectors.
* :func:`minhash_lsh` — datasketch ``MinHashLSH`` on character 4-shingles of the normalised texts.
* :func:`exact_partners` — the truth for a sample of query rows: every row whose cosine is at least a
  threshold (brute force against all rows), and every row that meets the *copy criterion* of
  :mod:`svcsim.dupes.classify` (identical, or near_copy by the character alignment) — found by
  aligning the query with every row sharing enough 4-shingles for a near copy to be possible
  (≥ 15 % of the shorter text's distinct shingles: a near copy covers ≥ 70 % of the shorter text in
  runs of ≥ 4 characters, which leaves ≥ 17.5 % of its 4-shingles shared).
* :func:`recall` — share of the exact pairs of the sample that a candidate set contains.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np


def _blocks(n: int, block: int):
    for s in range(0, n, block):
        yield s, min(n, s + block)


def _block_rows(n: int, budget_bytes: int = 512 * 2**20) -> int:
    """Query rows per block so one block of float32 similarities stays within ``budget_bytes``."""
    return int(max(64, min(4096, budget_bytes // (4 * max(n, 1)))))


def brute_topk(x: np.ndarray, *, k: int, threshold: float, block: int | None = None, max_rows: int = 200_000,
               sample_rows: int = 4096, random_state: int = 0) -> dict:
    """Exact all-pairs top-``k`` and the number of pairs (i<j) with cosine ≥ ``threshold``.

    Returns ``{"seconds", "projected", "pairs_above", "query_rows"}``; when projected, ``pairs_above``
    is extrapolated from the sampled query rows too.
    """
    n = len(x)
    block = block or _block_rows(n)
    rows = np.arange(n)
    projected = n > max_rows
    if projected:  # a sample of whole query blocks, spread over the matrix
        rng = np.random.default_rng(random_state)
        starts = np.sort(rng.choice(np.arange(0, n - block, block), size=max(1, sample_rows // block), replace=False))
        rows = np.concatenate([np.arange(s, s + block) for s in starts])
    kk = min(k + 1, n)
    above = 0
    t = time.perf_counter()
    for s, e in _blocks(len(rows), block):
        q = rows[s:e]
        sims = x[q] @ x.T
        sims[np.arange(len(q)), q] = -np.inf  # drop self
        np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
        above += int((sims >= threshold).sum())
    seconds = time.perf_counter() - t
    scale = n / len(rows)
    return {"seconds": seconds * scale, "projected": projected, "pairs_above": int(above * scale / 2),
            "query_rows": len(rows)}


def mining(x: np.ndarray, *, k: int) -> dict:
    """``paraphrase_mining_embeddings`` (top ``k`` per row, no pair cap) on the vectors."""
    import torch
    from sentence_transformers.util import paraphrase_mining_embeddings

    t = time.perf_counter()
    pairs = paraphrase_mining_embeddings(torch.from_numpy(np.ascontiguousarray(x)), top_k=k,
                                         max_pairs=10 * k * len(x))
    seconds = time.perf_counter() - t
    arr = np.array([(min(i, j), max(i, j)) for _, i, j in pairs], dtype=np.int64).reshape(-1, 2)
    return {"seconds": seconds, "pairs": arr}


def shingle_sets(keys: Sequence[str], k: int = 4) -> list[set[bytes]]:
    return [{s[i : i + k].encode("utf-8") for i in range(len(s) - k + 1)} or {s.encode("utf-8")} for s in keys]


def minhash_lsh(keys: Sequence[str], *, threshold: float = 0.3, num_perm: int = 64, seed: int = 1) -> dict:
    """MinHashLSH over 4-shingles: build, then query every text; candidate pairs i<j.

    A near copy (≥ 70 % of the shorter in shared runs) of texts of unequal length can have a Jaccard
    as low as ~0.3, hence the low threshold.
    """
    from datasketch import MinHash, MinHashLSH

    t = time.perf_counter()
    sets = shingle_sets(keys)
    hashes = MinHash.bulk(sets, num_perm=num_perm, seed=seed)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    with lsh.insertion_session() as session:
        for i, h in enumerate(hashes):
            session.insert(i, h, check_duplication=False)
    out = []
    for i, h in enumerate(hashes):
        for j in lsh.query(h):
            if j > i:
                out.append((i, j))
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "pairs": np.array(out, dtype=np.int64).reshape(-1, 2)}


def exact_partners(keys: Sequence[str], x: np.ndarray, sample: np.ndarray, *, thresholds: Sequence[float],
                   copy_share: float = 0.15, topk: int | None = None) -> dict[str, dict[int, set[int]]]:
    """For each sampled row, its exact partners: ``"cos>=T"`` for each T, ``"topK"`` (its K nearest
    texts by brute-force cosine: what the semantic kNN approximates) and ``"copy"`` (copy criterion)."""
    from svcsim.dupes.align import align
    from svcsim.dupes.candidates import _shingle_hashes
    from svcsim.dupes.classify import Thresholds
    from svcsim.text.normalize import normalize_for_match

    t = Thresholds()
    out: dict[str, dict[int, set[int]]] = {f"cos>={th}": {} for th in thresholds}
    if topk:
        out[f"top{topk}"] = {}
    out["copy"] = {}
    for s, e in _blocks(len(sample), _block_rows(len(x))):
        q = sample[s:e]
        sims = x[q] @ x.T
        for r, row in enumerate(q):
            for th in thresholds:
                hit = np.flatnonzero(sims[r] >= th)
                out[f"cos>={th}"][int(row)] = {int(j) for j in hit if j != row}
            if topk:
                sims[r, row] = -np.inf
                top = np.argpartition(-sims[r], topk)[:topk]
                out[f"top{topk}"][int(row)] = {int(j) for j in top}
    docs, h = _shingle_hashes(keys, 4)
    n_sh = np.bincount(docs, minlength=len(keys))
    for row in sample.tolist():
        mine = _row_hashes(keys[row])
        lo, hi = np.searchsorted(h, mine, side="left"), np.searchsorted(h, mine, side="right")
        cand = np.concatenate([docs[a:b] for a, b in zip(lo, hi)]) if len(lo) else np.zeros(0, np.int64)
        partners: set[int] = set()
        if len(cand):
            ids, shared = np.unique(cand, return_counts=True)
            shorter = np.minimum(n_sh[ids], n_sh[row])
            ok = (ids != row) & (shared >= np.maximum(1, np.floor(copy_share * shorter)))
            nq = normalize_for_match(keys[row])
            # keys are already normalised; aligning them again is the identity apart from offsets
            for j in ids[ok].tolist():
                if keys[j] == keys[row]:
                    partners.add(j)
                    continue
                al = align(nq, normalize_for_match(keys[j]), min_run=t.min_run)
                if al.cover_short >= t.near_copy_short and al.cover_long >= t.near_copy_long:
                    partners.add(j)
        out["copy"][row] = partners
    return out


def _row_hashes(key: str) -> np.ndarray:
    from svcsim.dupes.candidates import _shingle_hashes

    _, h = _shingle_hashes([key], 4)
    return np.unique(h)


def recall(exact: dict[int, set[int]], candidates: np.ndarray | set[tuple[int, int]]) -> tuple[float, int]:
    """(share of exact (row, partner) pairs present in ``candidates``, number of exact pairs)."""
    cand = candidates if isinstance(candidates, set) else {(int(a), int(b)) for a, b in candidates}
    total = found = 0
    for row, partners in exact.items():
        for j in partners:
            total += 1
            found += (min(row, j), max(row, j)) in cand
    return (found / total if total else float("nan")), total


def shingle_hash_vectors(keys: Sequence[str], *, dim: int = 384, k: int = 3) -> np.ndarray:
    """Feature-hashed character ``k``-grams as unit vectors, vectorised with numpy (1M texts in ~a minute).

    The 1M proxy for model vectors: like :class:`svcsim.embed.HashEncoder` (one n-gram size, no
    Python loop), so text and vector stay consistent — copies are near in cosine — but its cosine
    scale is not e5's.
    """
    from svcsim.dupes.candidates import _shingle_hashes

    docs, h = _shingle_hashes(keys, k)
    col = (h % np.uint64(dim)).astype(np.int64)
    sign = np.where((h >> np.uint64(32)) & np.uint64(1), 1.0, -1.0).astype(np.float32)
    flat = np.bincount(docs * dim + col, weights=sign, minlength=len(keys) * dim)
    x = flat.astype(np.float32).reshape(len(keys), dim)
    empty = ~x.any(axis=1)
    x[empty, 0] = 1.0
    return x / np.linalg.norm(x, axis=1, keepdims=True)
