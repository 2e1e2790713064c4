"""Suggester behaviour on the invented fixture plans, with the model-free HashEncoder."""

from __future__ import annotations

import itertools

import pytest

from fixture_plans import SPECIFIC, WINDOW
from svcsim.errors import InputError
from svcsim.suggest import MAX_DRAFT_CHARS
from svcsim.suggest.copying import is_copy
from svcsim.text import match_key

ME = "高雄市政府甲局"


def test_suggestions_come_from_other_agencies_with_provenance(suggester):
    r = suggester.suggest("民眾可以線上預約臨櫃時段", agency=ME, k=5)
    assert 1 <= len(r.suggestions) <= 5
    assert all(s.entry.agency != ME for s in r.suggestions)
    top = r.suggestions[0]
    assert top.text == SPECIFIC["乙處"]
    d = top.to_dict()
    assert (d["agency"], d["year"], d["file"], d["item"], d["measure"], d["n"]) == (
        "高雄市政府乙處", 2024, "乙處_113.txt", "一", "(二)", 2)
    assert d["used_by"] == ["高雄市政府乙處"] and d["n_used"] == 1


def test_copies_collapse_into_one_suggestion_with_all_agencies(suggester):
    # The window sentence is in all five plans with 本局/本處/本所 swapped: one suggestion, 5 agencies.
    r = suggester.suggest("設置服務窗口受理申請", agency=ME, k=5)
    window = [s for s in r.suggestions if "單一服務窗口" in s.text]
    assert len(window) == 1
    assert window[0].n_used == 5
    assert "高雄市政府甲局" in window[0].used_by  # counted, though the drafter's own copy is not shown
    assert window[0].entry.agency != ME and all(e.agency != ME for e in window[0].copies)
    assert len(window[0].copies) == 3


@pytest.mark.parametrize("draft,measure", [("設置服務窗口受理申請", None), ("", "一(二)"),
                                           ("標準作業流程公布網站", "一(一)"), ("滿意度", None)])
def test_no_two_suggestions_are_copies_of_each_other(suggester, draft, measure):
    r = suggester.suggest(draft, measure=measure, agency=ME, k=5)
    for a, b in itertools.combinations(r.suggestions, 2):
        assert not is_copy(a.text, b.text), (a.text, b.text)
        assert match_key(a.text) != match_key(b.text)


def test_measure_only_prefers_concrete_points_over_boilerplate(suggester):
    r = suggester.suggest("", measure="一(二)", agency=ME, k=5)
    assert r.measure is not None and r.measure.code == "一(二)"
    texts = [s.text for s in r.suggestions]
    # Every suggestion belongs to that measure, including 丙所's old numbering 一(三).
    assert {(s.entry.item, s.entry.measure) for s in r.suggestions} <= {("一", "(二)"), ("一", "(三)")}
    assert SPECIFIC["乙處"] in texts and SPECIFIC["丙所"] in texts
    boiler = next(i for i, t in enumerate(texts) if "單一服務窗口" in t)
    restated = texts.index(SPECIFIC["丁局"])  # a point that only repeats the measure title
    assert texts.index(SPECIFIC["乙處"]) < restated and texts.index(SPECIFIC["乙處"]) < boiler
    assert r.warning is None


def test_measure_by_title_resolves_to_the_same_slot(suggester):
    by_code = suggester.resolve_measure("一(二)")
    assert suggester.resolve_measure("提供多元便捷的申辦管道，簡化申辦程序。") is by_code
    assert suggester.resolve_measure("一（二）") is by_code


def test_copy_warning_names_the_source_and_spans(suggester):
    draft = WINDOW.format(self="本署").replace("諮詢服務", "諮詢")
    r = suggester.suggest(draft, agency=ME)
    w = r.warning
    assert w is not None and w.label == "near_copy"
    assert w.source.agency != ME and "單一服務窗口" in w.source.text
    assert len(w.used_by) == 5  # every agency has this template sentence, the drafter's included
    assert w.spans
    for a0, a1, b0, b1 in w.spans:
        assert match_key(draft[a0:a1]) == match_key(w.source.text[b0:b1])
    assert sum(len(match_key(draft[a0:a1])) for a0, a1, _, _ in w.spans) / len(match_key(draft)) == pytest.approx(w.cover)
    assert "小幅差異" in w.message and w.source.agency in w.message


def test_exact_copy_is_labelled_copy(suggester):
    r = suggester.suggest(SPECIFIC["乙處"], agency=ME)
    assert r.warning is not None and r.warning.label == "copy"
    assert r.warning.source.agency == "高雄市政府乙處"
    assert r.warning.spans[0][:2] == (0, len(SPECIFIC["乙處"]) - 1)  # the final 。 is punctuation


def test_no_warning_for_own_text_or_original_text(suggester):
    assert suggester.suggest(SPECIFIC["甲局"], agency=ME).warning is None
    assert suggester.suggest("邀請青年代表共同設計申辦表單並實地測試", agency=ME).warning is None


def test_input_errors_say_how_to_fix(suggester):
    with pytest.raises(InputError, match="已知的代碼"):
        suggester.suggest("x", measure="九(九)")
    with pytest.raises(InputError, match="5000"):
        suggester.suggest("字" * (MAX_DRAFT_CHARS + 1))
    with pytest.raises(InputError, match="選擇措施"):
        suggester.suggest("   ")
    with pytest.raises(InputError, match="1 到 50"):
        suggester.suggest("x", k=0)


def test_results_are_deterministic(suggester):
    a = suggester.suggest("申辦服務", agency=ME).to_dict()
    b = suggester.suggest("申辦服務", agency=ME).to_dict()
    for d in (a, b):
        d.pop("embed_ms"), d.pop("rank_ms")
    assert a == b


def test_measures_list_is_in_code_order(suggester):
    codes = [m.code for m in suggester.measures()]
    assert codes == ["一(一)", "一(二)", "二(一)", "二(二)", "三(一)"]
    assert [m.n_agencies for m in suggester.measures()] == [5, 5, 5, 4, 2]


def test_suggest_vector_matches_suggest_for_drafts_and_measure_browsing(suggester):
    for draft, measure in (("設置服務窗口受理申請", None), ("標準作業流程公布網站", "一(一)"), ("", "一(二)")):
        r = suggester.suggest(draft, measure=measure, agency=ME)
        vec = suggester.encoder.encode([draft], kind="query")[0] if draft else None
        sugg, warning = suggester.suggest_vector(draft, vec, measure=measure, agency=ME)
        assert [s.to_dict() for s in sugg] == [s.to_dict() for s in r.suggestions]
        assert (warning.to_dict() if warning else None) == (r.warning.to_dict() if r.warning else None)
    with pytest.raises(InputError, match="empty draft and a measure"):
        suggester.suggest_vector("設置服務窗口", None)


def test_without_agency_every_agency_can_be_suggested(suggester):
    # The precomputed row owners must not drop rows when no drafter agency is given.
    r = suggester.suggest("", measure="一(二)", k=10)
    assert ME in {a for s in r.suggestions for a in (s.entry.agency, *(e.agency for e in s.copies))}



@pytest.mark.parametrize("written", ["甲局", "高雄市甲局", "高雄市政府 甲局", "高雄市政府甲"])
def test_the_drafters_own_agency_is_recognised_however_written(suggester, written):
    # Written short, without 政府, with a space or cut off, it is still the drafter's own agency:
    # the same suggestions as under the corpus's own spelling, none of its own points, no self-warning.
    own = suggester.suggest("設置服務窗口受理申請", agency=ME, k=5).to_dict()
    typed = suggester.suggest("設置服務窗口受理申請", agency=written, k=5).to_dict()
    assert typed["agency"] == ME
    assert [s["text"] for s in typed["suggestions"]] == [s["text"] for s in own["suggestions"]]
    assert all(s["agency"] != ME for s in typed["suggestions"])
    mine = next(e.text for e in suggester.index.points().entries if e.agency == ME)
    warning = suggester.suggest(mine, agency=written).warning
    assert warning is None or warning.source.agency != ME


def test_an_ambiguous_agency_is_an_error_and_a_new_one_is_kept(suggester):
    with pytest.raises(InputError, match="局"):
        suggester.suggest("設置服務窗口", agency="局")
    assert suggester.suggest("設置服務窗口", agency="高雄市政府新設局").agency == "高雄市政府新設局"
