"""The ``"auto"`` distance threshold of :class:`~svcsim.clusters.cluster.PointClusterer`.

Cosines depend on the encoder: multilingual-e5 puts unrelated Chinese sentences at
0.85–0.9 (distance 0.1–0.15), a hash encoder near 0 (distance ~1). A fixed default therefore
suits one model only: the old 0.25 merged 151 of the 168 seed points into one cluster under e5.
``distance_threshold="auto"`` (the default) is the smaller of

* global: ``auto_scale`` × the median cosine distance between points of this corpus (sampled
  pairs). On the seed plans under e5 the median is 0.109 and agreement with the 具體措施 a point
  sits under (NMI) peaks at 0.08 ≈ 0.75 × 0.109: 38 clusters, 18 % outliers;
* local: the median distance from a distinct text to its ``n_neighbors``-th nearest distinct
  text. The global median hardly moves with corpus size, but a corpus 500× larger is far
  denser and the same threshold joins neighbouring themes; this term tightens with density.
  Seeds (e5): 0.093, so the global 0.082 still rules; a 4k generated corpus (e5): 0.054 < 0.072;
  100k generated points (hash vectors): ≈ 0.29 < 0.72.
"""

from __future__ import annotations

import numpy as np


def auto_threshold(xs: np.ndarray, u: np.ndarray, *, auto_scale: float, n_neighbors: int, max_exact: int,
                   random_state: int, n_pairs: int = 20000,
                   lists: tuple[np.ndarray, np.ndarray] | None = None) -> float:
    """The ``"auto"`` threshold: the smaller of the global and the local estimate.

    Global: ``auto_scale`` × the median distance between rows (sampled pairs on the canonical
    order). Local: the median, over distinct texts, of the distance to their ``n_neighbors``-th
    nearest distinct text. The global median barely moves with corpus size, but a corpus
    100× larger is far denser, and a threshold that separated themes at 200 points joins them
    at 100k; the local term tightens with density. On the seed plans (168 points, e5) the
    local term is 0.093 > 0.082, so the global one rules, as before.

    ``lists``: the exact neighbour lists of ``u``'s rows (neighbour rows, cosine distances; at
    least ``n_neighbors`` + 1 columns, :mod:`~svcsim.clusters.knn`) when the caller has them: the
    local term is read from them instead of comparing the sampled rows with every row.
    """
    n = xs.shape[0]
    if n < 2:
        return 0.25
    if n * (n - 1) // 2 <= n_pairs:
        i, j = np.triu_indices(n, 1)
    else:  # sampled on the canonical order, so the estimate does not depend on input order
        rng = np.random.default_rng(random_state)
        i = rng.integers(0, n, size=n_pairs)
        j = rng.integers(0, n, size=n_pairs)
        keep = i != j
        i, j = i[keep], j[keep]
    median = float(np.median(1.0 - np.einsum("ij,ij->i", xs[i], xs[j])))
    thr = auto_scale * median
    if u.shape[0] >= 2:
        local = local_distance if lists is None else lambda u, **kw: local_distance_from_lists(*lists, **kw)
        thr = min(thr, local(u, n_neighbors=n_neighbors, max_exact=max_exact, random_state=random_state))
    # identical-only corpora have median 0; keep the threshold positive so sklearn accepts it
    return float(min(max(thr, 1e-4), 2.0))


def local_distance(u: np.ndarray, *, n_neighbors: int, max_exact: int, random_state: int) -> float:
    """Median distance from a distinct row to its ``n_neighbors``-th nearest distinct row.

    Exact in full dimension, for every row up to ``max_exact`` distinct rows and for a seeded
    sample of that many above (rows are in canonical order, so the sample is too): the same
    quantity on both paths, ~2 s at 50k distinct rows.
    """
    m = u.shape[0]
    k = min(n_neighbors, m - 1)
    q = _sample(m, max_exact, random_state)
    kth = np.empty(q.size, dtype=np.float64)
    for a in range(0, q.size, 256):
        qa = q[a : a + 256]
        sims = u[qa] @ u.T
        sims[np.arange(qa.size), qa] = -np.inf
        kth[a : a + 256] = 1.0 - np.partition(sims, m - k, axis=1)[:, m - k]
    return float(np.median(kth))


def _sample(m: int, max_exact: int, random_state: int) -> np.ndarray:
    return np.arange(m) if m <= max_exact else np.sort(
        np.random.default_rng(random_state).choice(m, size=max_exact, replace=False))


def local_distance_from_lists(nbrs: np.ndarray, dist: np.ndarray, *, n_neighbors: int, max_exact: int,
                              random_state: int) -> float:
    """:func:`local_distance` of the same sampled rows, read from their exact neighbour lists
    (rows ordered nearest first, with or without the row itself; distances in float64)."""
    m = nbrs.shape[0]
    k = min(n_neighbors, m - 1)
    q = _sample(m, max_exact, random_state)
    others = (nbrs[q] != q[:, None]) & (nbrs[q] >= 0)
    col = np.argmax(np.cumsum(others, axis=1) == k, axis=1)  # the k-th row other than itself
    return float(np.median(dist[q, col]))
