"""cluster_corpus: themes, outliers (reported, optionally assigned), innovative-only, order independence."""

from __future__ import annotations

import random

import pytest

from svcsim.clusters import cluster_corpus, score_innovation
from svcsim.embedded import EmbeddedCorpus
from svcsim.report.frames import cluster_members_frame, clusters_frame
from svcsim.errors import InputError

from cluster_fixtures import ODD, THEMES


@pytest.mark.parametrize("method", ["agglomerative", "hdbscan"])
def test_five_themes_found_and_one_offs_reported(corpus, method):
    entries, vecs = corpus
    r = cluster_corpus(EmbeddedCorpus(entries, vecs), method=method)
    themes = {frozenset(t) for t in THEMES.values()}
    found = {frozenset(e.text for e in r.members(c.id)) for c in r.clusters}
    # every theme is one cluster (hdbscan may pull one loner into a theme)
    assert all(any(t <= f for f in found) for t in themes)
    assert {e.text for e in r.outliers} <= set(ODD) and r.outliers
    assert all(-1 not in c.keywords and c.keywords for c in r.clusters)
    assert r.labels.count(-1) == len(r.outliers)


def test_auto_threshold_adapts_to_the_encoder(corpus):
    entries, vecs = corpus
    r = cluster_corpus(EmbeddedCorpus(entries, vecs))
    assert 0.3 < r.threshold < 1.0  # hash vectors: unrelated texts sit near distance 1
    assert len(r.clusters) == 5


def test_assigned_outliers_stay_listed(corpus):
    entries, vecs = corpus
    r = cluster_corpus(EmbeddedCorpus(entries, vecs), assign_outliers=True)
    assert -1 not in r.labels
    assert {e.text for e in r.outliers} == set(ODD)
    dicts = r.to_dicts()
    assert all(d["id"] != -1 for d in dicts)
    flagged = {m["text"] for d in dicts for m in d["members"] if m.get("was_outlier")}
    assert flagged == set(ODD)


def test_innovative_only_clusters_the_top_share(corpus):
    entries, vecs = corpus
    scores = score_innovation(EmbeddedCorpus(entries, vecs))
    r = cluster_corpus(EmbeddedCorpus(entries, vecs), innovative_only=0.1, innovation=scores)
    assert len(r.entries) == 3  # ceil(0.1 × 28)
    assert {e.text for e in r.entries} == set(ODD)
    assert r.innovation is scores
    assert r.corpus.entries == r.entries and r.corpus.vectors.shape == (3, vecs.shape[1])
    scores_other = score_innovation(EmbeddedCorpus(entries[:5], vecs[:5]))
    with pytest.raises(InputError, match="share in"):
        cluster_corpus(EmbeddedCorpus(entries, vecs), innovative_only=20)
    with pytest.raises(InputError, match="not for this corpus"):
        cluster_corpus(EmbeddedCorpus(entries, vecs), innovative_only=0.5, innovation=scores_other)


def test_identical_under_shuffled_input(corpus):
    entries, vecs = corpus
    base = cluster_corpus(EmbeddedCorpus(entries, vecs))
    perm = list(range(len(entries)))
    random.Random(3).shuffle(perm)
    shuf = cluster_corpus(EmbeddedCorpus([entries[i] for i in perm], vecs[perm]))
    label_of = lambda r: {e.id: c for e, c in zip(r.entries, r.labels)}  # noqa: E731
    assert label_of(base) == label_of(shuf)
    assert base.clusters == shuf.clusters
    assert {e.id for e in base.outliers} == {e.id for e in shuf.outliers}


def test_json_shape_and_frames(corpus):
    entries, vecs = corpus
    r = cluster_corpus(EmbeddedCorpus(entries, vecs))
    dicts = r.to_dicts()
    assert dicts[-1]["id"] == -1 and dicts[-1]["size"] == len(r.outliers)
    for d in dicts[:-1]:
        assert {"id", "size", "keywords", "representative", "members", "agencies", "years"} <= set(d)
        assert d["size"] == len(d["members"]) and d["keywords"] and d["representative"]
        assert {"text", "agency", "year", "file", "item", "measure", "n"} <= set(d["members"][0])
    df = clusters_frame(r)
    assert list(df.index) == [c.id for c in r.clusters]
    assert df.loc[0, "label"] == "、".join(r.clusters[0].keywords)
    assert (df["n_agencies"] == 5).all()
    members = cluster_members_frame(r)
    assert len(members) == len(entries) and members["was_outlier"].sum() == len(r.outliers)
    frame = r.to_frame()  # the JSON fields, one row per cluster
    assert frame["id"].tolist() == [d["id"] for d in dicts] and "members" not in frame.columns
