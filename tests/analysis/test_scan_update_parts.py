"""Parts of the stored scan and its update: every copy pair's lexical coverage kept as its 4-decimal
integer (2 bytes, not 8) reads back as the very same float64 values (anything else is kept as
float64); the synonym neighbour lists' top k equal a full stable sort."""

from __future__ import annotations

import numpy as np
import pytest

from svcsim.analysis.scanstate import _lexical_of, _lexical_part


def test_four_decimal_coverages_round_trip_bit_for_bit():
    rng = np.random.default_rng(0)
    covered, shorter = rng.integers(0, 300, 200_000), rng.integers(1, 300, 200_000)
    lexical = np.round(np.minimum(covered / shorter, 1.0), 4)  # as the scan rounds them
    part = _lexical_part(lexical)
    assert list(part) == ["cross_lexical_e4.npy"] and part["cross_lexical_e4.npy"].dtype == np.uint16
    back = _lexical_of(part)
    assert back.dtype == np.float64 and back.tobytes() == lexical.tobytes()


def test_other_values_are_kept_as_they_are():
    for odd in (np.array([0.5, 0.123456]), np.array([0.5, -0.25]), np.array([7.0])):
        part = _lexical_part(odd)
        assert list(part) == ["cross_lexical.npy"] and _lexical_of(part).tobytes() == odd.tobytes()
    empty = _lexical_part(np.zeros(0))
    assert len(_lexical_of(empty)) == 0


def test_top_k_is_the_stable_argsort():
    from svcsim.analysis.delta import _top_k

    rng = np.random.default_rng(3)
    for rows, cols, k in [(1, 5, 1), (7, 40, 5), (30, 300, 30), (5, 12, 11)]:
        s = np.round(rng.random((rows, cols)), 1).astype(np.float32)  # many ties
        s[0, 0] = -np.inf
        assert _top_k(s, k).tolist() == np.argsort(-s, axis=1, kind="stable")[:, :k].tolist()


def test_stored_innovation_rows_are_made_when_read(tmp_path):
    """A stored innovation result builds a row when it is read: the first 20 of a report build 20,
    and every way of reading gives the computed result's rows."""
    from pathlib import Path

    import svcsim
    from svcsim.analysis import Analysis
    from svcsim.embed import load_encoder

    examples = Path(__file__).resolve().parents[2] / "examples" / "plans"
    corpus = svcsim.open_corpus(tmp_path / "c.db")
    svcsim.ingest_paths(corpus, [str(f) for f in sorted(examples.glob("*.txt"))])
    embedded = svcsim.embed_corpus(corpus, load_encoder("hash"))
    computed = Analysis.open(corpus, embedded, min_label="near_copy").innovation()
    stored = Analysis.open(corpus, embedded, min_label="near_copy").innovation()
    assert "scores" not in stored.__dict__ and len(stored) == len(computed) > 100
    assert stored[:20] == computed.scores[:20] and stored[-1] == computed.scores[-1] and stored[5] == computed[5]
    assert stored[3:9:2] == computed.scores[3:9:2]
    assert "scores" not in stored.__dict__  # reading some rows made no others
    with pytest.raises(IndexError):
        stored[len(computed)]
    assert stored.to_dicts() == computed.to_dicts() and stored.scores == computed.scores
