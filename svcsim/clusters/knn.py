"""Exact k-nearest-neighbour search of distinct unit rows, searched once for innovation and clustering.

The innovation score (closest counterparts, k = 51) and the scalable clusterer (kNN graph, k = 31)
both search the distinct point vectors of a corpus exhaustively: at 100k points that is 50k × 50k
inner products each, the largest cost of both after segmentation. Both see the same distinct rows
in the same order (sorted by text, first copy kept), so a :class:`NeighbourMemo` handed to both
searches once and gives the clusterer the first 31 columns of the 51 (the same arrays as a search
for 31: faiss keeps neighbours best first).

faiss' inner products depend in the last bit on how queries are batched (BLAS tiling), so rows are
always searched in the same chunks of 4096 and nothing is reused across different row sets.
"""

from __future__ import annotations

import numpy as np

__all__ = ["NeighbourMemo", "exact_knn"]

_CHUNK = 4096


def exact_knn(u: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(similarities float32, neighbour rows int64), each (m, k): exact inner-product search of every
    row of ``u`` (contiguous float32) among all rows, itself included, best first."""
    import faiss

    u = np.ascontiguousarray(u, dtype=np.float32)
    m = u.shape[0]
    index = faiss.IndexFlatIP(u.shape[1])
    index.add(u)
    sims = np.empty((m, k), dtype=np.float32)
    nbrs = np.empty((m, k), dtype=np.int64)
    for a in range(0, m, _CHUNK):  # chunks bound the temporary distance block faiss allocates
        sims[a:a + _CHUNK], nbrs[a:a + _CHUNK] = index.search(u[a:a + _CHUNK], k)
    return sims, nbrs


class NeighbourMemo:
    """The last :func:`exact_knn` of one set of rows, reused for the same rows and a k no larger.

    Holds a copy of the rows (~77 MB at 50k distinct 384-d rows) while it lives; the stored
    analysis keeps one per :class:`~svcsim.analysis.Analysis` for the time of a refresh.

    Attributes:
        n_searched: searches run (a reuse does not count).
    """

    def __init__(self) -> None:
        self._u: np.ndarray | None = None
        self._sims: np.ndarray | None = None
        self._nbrs: np.ndarray | None = None
        self.n_searched = 0

    def search(self, u: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """:func:`exact_knn` ``(u, k)``, from the previous search when it was of the same rows with k or more."""
        if (self._u is not None and self._sims.shape[1] >= k and self._u.shape == u.shape
                and np.array_equal(self._u, u)):
            return self._sims[:, :k], self._nbrs[:, :k]
        sims, nbrs = exact_knn(u, k)
        self.n_searched += 1
        self._u, self._sims, self._nbrs = np.array(u, dtype=np.float32), sims, nbrs
        return sims, nbrs
