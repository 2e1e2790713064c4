"""Average linkage on cosine distance for weighted groups, cut at a threshold, without an n×n matrix.

For unit vectors the average cosine distance between two groups has a closed form::

    avg_{a∈A, b∈B} (1 − a·b) = 1 − (ΣA · ΣB) / (|A| · |B|)

so a group is fully described by the *sum* of its vectors and its count. Two consequences:

* identical texts can be merged first (a node of weight w) and average linkage on the weighted
  nodes gives exactly the clusters of average linkage on all the copies: the copies merge at
  distance 0 anyway, and every later distance is the count-weighted average above;
* already-formed groups can be clustered again as nodes, which lets a component too large for
  one distance matrix be split into cells, clustered per cell, and the resulting groups clustered
  again across cells (:func:`average_linkage_partitioned`).

The exact step (:func:`average_linkage_nodes`) is the nearest-neighbour-chain algorithm
(average linkage is reducible, so the chain finds the same merges as the greedy algorithm),
stopping at ``threshold``: a node whose nearest neighbour is at or beyond the threshold can never
merge below it, so it is retired at once. Ties are broken by the smallest node index, so results
depend only on the (canonical) order of the nodes.

>>> import numpy as np
>>> x = np.array([[1, 0], [1, 0], [0.99, 0.141], [0, 1]], dtype=np.float32)
>>> average_linkage_nodes(x, np.ones(4), 0.1).tolist()
[0, 0, 0, 3]
"""

from __future__ import annotations

import numpy as np

__all__ = ["average_linkage_nodes", "average_linkage_partitioned"]


def average_linkage_nodes(sums: np.ndarray, counts: np.ndarray, threshold: float) -> np.ndarray:
    """Cluster weighted nodes (vector sums and counts) by average cosine linkage below ``threshold``.

    Returns, per node, the index of the smallest node in its cluster (so labels are canonical).
    Memory is one m×m float64 matrix: keep ``m`` to a few thousand.
    """
    m = sums.shape[0]
    if m == 0:
        return np.zeros(0, dtype=np.int64)
    s = sums.astype(np.float64)
    c = counts.astype(np.float64)
    d = 1.0 - (s @ s.T) / np.outer(c, c)
    np.fill_diagonal(d, np.inf)
    size = c.copy()
    parent = np.arange(m)
    # retired nodes are masked by adding +inf on read rather than by rewriting their column
    dead = np.zeros(m, dtype=np.float64)
    chain: list[int] = []
    first_alive = 0
    while True:
        if not chain:
            while first_alive < m and dead[first_alive]:
                first_alive += 1
            if first_alive >= m:
                break
            chain.append(first_alive)
        a = chain[-1]
        row = d[a] + dead
        b = int(np.argmin(row))
        best = row[b]
        if len(chain) > 1 and row[chain[-2]] <= best:  # prefer the previous link on ties: no cycles
            b, best = chain[-2], row[chain[-2]]
        if not best < threshold:  # nothing within reach now, and merges elsewhere cannot bring it closer
            dead[a] = np.inf
            chain.pop()
            continue
        if len(chain) > 1 and b == chain[-2]:  # reciprocal nearest neighbours: merge into the smaller index
            del chain[-2:]
            lo, hi = (a, b) if a < b else (b, a)
            merged = (size[lo] * d[lo] + size[hi] * d[hi]) / (size[lo] + size[hi])
            merged[lo] = np.inf
            d[lo, :] = merged
            d[:, lo] = merged
            size[lo] += size[hi]
            dead[hi] = np.inf
            parent[hi] = lo
        else:
            chain.append(b)
    # every merge points a larger index at a smaller one: one pass from the front resolves the roots
    for i in range(m):
        parent[i] = parent[parent[i]]
    return parent.astype(np.int64)


def average_linkage_partitioned(
    sums: np.ndarray,
    counts: np.ndarray,
    threshold: float,
    *,
    max_exact: int,
    random_state: int,
    max_rounds: int = 4,
) -> np.ndarray:
    """Average linkage for more nodes than one distance matrix should hold.

    Nodes are split into cells of at most ``max_exact`` by seeded k-means on their mean
    directions, clustered exactly per cell, and the groups found become the nodes of the next
    round, with a fresh partition (another seed), so neighbours split by one cell border meet in
    the next. Stops when everything fits one matrix (then exact), a round merges nothing, or after
    ``max_rounds``. Returns per input node a group id (the smallest member node index).
    """
    member_root = np.arange(sums.shape[0], dtype=np.int64)  # input node -> its group's smallest input node
    node_ids = member_root.copy()  # current node -> its smallest input node (ascending)
    s = sums.astype(np.float64)
    c = counts.astype(np.float64)
    for rnd in range(max_rounds):
        exact = s.shape[0] <= max_exact
        local = (average_linkage_nodes(s, c, threshold) if exact
                 else _cells_linkage(s, c, threshold, max_exact, random_state + rnd))
        roots, pos = np.unique(local, return_inverse=True)
        if roots.size == local.size:
            break  # nothing merged this round
        by = np.argsort(pos, kind="stable")
        s_new = np.add.reduceat(s[by], np.searchsorted(pos[by], np.arange(roots.size)), axis=0)
        c = np.bincount(pos, weights=c, minlength=roots.size)
        # roots are each group's smallest current node, and node_ids ascend: ids stay "smallest input"
        member_root = node_ids[local[np.searchsorted(node_ids, member_root)]]
        node_ids = node_ids[roots]
        s = s_new
        if exact:
            break
    return member_root


def _cells_linkage(s: np.ndarray, c: np.ndarray, threshold: float, max_exact: int, seed: int) -> np.ndarray:
    """One round: split nodes into cells of ≤ max_exact, cluster each exactly; root index per node."""
    out = np.arange(s.shape[0], dtype=np.int64)
    for cell in _cells(s, max_exact, seed):
        local = average_linkage_nodes(s[cell], c[cell], threshold)
        out[cell] = cell[local]
    return out


def _cells(s: np.ndarray, max_exact: int, seed: int) -> list[np.ndarray]:
    """Index arrays (ascending) of cells of at most ``max_exact`` nodes, by recursive seeded k-means."""
    m = s.shape[0]
    if m <= max_exact:
        return [np.arange(m, dtype=np.int64)]
    import faiss

    u = s / np.maximum(np.linalg.norm(s, axis=1, keepdims=True), 1e-12)
    u = np.ascontiguousarray(u, dtype=np.float32)
    # cells about half full, so k-means imbalance rarely forces another level
    k = max(2, int(np.ceil(2 * m / max_exact)))
    km = faiss.Kmeans(u.shape[1], k, niter=15, seed=seed, spherical=True, verbose=False,
                      max_points_per_centroid=max(256, m // k + 1))
    km.train(u)
    _, assign = km.index.search(u, 1)
    assign = assign.reshape(-1)
    cells: list[np.ndarray] = []
    for j in range(k):
        idx = np.flatnonzero(assign == j)
        if idx.size == 0:
            continue
        if idx.size == m:  # k-means could not split (near-identical directions): cut in order
            cells.extend(np.array_split(idx, int(np.ceil(m / max_exact))))
        elif idx.size > max_exact:
            cells.extend(idx[sub] for sub in _cells(s[idx], max_exact, seed + 1))
        else:
            cells.append(idx)
    return cells
