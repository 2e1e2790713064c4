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
