"""Ranker on its own: pools, scores and order over a SuggestIndex, without the Suggester around it."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from fixture_plans import SPECIFIC
from svcsim.embed import HashEncoder
from svcsim.errors import InputError
from svcsim.suggest import Pool, Ranker, SuggestIndex
from svcsim.suggest.copying import is_copy
from svcsim.suggest.ranking import _top_stable

ME = "高雄市政府甲局"


@pytest.fixture(scope="module")
def index(corpus):
    return SuggestIndex.load(corpus, HashEncoder())


def _draft_pool(ranker: Ranker, text: str, agency: str | None, slot=None) -> Pool:
    q = ranker.index.encoder.encode([text], kind="query")[0]
    near_rows, near_rel = ranker.index.nearest_rows(q, ranker.pool, agency)
    return ranker.pool_for(q, slot, agency, near_rows, near_rel)


@pytest.mark.parametrize("name", ["spec_weight", "browse_spec_weight", "measure_bonus", "mmr_lambda"])
def test_weights_outside_0_1_are_refused_by_name(index, name):
    with pytest.raises(InputError, match=rf"{name}: must lie in \[0, 1\], got 1.5"):
        Ranker(index, **{name: 1.5})


def test_the_same_ranking_as_the_suggester(index, suggester):
    ranker = Ranker(index)
    for text in ("民眾可以線上預約臨櫃時段", "設置服務窗口受理申請"):
        got = ranker.rank(_draft_pool(ranker, text, ME), ME, 5)
        want = suggester.suggest(text, agency=ME).suggestions
        assert [s.to_dict() for s in got] == [s.to_dict() for s in want]


def test_a_measure_alone_pools_its_points_and_weighs_specificity(index):
    ranker = Ranker(index)
    slot = index.resolve_measure("一(二)")
    pool = ranker.pool_for(None, slot, ME, [], np.zeros(0, np.float32))
    assert not pool.drafted and pool.in_slot == frozenset(pool.rows)
    assert set(pool.rows) <= set(index.slot_rows(slot).tolist())
    assert all(e.agency != ME for r in pool.rows for e in index.other_points(r, ME))
    texts = [s.text for s in ranker.rank(pool, ME, 5)]
    assert texts.index(SPECIFIC["乙處"]) < texts.index(SPECIFIC["丁局"])  # concrete before the restated title


def test_a_draft_with_a_measure_marks_the_measures_rows(index):
    ranker = Ranker(index)
    slot = index.resolve_measure("一(二)")
    pool = _draft_pool(ranker, "線上預約", ME, slot)
    assert pool.drafted and pool.in_slot and pool.in_slot <= set(pool.rows)
    assert pool.in_slot <= set(index.slot_rows(slot).tolist())
    assert len(pool.rows) == len(pool.relevance) <= 2 * ranker.pool


def test_relevance_only_orders_by_cosine_without_diversification(index):
    ranker = Ranker(index, spec_weight=0.0, mmr_lambda=1.0)
    pool = _draft_pool(ranker, "設置服務窗口受理申請", ME)
    out = ranker.rank(pool, ME, 10)
    rel = [s.relevance for s in out]
    assert rel == sorted(rel, reverse=True)
    assert out[0].relevance == pytest.approx(float(pool.relevance.max()))


def test_copies_collapse_and_no_two_suggestions_are_copies(index):
    ranker = Ranker(index)
    out = ranker.rank(_draft_pool(ranker, "設置服務窗口受理申請", ME), ME, 10)
    for a, b in itertools.combinations(out, 2):
        assert not is_copy(a.text, b.text)
    window = next(s for s in out if "單一服務窗口" in s.text)
    assert window.n_used == 5 and all(e.agency != ME for e in (window.entry, *window.copies))


def test_an_empty_pool_ranks_nothing(index):
    ranker = Ranker(index)
    assert ranker.rank(Pool((), np.zeros(0, np.float32)), ME, 5) == ()


def test_top_stable_is_the_head_of_a_stable_argsort():
    rng = np.random.default_rng(0)
    for n, m in ((1, 1), (10, 3), (50, 50), (60, 100), (200, 17)):
        x = rng.integers(0, 5, n).astype(np.float32)  # many ties
        assert _top_stable(x, m).tolist() == np.argsort(-x, kind="stable")[:m].tolist()
