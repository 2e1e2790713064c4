"""label_clusters: real keywords, never empty, central representative, deterministic."""

from __future__ import annotations

import numpy as np
import pytest

from svcsim.clusters import ClusterLabel, PointClusterer, label_clusters
from svcsim.errors import InputError
from svcsim.model import Entry
from svcsim.text import STOPWORDS

from cluster_fixtures import THEMES


@pytest.fixture(scope="module")
def fitted(corpus):
    entries, vecs = corpus
    m = PointClusterer(distance_threshold=0.5).fit(vecs, keys=[e.text for e in entries])
    return entries, vecs, m.labels_


def test_keywords_are_real_words_and_name_the_theme(fitted):
    entries, vecs, labels = fitted
    cls = label_clusters(entries, labels, vecs)
    assert [c.id for c in cls] == list(range(5))
    for c in cls:
        assert isinstance(c, ClusterLabel)
        assert 3 <= len(c.keywords) <= 5
        assert len(set(c.keywords)) == len(c.keywords)
        for kw in c.keywords:
            assert len(kw) >= 2 and kw not in STOPWORDS
            # a keyword is something the members actually wrote
            assert any(kw in entries[i].text for i in np.flatnonzero(labels == c.id))
    by_theme = {frozenset(entries[i].text for i in np.flatnonzero(labels == c.id)): c for c in cls}
    expect = {"survey": "滿意度調查", "window": "單一窗口", "volunteer": "志工", "opendata": "開放資料", "rural": "偏鄉"}
    for theme, word in expect.items():
        assert word in by_theme[frozenset(THEMES[theme])].keywords


def test_representative_is_the_most_central_member(fitted):
    entries, vecs, labels = fitted
    for c in label_clusters(entries, labels, vecs):
        members = np.flatnonzero(labels == c.id)
        centroid = vecs[members].sum(axis=0)
        best = members[np.argmax(vecs[members] @ centroid)]
        assert c.representative_id == entries[best].id
        assert c.representative == entries[best].text
        assert c.size == members.size


def test_n_keywords_and_determinism(fitted):
    entries, vecs, labels = fitted
    a = label_clusters(entries, labels, vecs, n_keywords=3)
    assert all(len(c.keywords) == 3 for c in a)
    assert a == label_clusters(entries, labels, vecs, n_keywords=3)


def _entry(i: int, text: str) -> Entry:
    return Entry(id=i, kind="point", agency="甲", year=2022, file="a.txt", item="一", measure="(一)", n=i, text=text)


def test_label_never_empty_when_members_are_all_stopwords_or_symbols():
    texts = ["辦理相關服務", "提供相關服務", "持續辦理服務", "※※※", "…"]
    entries = [_entry(i, t) for i, t in enumerate(texts)]
    vecs = np.eye(5, dtype=np.float32)
    labels = np.array([0, 0, 0, 1, 1])
    cls = label_clusters(entries, labels, vecs)
    assert all(c.keywords and all(k for k in c.keywords) for c in cls)


def test_single_char_and_bigram_fallback():
    entries = [_entry(0, "茶"), _entry(1, "茶"), _entry(2, "甲乙丙"), _entry(3, "甲乙丙")]
    vecs = np.eye(4, dtype=np.float32)
    cls = label_clusters(entries, np.array([0, 0, 1, 1]), vecs)
    assert cls[0].keywords[0] == "茶"
    assert cls[1].keywords  # whatever the segmenter makes of it, something from the text
    assert all(k in "甲乙丙" for k in cls[1].keywords)


def test_outliers_are_not_labelled_and_misaligned_input_is_explained(fitted):
    entries, vecs, labels = fitted
    assert label_clusters(entries, np.full(len(entries), -1), vecs) == []
    with pytest.raises(InputError, match="row-aligned"):
        label_clusters(entries[:-1], labels, vecs)
    with pytest.raises(InputError, match="n_keywords"):
        label_clusters(entries, labels, vecs, n_keywords=0)


def test_label_words_equal_words_at_per_text():
    from pathlib import Path

    from svcsim.clusters.labels import _words
    from svcsim.ingest import parse_file
    from svcsim.model import entries_from_plans
    from svcsim.text.segment import token_spans, words_at

    plans = [parse_file(p) for p in sorted((Path(__file__).resolve().parents[2] / "examples" / "plans").glob("*.txt"))]
    texts = {e.text for e in entries_from_plans(plans)} | {"", "　、。", "ＱＲ code 與 2024 年的「的」"}
    for t in texts:
        spans = token_spans(t)
        assert _words(t, spans) == words_at(t, spans)
