"""PointClusterer: themes recovered, order independence, canonical ids, outliers, large-n path."""

from __future__ import annotations

import numpy as np
import pytest

from svcsim.clusters import PointClusterer
from svcsim.errors import InputError

from conftest import ODD, THEMES


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
