"""One exact neighbour search shared by the innovation score and the clusterer's kNN graph."""

from __future__ import annotations

import numpy as np

from svcsim.clusters import PointClusterer
from svcsim.clusters.innovation_neighbours import nearest_counterparts
from svcsim.clusters.knn import NeighbourMemo, exact_knn
from svcsim.model import Entry


def _rows(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_a_smaller_k_of_the_same_rows_is_read_from_the_memo_and_equals_a_search():
    u = _rows(5000)  # two faiss chunks
    memo = NeighbourMemo()
    s51, n51 = memo.search(u, 51)
    s31, n31 = memo.search(u.copy(), 31)
    assert memo.n_searched == 1
    e31, f31 = exact_knn(u, 31)
    assert np.array_equal(s31, e31) and np.array_equal(n31, f31)
    assert np.array_equal(s51, exact_knn(u, 51)[0])


def test_other_rows_or_a_larger_k_search_again():
    memo = NeighbourMemo()
    u = _rows(300)
    memo.search(u, 11)
    memo.search(u, 31)
    assert memo.n_searched == 2
    v = u.copy()
    v[7, 0] = np.nextafter(v[7, 0], np.float32(2))  # one ulp is another row set
    assert np.array_equal(memo.search(v, 31)[1], exact_knn(v, 31)[1])
    assert memo.n_searched == 3


def test_the_innovation_search_serves_the_clusterers_graph():
    n = 600
    x = _rows(n, seed=1)
    x[300:] = x[:300]  # every text twice: the distinct rows are half the input
    keys = [f"t{i % 300:04d}" for i in range(n)]
    entries = [Entry(id=i, kind="point", agency=f"A{i % 7}", year=2024, file=f"{i % 7}.txt", item="一",
                     measure="(一)", n=i, text=keys[i]) for i in range(n)]
    order = sorted(range(n), key=lambda i: (entries[i].text, entries[i].id))
    memo = NeighbourMemo()
    near = nearest_counterparts([entries[i] for i in order], x[order], 50, memo)
    fitted = PointClusterer(distance_threshold=0.9, max_exact=50, neighbours=memo).fit(x, keys=keys)
    assert memo.n_searched == 1  # the clusterer's 31 neighbours came from the innovation's 51
    alone = PointClusterer(distance_threshold=0.9, max_exact=50).fit(x, keys=keys)
    assert np.array_equal(fitted.labels_, alone.labels_) and fitted.n_clusters_ > 1
    again = nearest_counterparts([entries[i] for i in order], x[order], 50)
    assert np.array_equal(near.max_cos, again.max_cos, equal_nan=True)
