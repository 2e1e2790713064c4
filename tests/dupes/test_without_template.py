"""svcsim.dupes.listing.without_template: the same stream as filtering on ``pair.template``, template blocks counted
without being expanded (what ``svcsim dupes`` lists by default)."""

from __future__ import annotations

from pathlib import Path

import pytest

import svcsim
from svcsim.dupes import analyse
from svcsim.dupes.listing import template_count, without_template

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "plans"


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    corpus = svcsim.open_corpus(tmp_path_factory.mktemp("wt") / "c.db")
    svcsim.ingest_paths(corpus, [EXAMPLES], workers=1)
    return svcsim.embed_corpus(corpus, "hash")


@pytest.mark.parametrize("min_label", ["copy", "near_copy", "paraphrase", "related"])
def test_same_pairs_and_count_as_filtering_the_stream(embedded, min_label):
    pairs = analyse(embedded, min_label=min_label).pairs
    everything = list(pairs)
    stream, skipped = without_template(pairs)
    kept = [p.to_dict() for p in stream]
    assert kept == [p.to_dict() for p in everything if not p.template]
    assert skipped == [sum(p.template for p in everything)]
    assert template_count(pairs) == skipped[0]  # the same count, known before the stream is read
    assert skipped[0] > 0, "the examples share the city's template text"
