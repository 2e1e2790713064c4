"""Weighted average linkage: equal to scikit-learn's on the expanded rows, and the partitioned
variant for components too large for one distance matrix."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import AgglomerativeClustering
from sklearn.metrics import adjusted_rand_score

from svcsim.clusters.linkage import average_linkage_nodes, average_linkage_partitioned


def _blobs(n_centres=30, n=400, dim=48, noise=0.5, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_centres, dim))
    x = centres[rng.integers(0, n_centres, n)] + rng.normal(size=(n, dim)) * noise
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _sklearn(x, thr):
    return AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                   distance_threshold=thr).fit_predict(x)


@pytest.mark.parametrize("thr", [0.2, 0.5, 0.8])
def test_same_clusters_as_sklearn(thr):
    x = _blobs()
    assert adjusted_rand_score(_sklearn(x, thr), average_linkage_nodes(x, np.ones(len(x)), thr)) == 1.0


@pytest.mark.parametrize("thr", [0.3, 0.7])
def test_weighted_nodes_equal_the_expanded_copies(thr):
    # identical texts as one node of weight w give the clusters of all w copies
    u = _blobs(n=200, seed=1)
    w = np.random.default_rng(2).integers(1, 6, len(u))
    expanded = np.repeat(u, w, axis=0)
    node_of = np.repeat(np.arange(len(u)), w)
    weighted = average_linkage_nodes(u * w[:, None], w.astype(float), thr)[node_of]
    assert adjusted_rand_score(_sklearn(expanded, thr), weighted) == 1.0


def test_labels_are_the_smallest_member_index():
    x = np.array([[0, 1], [1, 0], [0, 1], [1, 0]], dtype=float)
    assert average_linkage_nodes(x, np.ones(4), 0.1).tolist() == [0, 1, 0, 1]


def test_partitioned_agrees_with_exact_and_is_deterministic():
    x = _blobs(n_centres=40, n=900, noise=0.3, seed=3)
    exact = average_linkage_nodes(x, np.ones(len(x)), 0.3)
    part = average_linkage_partitioned(x, np.ones(len(x)), 0.3, max_exact=150, random_state=0)
    assert adjusted_rand_score(exact, part) > 0.95
    again = average_linkage_partitioned(x, np.ones(len(x)), 0.3, max_exact=150, random_state=0)
    assert (part == again).all()
    # every id is the smallest member of its group
    assert all(part[g] == g for g in np.unique(part))
