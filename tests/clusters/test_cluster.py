"""PointClusterer: themes recovered, order independence, canonical ids, outliers, large-n path."""

from __future__ import annotations

import numpy as np
import pytest

from svcsim.clusters import PointClusterer
from svcsim.errors import InputError

from cluster_fixtures import ODD, THEMES


def _sets(labels, keys):
    groups: dict[int, set[str]] = {}
    for lab, k in zip(labels, keys):
        groups.setdefault(int(lab), set()).add(k)
    return groups


@pytest.mark.parametrize("method", ["agglomerative", "hdbscan"])
def test_recovers_the_themes(corpus, method):
    entries, vecs = corpus
    keys = [e.text for e in entries]
    m = PointClusterer(method=method, distance_threshold=0.5, min_cluster_size=3).fit(vecs, keys=keys)
    label_of = dict(zip(keys, m.labels_.tolist()))
    theme_labels = [{label_of[t] for t in texts} for texts in THEMES.values()]
    assert all(len(ls) == 1 and -1 not in ls for ls in theme_labels)  # each theme in one cluster
    assert len(set.union(*theme_labels)) == 5  # and no two themes share one
    if method == "agglomerative":  # density-based HDBSCAN may absorb a one-off point; linkage may not
        assert all(label_of[t] == -1 for t in ODD)
        assert m.n_clusters_ == 5 and m.sizes_.tolist() == [5] * 5


@pytest.mark.parametrize("method", ["agglomerative", "hdbscan"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shuffled_input_gives_identical_clusters_and_ids(corpus, method, seed):
    entries, vecs = corpus
    keys = [e.text for e in entries]
    base = PointClusterer(method=method, distance_threshold=0.5, min_cluster_size=3).fit(vecs, keys=keys).labels_
    perm = np.random.default_rng(seed).permutation(len(keys))
    shuf = PointClusterer(method=method, distance_threshold=0.5, min_cluster_size=3).fit(
        vecs[perm], keys=[keys[i] for i in perm]).labels_
    assert {k: lab for k, lab in zip(keys, base)} == {keys[i]: lab for i, lab in zip(perm, shuf)}


def test_order_independent_without_keys(corpus):
    _, vecs = corpus
    base = PointClusterer(distance_threshold=0.5).fit(vecs).labels_
    perm = np.random.default_rng(7).permutation(len(vecs))
    assert (PointClusterer(distance_threshold=0.5).fit(vecs[perm]).labels_ == base[perm]).all()


def test_ids_by_size_then_smallest_key():
    # two tight groups of 3 and one of 4, on orthogonal axes
    e = np.eye(8, dtype=np.float32)
    vecs = np.stack([e[0]] * 3 + [e[1]] * 4 + [e[2]] * 3)
    keys = ["乙1", "乙2", "乙3", "丙1", "丙2", "丙3", "丙4", "甲1", "甲2", "甲3"]
    lab = PointClusterer(distance_threshold=0.1).fit(vecs, keys=keys).labels_.tolist()
    # the group of 4 first; among the two groups of 3, the one holding the smallest key ("乙1" < "甲1")
    assert lab == [1, 1, 1, 0, 0, 0, 0, 2, 2, 2]


def test_outliers_assigned_to_nearest_centroid():
    e = np.eye(4, dtype=np.float32)
    a, b = e[0], e[1]
    near_a = a * 0.8 + e[2] * 0.6   # cos 0.8 with a, 0 with b
    vecs = np.stack([a, a, b, b, b, near_a])
    keys = list("abcdef")
    plain = PointClusterer(distance_threshold=0.1).fit(vecs, keys=keys)
    assert plain.labels_.tolist() == [1, 1, 0, 0, 0, -1]
    m = PointClusterer(distance_threshold=0.1, assign_outliers=True).fit(vecs, keys=keys)
    assert m.labels_.tolist() == [1, 1, 0, 0, 0, 1]
    assert m.sizes_.tolist() == [3, 3]
    assert np.allclose(np.linalg.norm(m.centroids_, axis=1), 1.0)


def test_no_cluster_leaves_everyone_outlier_even_with_assignment():
    vecs = np.eye(5, dtype=np.float32)
    m = PointClusterer(assign_outliers=True).fit(vecs)
    assert m.labels_.tolist() == [-1] * 5 and m.n_clusters_ == 0


def test_tiny_inputs():
    assert PointClusterer().fit(np.zeros((0, 8))).labels_.tolist() == []
    assert PointClusterer().fit(np.ones((1, 8))).labels_.tolist() == [-1]


def test_graph_path_matches_exact_path():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(40, 96))
    lab = rng.integers(0, 40, 600)
    x = centres[lab] + rng.normal(size=(600, 96)) * 0.05
    exact = PointClusterer(distance_threshold=0.2).fit(x).labels_
    graph = PointClusterer(distance_threshold=0.2, max_exact=50, n_components=16).fit(x).labels_
    assert (exact == graph).all()
    assert len(set(exact.tolist())) == 40


def test_init_only_stores_and_fit_returns_self(corpus):
    _, vecs = corpus
    m = PointClusterer(method="nonsense")  # no validation until fit, like scikit-learn
    assert not hasattr(m, "labels_")
    with pytest.raises(InputError, match="use 'agglomerative' or 'hdbscan'"):
        m.fit(vecs)
    ok = PointClusterer()
    assert ok.fit(vecs) is ok


def test_bad_inputs_are_explained(corpus):
    _, vecs = corpus
    with pytest.raises(InputError, match="one key per row"):
        PointClusterer().fit(vecs, keys=["x"])
    with pytest.raises(InputError, match="single str"):
        PointClusterer().fit(vecs, keys="abc")
    with pytest.raises(InputError, match="2-D"):
        PointClusterer().fit(vecs[0])
    with pytest.raises(InputError, match="distance_threshold"):
        PointClusterer(distance_threshold=0).fit(vecs)


def _blobs(n_centres, n, dim=96, noise=0.05, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_centres, dim))
    return centres[rng.integers(0, n_centres, n)] + rng.normal(size=(n, dim)) * noise


def test_graph_path_with_repeated_texts_matches_exact_path():
    # identical rows become one weighted node on the scalable path; clusters must not change
    u = _blobs(40, 300)
    x = np.repeat(u, np.random.default_rng(1).integers(1, 5, len(u)), axis=0)
    exact = PointClusterer(distance_threshold=0.2).fit(x).labels_
    graph = PointClusterer(distance_threshold=0.2, max_exact=100, n_components=16).fit(x).labels_
    assert (exact == graph).all()


def test_a_chained_component_is_split_not_merged_whole():
    # points along an arc: every neighbour is within the threshold, so the thresholded kNN graph
    # is one component of 1,200 points — larger than max_exact, it is partitioned, and average
    # linkage cuts the arc into short pieces instead of one cluster (the old behaviour)
    t = np.linspace(0, 3.0, 1200)
    x = np.stack([np.cos(t), np.sin(t)] + [np.zeros_like(t)] * 6, axis=1)
    keys = [f"{i:05d}" for i in range(len(t))]
    m = PointClusterer(distance_threshold=0.01, max_exact=200, n_components=4).fit(x, keys=keys)
    assert m.sizes_.max() <= 0.1 * len(t)
    # pieces are contiguous stretches of the arc, about as long as exact linkage makes them
    # (where a uniform arc is cut is arbitrary, so the cut points themselves may differ)
    assert all(np.ptp(np.flatnonzero(m.labels_ == c)) + 1 == m.sizes_[c] for c in range(m.n_clusters_))
    exact = PointClusterer(distance_threshold=0.01, max_exact=2000).fit(x, keys=keys)
    assert abs(m.n_clusters_ - exact.n_clusters_) <= 0.3 * exact.n_clusters_
    assert m.sizes_.max() <= 1.5 * exact.sizes_.max()
    perm = np.random.default_rng(5).permutation(len(t))
    shuf = PointClusterer(distance_threshold=0.01, max_exact=200, n_components=4).fit(
        x[perm], keys=[keys[i] for i in perm]).labels_
    assert (shuf == m.labels_[perm]).all()


def test_auto_threshold_tightens_with_density():
    # the same 30 themes, 10 versus 60 variants each: the global median distance is the same,
    # but in the denser corpus the local (30th-neighbour) term is smaller and takes over
    sparse = PointClusterer().fit(_blobs(30, 300, noise=0.3, seed=4))
    dense = PointClusterer().fit(_blobs(30, 1800, noise=0.3, seed=4))
    assert dense.threshold_ < 0.9 * sparse.threshold_
    assert dense.n_clusters_ >= 30 and dense.sizes_.max() < 0.1 * 1800


def test_auto_threshold_is_the_global_rule_on_a_small_corpus(corpus):
    _, vecs = corpus
    x = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    iu = np.triu_indices(len(x), 1)
    median = float(np.median(1.0 - (x @ x.T)[iu]))
    assert PointClusterer().fit(vecs).threshold_ == pytest.approx(0.75 * median, rel=1e-5)
