"""Innovation score on the hand-written corpus: the three one-off points beat the shared themes."""

from __future__ import annotations

import dataclasses
import math
import random

import pytest

from svcsim.clusters import InnovationScore, Weights, innovations_frame, score_innovation
from svcsim.errors import InputError

from cluster_fixtures import ODD


def test_one_off_points_rank_first_and_scores_are_explained(corpus):
    entries, vecs = corpus
    scores = score_innovation(entries, vecs)
    assert len(scores) == len(entries)
    assert {s.entry.text for s in scores[:3]} == set(ODD)
    assert [s.score for s in scores] == sorted((s.score for s in scores), reverse=True)
    for s in scores:
        assert 0.0 <= s.score <= 1.0 and 0.0 <= s.novelty <= 1.0 and 0.0 <= s.specificity <= 1.0
        assert 1 <= len(s.reasons) <= 4 and all(isinstance(r, str) and r for r in s.reasons)
    top = scores[0]
    assert top.reasons[0].startswith("no close counterpart in other agencies (max cos ")
    assert any(r.startswith("specific: ") for r in top.reasons)
    assert scores[0].score - scores[3].score > 0.3  # a clear gap, not a coin toss


def test_theme_copied_by_every_agency_is_template_boilerplate(corpus):
    entries, vecs = corpus
    by_text = {s.entry.text: s for s in score_innovation(entries, vecs)}
    s = by_text["設置單一窗口整合臨櫃收件免除奔波"]
    assert s.boilerplate == 1.0
    assert any("template" in r for r in s.reasons)
    assert s.max_cos > 0.5
    assert any("other agencies have a similar point" in r for r in s.reasons)


def test_same_ranking_for_shuffled_input(corpus):
    entries, vecs = corpus
    base = score_innovation(entries, vecs)
    perm = list(range(len(entries)))
    random.Random(7).shuffle(perm)
    shuffled = score_innovation([entries[i] for i in perm], vecs[perm])
    assert [(s.entry.id, s.score, s.reasons) for s in shuffled] == [(s.entry.id, s.score, s.reasons) for s in base]


def test_single_agency_says_novelty_is_not_measured(corpus):
    entries, vecs = corpus
    one = [dataclasses.replace(e, agency="甲") for e in entries]
    scores = score_innovation(one, vecs)
    assert all(s.novelty == 0.5 and math.isnan(s.max_cos) for s in scores)
    assert all("only one agency" in s.reasons[0] for s in scores)


def test_weights_change_the_balance(corpus):
    entries, vecs = corpus
    only_spec = score_innovation(entries, vecs, weights=Weights(novelty=0.0, not_boilerplate=0.0, specificity=1.0))
    assert all(math.isclose(s.score, s.specificity) for s in only_spec)


def test_frame_ranks_best_first(corpus):
    entries, vecs = corpus
    df = innovations_frame(score_innovation(entries, vecs))
    assert list(df["rank"]) == list(range(1, len(entries) + 1))
    assert {"score", "novelty", "specificity", "boilerplate", "agency", "year", "text", "reasons"} <= set(df.columns)
    assert df.iloc[0]["text"] in ODD


def test_bad_inputs_say_how_to_fix(corpus):
    entries, vecs = corpus
    with pytest.raises(InputError, match="one vector per entry"):
        score_innovation(entries, vecs[:-1])
    with pytest.raises(InputError, match="got a single str"):
        score_innovation("設置單一窗口", vecs)
    with pytest.raises(InputError, match="summing to 1"):
        score_innovation(entries, vecs, weights=Weights(novelty=0.9))
    from svcsim.dupes import analyse

    other = analyse(entries[:5], vecs[:5])
    with pytest.raises(InputError, match="same corpus"):
        score_innovation(entries, vecs, dupes=other)
    with pytest.raises(InputError, match="single one"):
        innovations_frame(score_innovation(entries, vecs)[0])
    assert score_innovation([], vecs[:0]) == []
    assert isinstance(score_innovation(entries, vecs)[0], InnovationScore)


def test_verbatim_copies_count_for_other_agencies_only(corpus):
    # the search runs over distinct texts: a copy in another agency is a counterpart at cos 1,
    # a repeat within the same agency is not
    entries, vecs = corpus
    odd = next(e for e in entries if e.text == ODD[0])
    other_agency = next(e.agency for e in entries if e.agency != odd.agency)
    same = dataclasses.replace(odd, id=1000, file="again.txt")
    base = {s.entry.id: s for s in score_innovation(entries + [same], list(vecs) + [vecs[odd.id]])}
    assert base[odd.id].max_cos < 0.9 and base[1000].max_cos < 0.9
    assert base[odd.id].novelty == base[1000].novelty
    copy = dataclasses.replace(odd, id=1000, file="copy.txt", agency=other_agency)
    scored = {s.entry.id: s for s in score_innovation(entries + [copy], list(vecs) + [vecs[odd.id]])}
    assert scored[odd.id].max_cos == pytest.approx(1.0, abs=1e-5)
    assert scored[1000].max_cos == pytest.approx(1.0, abs=1e-5)
    assert scored[odd.id].novelty < base[odd.id].novelty
