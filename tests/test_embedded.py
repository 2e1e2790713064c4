"""EmbeddedCorpus read from a corpus database: one matrix row per distinct text, the entries'
matrix made only when asked for, subsets kept in that form; distinct_rows for any corpus."""

import numpy as np

from svcsim.embed import HashEncoder
from svcsim.embed.cache import embed_corpus
from svcsim.embedded import EmbeddedCorpus, distinct_rows
from svcsim.model import Entry
from svcsim.store import Corpus
from tests.helpers import make_plan


def test_a_stored_corpus_keeps_its_distinct_rows_until_the_matrix_is_asked_for(tmp_path):
    with Corpus.open(tmp_path / "c.db", create=True) as corpus:
        corpus.add_plan(make_plan("甲局"))
        corpus.add_plan(make_plan("乙局"))  # the same texts again: fewer distinct rows than entries
        ec = embed_corpus(corpus, HashEncoder(dim=32))
    points = ec.of_kind("point")
    assert "vectors" not in points.__dict__ and "vectors" not in ec.__dict__  # nothing expanded yet
    assert points.dim == 32 and "dim=32" in repr(points)
    rows, inverse = points.distinct_rows()
    assert len(rows) < len(points) and "vectors" not in points.__dict__
    full = ec.vectors  # made now, read-only like any corpus' vectors
    assert not full.flags.writeable
    keep = [i for i, e in enumerate(ec.entries) if e.kind == "point"]
    np.testing.assert_array_equal(points.vectors, full[keep])
    np.testing.assert_array_equal(rows[inverse], points.vectors)


def test_distinct_rows_of_any_matrix_are_byte_equal_rows_in_first_seen_order():
    x = np.array([[1, 0], [0, 1], [1, 0], [0, -1], [0, 1]], dtype=np.float32)
    first, inverse = distinct_rows(x)
    assert first.tolist() == [0, 1, 3] and inverse.tolist() == [0, 1, 0, 2, 1]
    es = [Entry(id=i, kind="point", agency="甲", year=2024, file="a.txt", item="一", measure="(一)", n=i, text="t")
          for i in range(len(x))]
    rows, inv = EmbeddedCorpus(es, x).distinct_rows()
    np.testing.assert_array_equal(rows[inv], EmbeddedCorpus(es, x).vectors)
    assert len(rows) == 3


def test_rows_read_the_distinct_vectors_without_the_matrix(tmp_path):
    import svcsim
    from svcsim.embed import load_encoder
    from svcsim.model import Item, Measure, Plan, Point

    corpus = svcsim.open_corpus(tmp_path / "c.db")
    for i, agency in enumerate(["甲局", "乙局"]):
        pts = (Point(1, "設置單一服務窗口"), Point(2, f"辦理第{i}種志工訓練"), Point(3, "設置單一服務窗口"))
        corpus.add_plan(Plan(file=f"{i}.txt", agency=agency, roc_year=113, title="計畫",
                             items=(Item("一", "便民", (Measure("(一)", "單一窗口", pts),)),)))
    embedded = svcsim.embed_corpus(corpus, load_encoder("hash"))
    rows = embedded.rows()
    assert "vectors" not in embedded.__dict__  # nothing made yet
    assert len(rows) == len(embedded) and rows.shape == (len(embedded), embedded.dim)
    for i in range(len(embedded)):
        assert rows[i].tobytes() == embedded.vectors[i].tobytes()
    idx = np.array([0, 3, 2])
    assert rows[idx].tobytes() == embedded.vectors[idx].tobytes()
    assert embedded.rows() is embedded.vectors  # once made, the matrix itself
