"""Contained copies: a long verbatim run shared by two texts, however much else surrounds it.

The near-copy bars (≥ 70 % of the shorter, ≥ 35 % of the longer text in shared runs) miss a copy
buried in a longer point: 94 characters copied after 200 characters of other text cover 30 % of the
longer side. So a second, exact join reports every pair of distinct texts sharing one verbatim run
of at least ``need`` normalised characters, where ``need`` depends on the shorter text only
(:meth:`svcsim.dupes.classify.Thresholds.contained_need`: 30 characters, or 70 % of a shorter text
below 43 characters, never under 12).

How: a pair whose shorter text needs ``n`` shares an ``n``-gram. For every ``n`` that some text
needs, the ``n``-gram hashes of the texts that need ``n`` (the queries) are looked up among the
``n``-grams of every text at least as long (the targets: their need is ≥ ``n`` too), through a
bitmap first and an exact sort after; a compiled kernel turns the shared ``n``-grams into pairs,
once each, skipping pairs that are already near copies. A hash collision can only add a candidate:
every pair is checked by the tiler, which also gives its coverage (the ``lexical`` score).

>>> keys = ["設置單一窗口提供便民服務", "本局推動智慧治理並設置單一窗口提供便民服務另外還要加強數位學習與各項資訊安全防護工作"]
>>> u, v, cov, longest = contained_pairs(keys, floor=12)
>>> u.tolist(), v.tolist(), longest.tolist()
([0], [1], [12])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from svcsim.dupes.candidates import _PRIME
from svcsim.dupes.tiling import codes_of

_BITS = 25  # a 32 MB membership filter in front of the exact search


def need_per_text(lengths: np.ndarray, *, run: int, share: float, floor: int) -> np.ndarray:
    """The shared-run length each text's pairs need when it is the shorter side (0: never)."""
    need = np.maximum(floor, np.minimum(run, np.ceil(share * lengths - 1e-9).astype(np.int64)))
    return np.where(lengths >= need, need, 0)


def contained_pairs(
    keys: Sequence[str],
    *,
    run: int = 30,
    share: float = 0.70,
    floor: int = 12,
    min_run: int = 4,
    exclude: tuple[np.ndarray, np.ndarray] | None = None,
    only: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of ``keys`` whose longest common run reaches the need of the shorter text.

    Args:
        keys: distinct normalised texts.
        run, share, floor: the need is ``max(floor, min(run, ceil(share × shorter length)))``.
        min_run: the tiler's shortest run, for the coverage returned.
        exclude: pairs ``(u, v)`` not to report (the near copies, found by the other join).
        only: a boolean mask over ``keys``: just the pairs with at least one text in it (the same
            pairs and values the whole join gives them; the others are not verified at all).

    Returns:
        ``(u, v, covered, longest)``: pairs ``u < v`` (int32, sorted), the characters the greedy
        tiling covers, and the longest shared run.
    """
    from svcsim.dupes import _contained_jit as jit

    n = len(keys)
    empty = np.zeros(0, np.int32)
    codes, starts = codes_of(keys)
    lengths = np.diff(starts)
    need = need_per_text(lengths, run=run, share=share, floor=floor)
    levels = np.unique(need[need > 0])
    if n < 2 or not len(levels):
        return empty, empty, np.zeros(0, np.int64), np.zeros(0, np.int64)
    ex_u, ex_v = exclude if exclude is not None else (empty, empty)
    src = np.concatenate([ex_u, ex_v]).astype(np.int64)
    dst = np.concatenate([ex_v, ex_u]).astype(np.int64)
    order = np.argsort(src, kind="stable")
    nbr = dst[order]
    nbr_ptr = np.r_[0, np.cumsum(np.bincount(src, minlength=n))].astype(np.int64)
    del src, dst, order

    doc_of = np.repeat(np.arange(n, dtype=np.int64), lengths)
    end_of = starts[1:][doc_of]
    c = codes.astype(np.uint64)
    h = np.zeros(len(c), np.uint64)
    found_u: list[np.ndarray] = []
    found_v: list[np.ndarray] = []
    size = 0  # h[:size] holds the hashes of the `size`-grams starting at each position
    for level in levels.tolist():
        with np.errstate(over="ignore"):  # the hash wraps modulo 2**64 on purpose
            while size < level:
                m = len(c) - size
                h[:m] = h[:m] * _PRIME + c[size:]
                size += 1
        pos = np.arange(len(c) - level + 1, dtype=np.int64)
        pos = pos[pos + level <= end_of[: len(pos)]]  # the window stays inside its text
        nd = need[doc_of[pos]]
        qpos = pos[nd == level]
        tpos = pos[nd > level]
        if not len(qpos):
            continue
        hq = h[qpos]
        bitmap = np.zeros(1 << _BITS, np.bool_)
        bitmap[hq >> np.uint64(64 - _BITS)] = True
        tpos = tpos[bitmap[h[tpos] >> np.uint64(64 - _BITS)]]
        del bitmap
        uq = np.unique(hq)
        ht = h[tpos]
        at = np.minimum(np.searchsorted(uq, ht), len(uq) - 1)
        tpos = tpos[uq[at] == ht]
        # tokens: ids of the query n-grams; (token, doc) distinct, for both sides
        tok_q = np.searchsorted(uq, hq)
        tok_t = np.searchsorted(uq, h[tpos])
        tok = np.concatenate([tok_q, tok_t])
        doc = np.concatenate([doc_of[qpos], doc_of[tpos]])
        pair = np.unique(tok * n + doc)
        tok, doc = pair // n, pair % n
        tok_ptr = np.r_[0, np.cumsum(np.bincount(tok, minlength=len(uq)))].astype(np.int64)
        is_q = need[doc] == level
        by_doc = np.lexsort((tok[is_q], doc[is_q]))
        qdoc, qtok = doc[is_q][by_doc], tok[is_q][by_doc]
        queries, first = np.unique(qdoc, return_index=True)
        doc_ptr = np.r_[first, len(qdoc)].astype(np.int64)
        a, b2 = jit._emit_pairs(queries.astype(np.int64), doc_ptr, qtok.astype(np.int64), tok_ptr,
                                doc.astype(np.int64), need, int(level), nbr_ptr, nbr, n)
        found_u.append(a)
        found_v.append(b2)
    del h, c
    if not found_u:
        return empty, empty, np.zeros(0, np.int64), np.zeros(0, np.int64)
    u = np.concatenate(found_u).astype(np.int64)
    v = np.concatenate(found_v).astype(np.int64)
    if only is not None:
        mine = np.asarray(only, dtype=bool)
        keep = mine[u] | mine[v]
        u, v = u[keep], v[keep]
    if not len(u):
        return empty, empty, np.zeros(0, np.int64), np.zeros(0, np.int64)
    covered, longest = jit._cover_longest(codes, starts, u, v, int(min_run))
    shorter = np.where(lengths[u] <= lengths[v], u, v)
    ok = longest >= need[shorter]
    u, v, covered, longest = u[ok], v[ok], covered[ok], longest[ok]
    order = np.lexsort((v, u))
    return (u[order].astype(np.int32), v[order].astype(np.int32), covered[order], longest[order])
