"""Greedy string tiling compiled with numba: the same tiles as :func:`svcsim.dupes.align.tiles`, ~100× faster.

All-pairs detection aligns millions of candidate pairs (2.5M at 100k points), and the pure-Python
tiler spends ~100 µs on each. This module runs the *same algorithm* on code-point arrays:

1. every maximal common run ``(i, j, n)`` with ``n ≥ k`` (a run starts where the characters match
   and the previous ones do not; it is extended as far as the characters keep matching);
2. runs taken longest first, ties by ``(i, j)``; each run keeps its longest stretch whose
   characters are still unused on both sides, if that is ≥ ``k``.

:func:`covered_batch` returns only the number of covered characters per pair (what the near-copy
decision needs) for a whole batch of pairs in one call; :func:`tiles_fast` returns the tiles of one
pair. Both are checked against the Python reference in the tests (hypothesis, identical output).

numba is imported on first use, never by ``import svcsim`` (it costs ~0.35 s), and compiled
functions are cached on disk (``NUMBA_CACHE_DIR`` moves the cache), so only the first run of a new
install pays the ~2 s compilation.
"""

from __future__ import annotations

from collections.abc import Sequence
import numpy as np


def codes_of(keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """All ``keys`` as one int32 code-point array and their start offsets (``len(keys) + 1`` of them)."""
    lengths = np.fromiter((len(s) for s in keys), dtype=np.int64, count=len(keys))
    starts = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    joined = "".join(keys)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.int32) if joined else np.zeros(0, np.int32)
    return codes, starts


def _kernels():
    from svcsim.dupes import _tiling_jit

    return _tiling_jit._tile, _tiling_jit._covered_batch


def covered_batch(codes: np.ndarray, starts: np.ndarray, us: np.ndarray, vs: np.ndarray, k: int) -> np.ndarray:
    """Characters covered by the greedy tiling of each pair ``(us[p], vs[p])`` of texts in ``codes``.

    Args:
        codes, starts: from :func:`codes_of` over the normalised texts.
        us, vs: int64 text indices, one pair per position.
        k: the shortest run that counts (``min_run``).
    """
    _, batch = _kernels()
    us = np.ascontiguousarray(us, dtype=np.int64)
    vs = np.ascontiguousarray(vs, dtype=np.int64)
    if len(us) == 0:
        return np.zeros(0, np.int64)
    return batch(codes, starts, us, vs, int(k))


def tiles_fast(a: str, b: str, k: int) -> list[tuple[int, int, int]]:
    """The tiles of one pair, in the order :func:`svcsim.dupes.align.tiles` returns them."""
    tile, _ = _kernels()
    codes, starts = codes_of([a, b])
    out = np.empty((min(len(a), len(b)) // max(k, 1) + 2, 3), np.int64)
    c = tile(codes, 0, len(a), len(a), len(b), int(k), out)
    return [(int(i), int(j), int(n)) for i, j, n in out[:c]]


def _window_tokens(codes: np.ndarray, starts: np.ndarray, k: int, uniq_hashes: np.ndarray) -> np.ndarray:
    """The k-gram id (index into ``uniq_hashes``) of the window starting at every position; -1 where
    the window would cross into the next text. Same rolling hash as the shingle index."""
    from svcsim.dupes.candidates import _PRIME

    n = len(codes)
    out = np.full(n, -1, dtype=np.int64)
    n_start = n - k + 1
    if n_start <= 0:
        return out
    c = codes.astype(np.uint64)
    h = np.zeros(n_start, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for t in range(k):
            h = h * _PRIME + c[t : t + n_start]
    doc_of = np.repeat(np.arange(len(starts) - 1), np.diff(starts))[:n_start]
    valid = np.arange(n_start) + k <= starts[1:][doc_of]
    out[:n_start][valid] = np.searchsorted(uniq_hashes, h[valid])
    return out


def near_copy_pairs(
    keys: Sequence[str],
    *,
    k: int = 4,
    short_min: float = 0.7,
    long_min: float = 0.35,
    threads: int | None = None,
    only: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Every pair of ``keys`` whose greedy tiling covers ≥ ``short_min`` of the shorter and
    ≥ ``long_min`` of the longer text: an exact all-pairs join, no ``max_df`` or top-k cut-off.

    With ``only`` (a boolean mask over ``keys``), just the pairs with at least one text in it —
    exactly those pairs of the whole join, with the same coverage — for the cost of the texts in
    ``only`` (how a stored scan takes in a new plan, :mod:`svcsim.analysis.delta`).

    How it stays fast on a million texts: a pair that meets the bars shares runs covering at least
    ``long_min`` of each text, hence at least ``ceil(long_min · len / k)`` window positions and (minus
    the text's repeated k-grams) that many distinct k-grams. With each text's k-grams ordered rarest
    first, two such texts share one of their first ``distinct − needed + 1`` ("prefix filtering", as
    in AllPairs/PPJoin), so only docs sharing a prefix k-gram are aligned — which drops the
    city-wide template phrases that made candidate lists quadratic. A hash collision between
    k-grams can only add candidates, never lose a pair.

    Returns:
        ``(u, v, covered, aligned)``: int32 arrays of pairs ``u < v`` (in no particular order; int32
        because a million-text corpus has ~10⁸ of them), the covered character count of each, and
        how many candidates were aligned.
    """
    import os
    from concurrent.futures import ThreadPoolExecutor

    from svcsim.dupes.candidates import _shingle_hashes

    n = len(keys)
    empty = np.zeros(0, np.int32)
    codes, starts = codes_of(keys)
    if n < 2 or not len(codes):
        return empty, empty, empty, 0
    uniq, cid = np.unique(codes, return_inverse=True)
    cid = cid.astype(np.int32)
    docs, h = _shingle_hashes(keys, k)
    if not len(h):
        return empty, empty, empty, 0
    tid = np.cumsum(np.r_[False, h[1:] != h[:-1]]).astype(np.int64)
    n_tok = int(tid[-1]) + 1
    tok_at = _window_tokens(codes, starts, k, h[np.r_[True, h[1:] != h[:-1]]])
    df = np.bincount(tid, minlength=n_tok)
    lengths = np.diff(starts)
    n_distinct = np.bincount(docs, minlength=n)
    windows = np.maximum(lengths - k + 1, 0)
    needed = np.maximum(1, np.ceil(long_min * lengths / k - 1e-9).astype(np.int64) - (windows - n_distinct))
    prefix = np.maximum(n_distinct - needed + 1, 0)
    order = np.lexsort((tid, df[tid], docs))  # by doc, then rarest token first
    d_sorted, t_sorted = docs[order], tid[order]
    doc_start = np.r_[0, np.cumsum(n_distinct)][:-1]
    rank = np.arange(len(d_sorted)) - doc_start[d_sorted]
    keep = rank < prefix[d_sorted]
    p_doc, p_tok = d_sorted[keep], t_sorted[keep]
    # for the count filter: each doc's repeated k-grams, tokens after its prefix, and the global
    # rank of its prefix's last token (-1 for an empty prefix)
    grank = np.empty(n_tok, dtype=np.int64)
    grank[np.lexsort((np.arange(n_tok), df))] = np.arange(n_tok)
    dup = (windows - n_distinct).astype(np.int64)
    suffix = (n_distinct - prefix).astype(np.int64)
    pend = np.full(n, -1, dtype=np.int64)
    np.maximum.at(pend, p_doc, grank[p_tok])
    pref_ptr = np.r_[0, np.cumsum(np.bincount(p_doc, minlength=n))].astype(np.int64)
    by_tok = np.lexsort((p_doc, p_tok))
    post_doc = p_doc[by_tok].astype(np.int64)
    post_ptr = np.r_[0, np.cumsum(np.bincount(p_tok, minlength=n_tok))].astype(np.int64)
    pref_tok = p_tok.astype(np.int64)

    from svcsim.dupes import _tiling_jit

    join = _tiling_jit._near_copy_join
    if threads is None:
        threads = max(1, min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1))
    # each pair is found from its later text r, among the texts s < r in the postings of r's prefix
    if only is None:
        jobs = [(np.arange(n, dtype=np.int64), post_ptr, post_doc)]
    else:
        mask = np.asarray(only, dtype=bool)
        sel = mask[p_doc]  # pairs (s in only, r not), s < r: the others probe only the postings of `only`
        by_tok_o = np.lexsort((p_doc[sel], p_tok[sel]))
        jobs = [(np.flatnonzero(mask).astype(np.int64), post_ptr, post_doc),
                (np.flatnonzero(~mask).astype(np.int64),
                 np.r_[0, np.cumsum(np.bincount(p_tok[sel], minlength=n_tok))].astype(np.int64),
                 p_doc[sel][by_tok_o].astype(np.int64))]
    # interleaved parts: equal shares of long and short docs
    parts = [(todo[t::threads], pp, pd) for todo, pp, pd in jobs for t in range(threads)]

    def run(job):
        part, pp, pd = job
        return join(cid, starts, len(uniq), int(k), float(short_min), float(long_min),
                    pref_ptr, pref_tok, pp, pd, part, tok_at, n_tok, dup, suffix, pend)

    if threads == 1:
        results = [run(job) for job in parts]
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:  # the kernel releases the GIL
            results = list(pool.map(run, parts))
    u = np.concatenate([r[0] for r in results])
    v = np.concatenate([r[1] for r in results])
    c = np.concatenate([r[2] for r in results])
    return u, v, c, int(sum(r[3] for r in results))
