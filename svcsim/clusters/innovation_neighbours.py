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
from dataclasses import dataclass

import numpy as np

from svcsim.clusters.knn import NeighbourMemo
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

    Rows are searched in the order given; callers pass a canonical order so ties resolve the same
    way for any input order. ``neighbours`` shares the search with the clusterer's kNN graph.
    """
    n = x.shape[0]
    agency, year = _codes(entries)
    first, node_of = _distinct_rows(x)
    u = np.ascontiguousarray(x[first])
    m = u.shape[0]
    k = min(m, n_neighbors + 1)
    sims, nbrs = (neighbours or NeighbourMemo()).search(u, k)
    self_sim = np.einsum("ij,ij->i", u, u)
    lex = _bigram_cosines([entries[i].text for i in first], nbrs)
    # the (agency, year) pairs carrying each distinct text
    rows_of = np.argsort(node_of, kind="stable")
    starts = np.searchsorted(node_of[rows_of], np.arange(m + 1))
    carriers = _carriers(node_of, agency, year, m)

    max_cos = np.full(n, np.nan)
    max_lex = np.full(n, np.nan)
    exact = np.ones(n, dtype=bool)
    own = np.zeros(n, dtype=bool)
    for v in range(m):
        ok = (nbrs[v] >= 0) & (nbrs[v] != v)
        nb, sm, lx = nbrs[v][ok], sims[v][ok], lex[v][ok]
        # candidates best first: the text's own other carriers (at its self-similarity), then neighbours
        cand = np.concatenate([carriers[v]] + [carriers[w] for w in nb])
        sizes = [len(carriers[v])] + [len(carriers[w]) for w in nb]
        cand_sim = np.repeat(np.concatenate([[self_sim[v]], sm]).astype(np.float64), sizes)
        cand_lex = np.repeat(np.concatenate([[1.0], lx]), sizes)
        for r in rows_of[starts[v]:starts[v + 1]]:
            # another agency, or the same agency in a known earlier year
            is_cp = (cand[:, 0] != agency[r]) | ((cand[:, 1] < year[r]) & (year[r] != _UNKNOWN_YEAR))
            if is_cp.any():
                j = int(np.argmax(np.where(is_cp, cand_sim, -np.inf)))
                max_cos[r] = float(cand_sim[j])
                max_lex[r] = float(cand_lex[is_cp].max())
                own[r] = bool(cand[j, 0] == agency[r])
            elif k < m and sm.size:  # none among the neighbours searched: the closest is at most this close
                max_cos[r] = float(sm.min())
                max_lex[r] = float(lx.min())
                exact[r] = False
    return Counterparts(max_cos=max_cos, max_lex=max_lex, exact=exact, own_agency=own)


def _carriers(node_of: np.ndarray, agency: np.ndarray, year: np.ndarray, m: int) -> list[np.ndarray]:
    """Per distinct row: its distinct (agency, year) pairs, sorted (``np.unique(..., axis=0)`` of each
    node's rows, from one sort instead of 5·10⁴ calls)."""
    by = np.lexsort((year, agency, node_of))
    nd, ag, yr = node_of[by], agency[by], year[by]
    fresh = np.ones(by.size, dtype=bool)
    fresh[1:] = (nd[1:] != nd[:-1]) | (ag[1:] != ag[:-1]) | (yr[1:] != yr[:-1])
    pairs = np.stack([ag[fresh], yr[fresh]], axis=1)
    bounds = np.searchsorted(nd[fresh], np.arange(m + 1)).tolist()
    return [pairs[bounds[v]:bounds[v + 1]] for v in range(m)]


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


def _bigram_cosines(texts: list[str], nbrs: np.ndarray) -> np.ndarray:
    """Character-bigram cosine between text ``v`` and each of its neighbours ``nbrs[v]`` (−1 = none)."""
    from scipy.sparse import csr_matrix

    from svcsim.text import match_key

    vocab: dict[str, int] = {}
    rows, cols = [], []
    for r, t in enumerate(texts):
        k = match_key(t)
        for a in range(len(k) - 1):
            rows.append(r)
            cols.append(vocab.setdefault(k[a:a + 2], len(vocab)))
    m = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), max(len(vocab), 1)))
    m.sum_duplicates()
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    out = np.zeros(nbrs.shape)
    k = nbrs.shape[1]
    for a in range(0, len(texts), 2048):  # bounded blocks of (row, neighbour) pairs
        left = np.repeat(np.arange(a, min(a + 2048, len(texts))), k)
        right = np.maximum(nbrs[a:a + 2048].ravel(), 0)
        dots = np.asarray(m[left].multiply(m[right]).sum(axis=1)).ravel()
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
