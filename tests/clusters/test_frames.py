"""Pandas views: sizes per agency/year and the span of each cluster."""

from __future__ import annotations

import pytest

from svcsim.clusters import PointClusterer, label_clusters
from svcsim.report.frames import cluster_sizes_by_agency, cluster_sizes_by_year, cluster_spans
from svcsim.errors import InputError

from cluster_fixtures import AGENCIES


@pytest.fixture(scope="module")
def fitted(corpus):
    entries, vecs = corpus
    labels = PointClusterer(distance_threshold=0.5).fit(vecs, keys=[e.text for e in entries]).labels_
    return entries, vecs, labels


def test_sizes_by_agency(fitted):
    entries, _, labels = fitted
    df = cluster_sizes_by_agency(entries, labels)
    assert list(df.index) == [0, 1, 2, 3, 4]
    assert sorted(df.columns) == sorted(AGENCIES)
    assert (df.to_numpy() == 1).all()  # each agency phrased each theme once
    with_out = cluster_sizes_by_agency(entries, labels, include_outliers=True)
    assert -1 in with_out.index and int(with_out.loc[-1].sum()) == 3


def test_sizes_by_year_adds_up(fitted):
    entries, _, labels = fitted
    df = cluster_sizes_by_year(entries, labels)
    assert set(df.columns) <= {2021, 2022, 2023}
    assert df.sum(axis=1).tolist() == [5] * 5


def test_spans(fitted):
    entries, vecs, labels = fitted
    cls = label_clusters(entries, labels, vecs)
    df = cluster_spans(entries, labels, cls)
    assert df["size"].tolist() == [5] * 5
    assert (df["n_agencies"] == 5).all()
    assert df.loc[0, "agencies"] == tuple(sorted(AGENCIES))
    assert df.loc[0, "first_year"] == 2021 and df.loc[0, "last_year"] == 2023
    assert df.loc[0, "keywords"] == cls[0].keywords


def test_misaligned(fitted):
    entries, _, labels = fitted
    with pytest.raises(InputError, match="one label per entry"):
        cluster_sizes_by_agency(entries, labels[:-1])
