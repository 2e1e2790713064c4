"""Exact k-nearest-neighbour lists of distinct unit rows, the same for any batch, and kept across plans.

The innovation score (closest counterparts, k = 51) and the scalable clusterer (kNN graph, k = 31)
both need the nearest distinct point vectors of every distinct point vector: at 100k points that is
50k × 50k inner products, the largest cost of both after segmentation. Both see the same distinct
rows in the same order (sorted by text, first copy kept), so a :class:`NeighbourMemo` handed to both
searches once and gives the clusterer the first 31 columns of the 51.

**A batch-independent similarity (decision of 2026-12-08, issue #14).** faiss' float32 inner
products change in the last bit with the query batch, a row's place in BLAS' tiles and the thread
count, so a list kept from an earlier search could never equal a fresh search bit for bit, and
refreshing after one added plan meant searching everything again (~6 s quiet, ~20 s loaded, at
100k). Here faiss only proposes candidates: the top ``k + 8`` by its float32 inner product. Each
candidate pair is then rescored by :func:`pair_sims` — the float64 sum of the exact float64 products
of the two float32 rows, always the same numpy pairwise summation of one row pair, whatever the
batch — and a row's list is its best ``k`` by (−similarity, row). A completeness check makes the
lists exact under that order: when faiss' last candidate, raised by a bound on float32 rounding
(:func:`_slack`), could still reach the k-th rescored similarity, the row is compared with every
row (float32, BLAS) and every pair within the bound is rescored. So a fresh search and an update
give the same lists, value for value, and the lists can be kept in the stored analysis and updated
with a new plan's vectors only (:func:`update_knn`):

* rows of texts never seen are searched against all rows;
* a kept row whose list lost a neighbour (a replaced or removed plan's text) is searched again;
* any other kept row keeps its list unless a new row beats its k-th similarity: one new × all
  float32 product finds the pairs within the rounding bound, and only those are rescored.

Rows are identified by their text (the key), never by position: positions shift when texts are
inserted. Two texts with the same vector are one row, keyed by the first text in sorted order.
The change of numerics: ``max_cos`` is now the float64 similarity, not faiss' float32 one, so values
that were equal in float32 (and shared a percentile) now differ in the 8th decimal. On the examples
(775 points, multilingual-e5-small, points + titles) 122 ``novelty`` percentiles moved (by ≤ 0.008),
104 scores and 176 ranks among near-ties; every ``max_cos`` as printed (4 decimals), every reason
and every cluster are unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["NeighbourLists", "NeighbourMemo", "exact_knn", "pair_sims", "update_knn"]

_CHUNK = 4096     # faiss queries per call: bounds the temporary distance block it allocates
_PAIRS = 2048     # row pairs rescored per step: two (pairs × dim) float64 blocks stay in cache
_MARGIN = 8       # candidates beyond k that faiss proposes; the completeness check covers the rest
_WIDE = 256       # rows compared with every row per BLAS call when the candidates were not enough


def pair_sims(u: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Inner products (float64) of rows ``a[i]`` and ``b[i]`` of ``u`` (float32 rows, or their float64 copies).

    The products of two float32 values are exact in float64, and each pair's sum is numpy's
    pairwise summation of one contiguous row of ``dim`` values: the same bits in any batch, order,
    chunk or thread count, and symmetric in ``a`` and ``b``.
    """
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    out = np.empty(a.shape[0], dtype=np.float64)
    for s in range(0, a.shape[0], _PAIRS):
        left = u[a[s:s + _PAIRS]].astype(np.float64, copy=False)
        out[s:s + _PAIRS] = (left * u[b[s:s + _PAIRS]]).sum(axis=1)
    return out


def _slack(u: np.ndarray) -> np.ndarray:
    """Per row, a bound on |float32 inner product − exact| against any row: γ_dim · ‖x‖ · max ‖y‖
    with γ_dim = dim · 2⁻²⁴ (any summation order, FMA or not), doubled for safety."""
    norms = np.sqrt(np.einsum("ij,ij->i", u, u, dtype=np.float64))
    top = float(norms.max()) if norms.size else 0.0
    return (u.shape[1] + 2) * 2.0 ** -23 * norms * top + 1e-12


def _best(sims: np.ndarray, nbrs: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's first ``k`` by (−similarity, row); missing candidates (−1) go last."""
    s = np.where(nbrs < 0, -np.inf, sims)
    key = np.where(nbrs < 0, np.iinfo(np.int64).max, nbrs)
    order = np.lexsort((key, -s), axis=-1)[:, :k]
    return np.take_along_axis(s, order, axis=1), np.take_along_axis(nbrs, order, axis=1)


def _search_rows(u: np.ndarray, rows: np.ndarray, k: int, index) -> tuple[np.ndarray, np.ndarray]:
    """The exact lists of ``rows`` among all rows of ``u`` (``index``: a faiss IndexFlatIP of ``u``)."""
    m = u.shape[0]
    wide = min(m, k + _MARGIN)
    c32 = np.empty((rows.size, wide), dtype=np.float32)
    cand = np.empty((rows.size, wide), dtype=np.int64)
    for a in range(0, rows.size, _CHUNK):
        c32[a:a + _CHUNK], cand[a:a + _CHUNK] = index.search(u[rows[a:a + _CHUNK]], wide)
    ok = cand >= 0
    s64 = np.full(cand.shape, -np.inf)
    s64[ok] = pair_sims(u, np.broadcast_to(rows[:, None], cand.shape)[ok], cand[ok])
    sims, nbrs = _best(s64, cand, k)
    if wide < m:
        slack = _slack(u)
        # a row faiss did not propose has float32 similarity ≤ the last candidate's, so its exact
        # one is below the k-th unless the last candidate is within the rounding bound of it
        short = np.flatnonzero(~(c32[:, -1].astype(np.float64) + slack[rows] < sims[:, k - 1]))
        if short.size:
            sims[short], nbrs[short] = _widen(u, rows[short], sims[short], nbrs[short], k, slack)
    return sims, nbrs


def _widen(u: np.ndarray, rows: np.ndarray, sims: np.ndarray, nbrs: np.ndarray, k: int,
           slack: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Complete lists by comparing ``rows`` with every row: whatever can still reach the k-th
    similarity (float32 within the rounding bound) is rescored and merged."""
    out_s, out_n = sims.copy(), nbrs.copy()
    for a in range(0, rows.size, _WIDE):
        block = u[rows[a:a + _WIDE]] @ u.T
        for i, r in enumerate(rows[a:a + _WIDE].tolist()):
            j = a + i
            reach = np.flatnonzero(block[i].astype(np.float64) >= out_s[j, k - 1] - 2 * slack[r])
            extra = np.setdiff1d(reach, out_n[j])
            if extra.size:
                s = np.concatenate([out_s[j], pair_sims(u, np.full(extra.size, r), extra)])
                n = np.concatenate([out_n[j], extra])
                out_s[j], out_n[j] = (x[0] for x in _best(s[None], n[None], k))
    return out_s, out_n


def _index(u: np.ndarray):
    import faiss

    index = faiss.IndexFlatIP(u.shape[1])
    index.add(u)
    return index


def exact_knn(u: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(similarities float64, neighbour rows int64), each (m, k): the ``k`` rows of ``u`` with the
    highest :func:`pair_sims` to each row, itself included, ordered by (−similarity, row).

    The same arrays for any batching of the search (see the module docstring); ``k`` ≤ rows.
    """
    u = np.ascontiguousarray(u, dtype=np.float32)
    rows = np.arange(u.shape[0], dtype=np.int64)
    if not rows.size:
        return np.empty((0, k)), np.empty((0, k), dtype=np.int64)
    return _search_rows(u, rows, k, _index(u))


def update_knn(u: np.ndarray, old_sims: np.ndarray, old_nbrs: np.ndarray, kept: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`exact_knn` ``(u, k)`` from the lists of an earlier row set, searching only what changed.

    Args:
        u: the current rows (m × dim float32).
        old_sims, old_nbrs: per current row, its kept list (k columns) with neighbours renumbered to
            current rows (−1: a neighbour that is gone); rows that are not kept hold anything.
        kept: per current row, whether it was in the earlier row set (same key, same vector).

    Returns:
        (sims, nbrs, changed): the lists :func:`exact_knn` gives, and which rows' lists differ from
        the kept ones (new rows included).
    """
    u = np.ascontiguousarray(u, dtype=np.float32)
    k = old_nbrs.shape[1]
    sims, nbrs = old_sims.copy(), old_nbrs.copy()
    redo = ~kept | (old_nbrs < 0).any(axis=1)
    fresh = np.flatnonzero(~kept)
    changed = redo.copy()
    if fresh.size:  # does a new row beat a kept row's k-th? float32 first, rescore within the bound
        slack = _slack(u)
        stay = np.flatnonzero(~redo)
        pairs_r, pairs_n = [], []
        for a in range(0, fresh.size, _WIDE):
            block = (u[fresh[a:a + _WIDE]] @ u.T)[:, stay].astype(np.float64)  # (new, stay)
            hit_n, hit_s = np.nonzero(block >= sims[stay, k - 1][None, :] - 2 * slack[stay][None, :])
            pairs_r.append(stay[hit_s])
            pairs_n.append(fresh[a:a + _WIDE][hit_n])
        pr, pn = np.concatenate(pairs_r), np.concatenate(pairs_n)
        if pr.size:
            ps = pair_sims(u, pr, pn)
            order = np.argsort(pr, kind="stable")
            pr, pn, ps = pr[order], pn[order], ps[order]
            touched, starts = np.unique(pr, return_index=True)
            bounds = np.append(starts, pr.size)
            for i, r in enumerate(touched.tolist()):
                s = np.concatenate([sims[r], ps[bounds[i]:bounds[i + 1]]])
                n = np.concatenate([nbrs[r], pn[bounds[i]:bounds[i + 1]]])
                new_s, new_n = (x[0] for x in _best(s[None], n[None], k))
                if not np.array_equal(new_n, nbrs[r]):
                    sims[r], nbrs[r] = new_s, new_n
                    changed[r] = True
    rows = np.flatnonzero(redo)
    if rows.size:
        sims[rows], nbrs[rows] = _search_rows(u, rows, k, _index(u))
    return sims, nbrs, changed


@dataclass(frozen=True)
class NeighbourLists:
    """Neighbour lists of distinct rows, keyed by text, as kept in the stored analysis.

    Attributes:
        keys: the text of each row (sorted; the first text of each distinct vector).
        sims: (rows, k) float64 :func:`pair_sims` of each row to its neighbours.
        nbrs: (rows, k) int64 neighbour rows, ordered by (−similarity, row).
        lex: (rows, k) float64 character-bigram cosines of each row to its neighbours (innovation's
            ``max_lex``), or ``None``.
    """

    keys: tuple[str, ...]
    sims: np.ndarray
    nbrs: np.ndarray
    lex: np.ndarray | None = None


class NeighbourMemo:
    """The neighbour lists of one set of rows, reused for the same rows and a k no larger, and
    updated from earlier lists (``prior``, e.g. read from the stored analysis) when rows changed.

    Holds a copy of the rows (~77 MB at 50k distinct 384-d rows) while it lives; the stored
    analysis keeps one per :class:`~svcsim.analysis.Analysis` for the time of a refresh.

    Attributes:
        prior: the lists an update starts from (:class:`NeighbourLists`), or ``None``.
        lists: the lists of the last search, with its keys when the caller gave them.
        n_searched: full searches run (a reuse or an update does not count).
        n_updated: updates from ``prior``; ``rows_searched`` the rows they searched again.
        changed: after an update, which rows' lists differ from ``prior``'s (``None`` otherwise).
    """

    def __init__(self, prior: NeighbourLists | None = None) -> None:
        self.prior = prior
        self.lists: NeighbourLists | None = None
        self.changed: np.ndarray | None = None
        self._u: np.ndarray | None = None
        self.n_searched = 0
        self.n_updated = 0
        self.rows_searched = 0

    def search(self, u: np.ndarray, k: int, keys: list[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """:func:`exact_knn` ``(u, k)``: read from the last search when it was of the same rows with
        k or more, updated from ``prior`` when ``keys`` (the text of each row) are given and it has
        k columns or more, else searched."""
        last = self.lists
        if (last is not None and last.sims.shape[1] >= k and self._u.shape == u.shape
                and np.array_equal(self._u, u) and (keys is None or not last.keys or tuple(keys) == last.keys)):
            return last.sims[:, :k], last.nbrs[:, :k]
        prior = self.prior
        width = prior.sims.shape[1] if prior is not None else 0
        if keys is not None and prior is not None and k <= width <= u.shape[0]:
            sims, nbrs = self._update(u, list(keys), prior)
        else:
            sims, nbrs = exact_knn(u, k)
            self.n_searched += 1
            self.changed = None
        self._u = np.array(u, dtype=np.float32)
        self.lists = NeighbourLists(tuple(keys) if keys is not None else (), sims, nbrs)
        return sims[:, :k], nbrs[:, :k]

    def _update(self, u: np.ndarray, keys: list[str], prior: NeighbourLists) -> tuple[np.ndarray, np.ndarray]:
        at = {t: i for i, t in enumerate(keys)}
        old_to_new = np.fromiter((at.get(t, -1) for t in prior.keys), dtype=np.int64, count=len(prior.keys))
        kept_old = np.flatnonzero(old_to_new >= 0)
        m, width = u.shape[0], prior.sims.shape[1]
        kept = np.zeros(m, dtype=bool)
        kept[old_to_new[kept_old]] = True
        old_sims = np.zeros((m, width))
        old_nbrs = np.full((m, width), -1, dtype=np.int64)
        old_sims[old_to_new[kept_old]] = prior.sims[kept_old]
        was = prior.nbrs[kept_old]
        old_nbrs[old_to_new[kept_old]] = np.where(was >= 0, old_to_new[np.maximum(was, 0)], -1)
        sims, nbrs, changed = update_knn(u, old_sims, old_nbrs, kept)
        self.n_updated += 1
        self.rows_searched += int((~kept | (old_nbrs < 0).any(axis=1)).sum())
        self.changed = changed
        return sims, nbrs
