"""check_plan: missing standard measures and measures filled only with template text."""

from __future__ import annotations

import dataclasses

import pytest

from fixture_plans import SPECIFIC, plan_for
from svcsim.errors import InputError
from svcsim.model import Item, Measure, Point
from svcsim.suggest import check_plan


def test_missing_measure_is_reported_with_examples_from_others(suggester):
    draft = dataclasses.replace(plan_for("甲局", 114, drop=("二(一)",)), agency="高雄市政府新局")
    report = check_plan(draft, suggester)
    # 一(一), 一(二), 二(一) in 5/5 agencies and 二(二) in 4/5 are standard; 三(一) (2/5) is not.
    assert report.n_standard == 4
    missing = [f.measure.code for f in report.missing]
    assert missing == ["二(一)"]
    ex = report.missing[0].examples
    assert 1 <= len(ex) <= 3
    assert all(e.entry.agency != draft.agency and (e.entry.item, e.entry.measure) == ("二", "(一)") for e in ex)


def test_measure_with_only_copied_points_is_boilerplate(suggester):
    base = plan_for("甲局", 114)
    # 一(二) keeps only the template window sentence (with another agency word): copied.
    items = []
    for it in base.items:
        ms = []
        for m in it.measures:
            if (it.code, m.code) == ("一", "(二)"):
                m = dataclasses.replace(m, points=(Point(1, "本中心設置單一服務窗口，受理各項申請案件並提供諮詢服務。"),))
            ms.append(m)
        items.append(Item(it.code, it.title, tuple(ms)))
    draft = dataclasses.replace(base, agency="高雄市政府新局", items=tuple(items))
    report = check_plan(draft, suggester)
    kinds = {f.measure.code: f.kind for f in report.findings}
    assert kinds.get("一(二)") == "boilerplate"
    # The fixture plans share every other point too, so 一(一) is boilerplate as well.
    assert kinds.get("一(一)") == "boilerplate"
    finding = next(f for f in report.findings if f.measure.code == "一(二)")
    assert finding.draft_measure == "一(二)"
    assert SPECIFIC["乙處"] in [e.text for e in finding.examples]


def test_own_wording_is_not_flagged(suggester):
    own = Measure("(二)", "提供多元便捷的申辦管道，簡化申辦程序。",
                  (Point(1, "開辦週六上午預約服務，並與在地超商合作代收規費。"),))
    base = plan_for("甲局", 114)
    items = tuple(Item(it.code, it.title, tuple(own if (it.code, m.code) == ("一", "(二)") else m for m in it.measures))
                  for it in base.items)
    report = check_plan(dataclasses.replace(base, agency="高雄市政府新局", items=items), suggester)
    assert "一(二)" not in {f.measure.code for f in report.findings}


def test_reworded_title_under_another_code_still_matches(suggester):
    # 丙所's old-template title for 一(二), filed under 一(三): not missing.
    base = plan_for("丙所", 114)
    report = check_plan(dataclasses.replace(base, agency="高雄市政府新所"), suggester)
    assert "一(二)" not in [f.measure.code for f in report.missing]


def test_rejects_non_plan(suggester):
    with pytest.raises(InputError, match="svcsim.Plan"):
        check_plan({"items": []}, suggester)
