"""copy_warning on its own: which other agency's point a draft copies, with spans into the draft."""

from __future__ import annotations

import pytest

from fixture_plans import SPECIFIC, WINDOW
from svcsim.embed import HashEncoder
from svcsim.suggest import SuggestIndex, copy_warning
from svcsim.text import match_key

ME = "高雄市政府甲局"


@pytest.fixture(scope="module")
def index(corpus):
    return SuggestIndex.load(corpus, HashEncoder())


def _near(index, text, agency=ME, n=20):
    return index.nearest_rows(index.encoder.encode([text], kind="query")[0], n, agency)[0]


def test_an_exact_copy_is_found_by_its_match_key_without_candidates(index):
    draft = SPECIFIC["乙處"].replace("，", ",")  # width/punctuation folding: the same match key
    w = copy_warning(index, draft, agency=ME)
    assert w is not None and w.label == "copy"
    assert w.source.agency == "高雄市政府乙處" and w.used_by == ("高雄市政府乙處",)


def test_a_near_copy_is_found_among_the_given_rows_only(index):
    draft = WINDOW.format(self="本署").replace("諮詢服務", "諮詢")
    assert copy_warning(index, draft, agency=ME) is None  # no text shares its key, no rows given
    w = copy_warning(index, draft, _near(index, draft), agency=ME)
    assert w is not None and w.label == "near_copy" and w.source.agency != ME
    assert len(w.used_by) == 5
    for a0, a1, b0, b1 in w.spans:
        assert match_key(draft[a0:a1]) == match_key(w.source.text[b0:b1])


def test_the_drafters_own_points_and_original_text_give_no_warning(index):
    own = SPECIFIC["甲局"]
    assert copy_warning(index, own, _near(index, own, None), agency=ME) is None
    assert copy_warning(index, own, _near(index, own, None), agency=None) is not None
    fresh = "邀請青年代表共同設計申辦表單並實地測試"
    assert copy_warning(index, fresh, _near(index, fresh), agency=ME) is None
    assert copy_warning(index, "", _near(index, own), agency=ME) is None


def test_the_suggester_warns_with_the_same_function(index, suggester):
    draft = WINDOW.format(self="本署")
    got = suggester.suggest(draft, agency=ME).warning
    q = index.encoder.encode([draft], kind="query")[0]
    assert got == suggester.copy_source(draft, agency=ME, vector=q)
    slot = index.resolve_measure("一(二)")
    assert suggester.copy_source(draft, agency=ME, slot=slot) == copy_warning(
        index, draft, index.measure_rows(slot), agency=ME)
