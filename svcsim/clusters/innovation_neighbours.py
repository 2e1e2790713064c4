"""Vector signals of the innovation score: the closest counterpart, and the distance from the template.

A point's **counterparts** are the points it could have been taken from: every point of another
agency, and the same agency's points of *earlier* years (a practice an agency keeps from last year
is not new this year; the year it started, it was). The same plan, and the same agency's later
plans, are not counterparts.

:func:`nearest_counterparts` finds, per point, the cosine to its closest counterpart with an exact
inner-product search over *distinct* vectors (a template sentence carried by 500 plans is searched
once), and the lexical similarity to the closest counterpart among the same candidates: the cosine
of their character-bigram counts after :func:`~svcsim.text.match_key` (width, punctuation and 臺/台
folded). :func:`title_cosines` gives the cosine between a point and the 具體措施 title it sits under —
the template's own words: a point that restates its title adds nothing the template did not ask.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from svcsim.clusters.knn import NeighbourMemo, pair_sims
from svcsim.model import Entry

__all__ = ["Counterparts", "nearest_counterparts", "title_cosines", "title_key"]

_UNKNOWN_YEAR = 10**6


@dataclass(frozen=True)
class Counterparts:
    """Per row: the cosine to the closest counterpart and what it was.

    Attributes:
        max_cos: cosine to the closest counterpart (``nan`` when the row has none: one agency, one year).
        max_lex: highest character-bigram cosine to a counterpart among the searched neighbours (``nan``
            likewise); lexical twins a vector search ranks low can be missed.
        exact: False when no searched neighbour was a counterpart, so ``max_cos`` is an upper bound.
        own_agency: the closest counterpart is the same agency's earlier plan.
    """

    max_cos: np.ndarray
    max_lex: np.ndarray
    exact: np.ndarray
    own_agency: np.ndarray


def _codes(entries: Sequence[Entry]) -> tuple[np.ndarray, np.ndarray]:
    names = {a: i for i, a in enumerate(sorted({e.agency for e in entries}))}
    agency = np.fromiter((names[e.agency] for e in entries), dtype=np.int64, count=len(entries))
    year = np.fromiter((e.year if e.year is not None else _UNKNOWN_YEAR for e in entries), dtype=np.int64,
                       count=len(entries))
    return agency, year


def nearest_counterparts(entries: Sequence[Entry], x: np.ndarray, n_neighbors: int = 50,
                         neighbours: NeighbourMemo | None = None) -> Counterparts:
    """The closest counterpart of every row of ``x`` (unit rows aligned with ``entries``).

    Rows are searched in the order given; callers pass a canonical order (sorted by text) so ties
    resolve the same way for any input order. ``neighbours`` shares the search with the clusterer's
    kNN graph and, holding lists kept from an earlier corpus, updates them instead of searching.
    """
    n = x.shape[0]
    agency, year = _codes(entries)
    first, node_of = _distinct_rows(x)
    u = np.ascontiguousarray(x[first], dtype=np.float32)
    m = u.shape[0]
    k = min(m, n_neighbors + 1)
    keys = [entries[i].text for i in first.tolist()]
    memo = neighbours if neighbours is not None else NeighbourMemo()
    sims, nbrs = memo.search(u, k, keys)
    lex = _kept_lex(memo, keys, nbrs)
    v = np.arange(m)
    self_sim = pair_sims(u, v, v)
    # candidates per distinct row, best first: the text's own other carriers (at its
    # self-similarity), then its neighbours other than itself
    cand = np.concatenate([v[:, None], np.where(nbrs == v[:, None], -1, nbrs)], axis=1)
    csim = np.concatenate([self_sim[:, None], sims], axis=1)
    clex = np.concatenate([np.ones((m, 1)), lex], axis=1)
    n_ag, ag_min, yr_min = _carrier_summary(node_of, agency, year, m)

    max_cos = np.full(n, np.nan)
    max_lex = np.full(n, np.nan)
    exact = np.ones(n, dtype=bool)
    own = np.zeros(n, dtype=bool)
    for a in range(0, n, _ROWS):
        r = np.arange(a, min(a + _ROWS, n))
        c = cand[node_of[r]]
        w = np.maximum(c, 0)
        ag, yr = agency[r][:, None], year[r][:, None]
        earlier = (ag_min[w] == ag) & (yr_min[w] < yr) & (yr != _UNKNOWN_YEAR)
        # a counterpart: a carrier of another agency, or of the same agency in a known earlier year
        is_cp = (c >= 0) & ((n_ag[w] >= 2) | (ag_min[w] != ag) | earlier)
        vals = np.where(is_cp, csim[node_of[r]], -np.inf)
        j = np.argmax(vals, axis=1)  # the first of equals, as the carriers were listed
        has = is_cp.any(axis=1)
        hit = r[has]
        max_cos[hit] = vals[has, j[has]]
        max_lex[hit] = np.where(is_cp, clex[node_of[r]], -np.inf)[has].max(axis=1)
        # the first counterpart carrier of the chosen text, in (agency, year) order, is the row's own
        # agency only when no smaller agency carries it and the agency carried it earlier
        own[hit] = earlier[has, j[has]]
        if k < m:  # none among the neighbours searched: the closest is at most this close
            nb_ok = c[:, 1:] >= 0
            miss = ~has & nb_ok.any(axis=1)
            rows_miss = r[miss]
            max_cos[rows_miss] = np.where(nb_ok, csim[node_of[r], 1:], np.inf)[miss].min(axis=1)
            max_lex[rows_miss] = np.where(nb_ok, clex[node_of[r], 1:], np.inf)[miss].min(axis=1)
            exact[rows_miss] = False
    return Counterparts(max_cos=max_cos, max_lex=max_lex, exact=exact, own_agency=own)


_ROWS = 16384  # rows whose candidate tables are built at once (rows × 52 booleans and floats)


def _carrier_summary(node_of: np.ndarray, agency: np.ndarray, year: np.ndarray, m: int
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per distinct row: how many agencies carry it, the smallest agency code, and the earliest
    year that agency carries it in: all a counterpart test needs of the (agency, year) carriers."""
    by = np.lexsort((year, agency, node_of))
    nd, ag, yr = node_of[by], agency[by], year[by]
    head = np.ones(by.size, dtype=bool)
    head[1:] = nd[1:] != nd[:-1]
    ag_min = np.zeros(m, dtype=np.int64)
    yr_min = np.full(m, _UNKNOWN_YEAR, dtype=np.int64)
    ag_min[nd[head]] = ag[head]
    yr_min[nd[head]] = yr[head]
    fresh = head.copy()
    fresh[1:] |= ag[1:] != ag[:-1]
    n_ag = np.bincount(nd[fresh], minlength=m)
    return n_ag, ag_min, yr_min


def _kept_lex(memo: NeighbourMemo, keys: list[str], nbrs: np.ndarray) -> np.ndarray:
    """The bigram cosines of each row to its neighbours: copied from the memo's lists when they
    hold them (the same search), or from its prior lists for rows whose list did not change;
    computed for the rest. Left in ``memo.lists`` for the stored analysis to keep."""
    lists = memo.lists
    if lists is not None and lists.lex is not None and lists.lex.shape == nbrs.shape:
        return lists.lex
    texts = keys
    lex = np.zeros(nbrs.shape)
    todo = np.ones(len(keys), dtype=bool)
    prior = memo.prior
    if memo.changed is not None and prior is not None and prior.lex is not None and prior.lex.shape[1] == nbrs.shape[1]:
        at = {t: i for i, t in enumerate(prior.keys)}
        was = np.fromiter((at.get(t, -1) for t in keys), dtype=np.int64, count=len(keys))
        reuse = ~memo.changed[:len(keys)] & (was >= 0)
        lex[reuse] = prior.lex[was[reuse]]
        todo = ~reuse
    rows = np.flatnonzero(todo)
    if rows.size:
        lex[rows] = _bigram_cosines(texts, nbrs, rows)
    if lists is not None and lists.nbrs.shape == nbrs.shape:
        memo.lists = replace(lists, lex=lex)
    return lex


def _distinct_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first row of each distinct vector, ascending; index of its distinct vector per row)."""
    seen: dict[bytes, int] = {}
    node_of = np.empty(x.shape[0], dtype=np.int64)
    for i, r in enumerate(x):
        node_of[i] = seen.setdefault(r.tobytes(), len(seen))
    first = np.full(len(seen), -1, dtype=np.int64)
    for i in range(x.shape[0] - 1, -1, -1):
        first[node_of[i]] = i
    return first, node_of


def _bigram_cosines(texts: list[str], nbrs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Character-bigram cosine between text ``v`` and each of its neighbours ``nbrs[v]`` (−1 = none),
    for the rows ``rows``; only those rows' texts and their neighbours' are read."""
    from scipy.sparse import csr_matrix

    from svcsim.text import match_key

    need = np.unique(np.concatenate([rows, np.maximum(nbrs[rows].ravel(), 0)]))
    local = np.zeros(len(texts), dtype=np.int64)
    local[need] = np.arange(need.size)
    vocab: dict[str, int] = {}
    ri, ci = [], []
    for i, t in enumerate(need.tolist()):
        key = match_key(texts[t])
        for a in range(len(key) - 1):
            ri.append(i)
            ci.append(vocab.setdefault(key[a:a + 2], len(vocab)))
    mat = csr_matrix((np.ones(len(ri)), (ri, ci)), shape=(need.size, max(len(vocab), 1)))
    mat.sum_duplicates()
    norms = np.sqrt(np.asarray(mat.multiply(mat).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    out = np.zeros((rows.size, nbrs.shape[1]))
    k = nbrs.shape[1]
    for a in range(0, rows.size, 2048):  # bounded blocks of (row, neighbour) pairs
        blk = rows[a:a + 2048]
        left = np.repeat(local[blk], k)
        right = local[np.maximum(nbrs[blk].ravel(), 0)]
        dots = np.asarray(mat[left].multiply(mat[right]).sum(axis=1)).ravel()
        out[a:a + 2048] = (dots / norms[left] / norms[right]).reshape(-1, k)
    return out


def title_key(e: Entry) -> tuple:
    """The 具體措施 an entry sits under: (file, plan, item, measure)."""
    return (e.file, e.plan_id, e.item, e.measure)


def title_cosines(entries: Sequence[Entry], x: np.ndarray, titles: dict[tuple, np.ndarray]) -> np.ndarray:
    """Cosine of each row to the vector of its own measure title (``nan`` when that title is unknown)."""
    out = np.full(len(entries), np.nan)
    for i, e in enumerate(entries):
        t = titles.get(title_key(e))
        if t is not None and e.kind == "point":
            out[i] = float(x[i] @ t)
    return out
