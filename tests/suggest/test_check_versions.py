"""check_plan holds a draft to its own template version, and lists the draft's copied points.

An invented corpus with two template versions: in 105 four agencies used the old template (three
measures), in 113 four agencies the new one (two renamed measures plus a new one, renumbered). A
draft of either year is judged by its year's plans; a draft of an unknown year by the latest.
"""

from __future__ import annotations

import dataclasses

import pytest

from svcsim.embed import HashEncoder
from svcsim.model import Item, Measure, Plan, Point
from svcsim.store import Corpus
from svcsim.suggest import Suggester, check_plan

OLD = {("一", "(一)"): "加強為民服務工作人員訓練與考核。",
       ("一", "(二)"): "落實公文處理時效管制作業。",
       ("二", "(一)"): "維護洽公場所整潔與安全。"}
NEW = {("一", "(一)"): "推動數位服務並擴大線上申辦項目。",
       ("一", "(二)"): "運用社群媒體主動說明施政成果。",
       ("二", "(一)"): "建置跨機關資料共享機制便利民眾。"}
AGENCIES = ("甲局", "乙局", "丙處", "丁所", "戊所")
# Each agency's own wording, different enough that no two are copies of each other.
OWN = {"甲局": ("里長座談每季一次", "志工導覽假日加開", "無障礙坡道改建完成"),
       "乙局": ("行動支付繳納規費", "夜間門診延長服務", "外語翻譯志工輪值"),
       "丙處": ("雨水下水道即時水位", "橋梁巡檢影像公開", "路燈報修三日完工"),
       "丁所": ("社區巡迴法律諮詢", "獨居長者送餐關懷", "親子共讀週末活動"),
       "戊所": ("漁港安全宣導講座", "攤商衛生自主管理", "市場冷鏈設備補助"),
       "新局": ("青年創業諮詢門診", "產學合作實習媒合", "銀髮再就業說明會")}


def _plan(agency: str, roc_year: int, template: dict, points: dict | None = None) -> Plan:
    items = {}
    for (item, code), title in template.items():
        k = sum(len(ms) for ms in items.values())
        own = (points or {}).get((item, code)) or f"{OWN[agency][k]}，{roc_year}年度起辦理。"
        items.setdefault(item, []).append(Measure(code, title, (Point(1, own),)))
    return Plan(file=f"{agency}_{roc_year}.txt", agency=f"高雄市政府{agency}", roc_year=roc_year, title="",
                items=tuple(Item(code, f"要項{code}", tuple(ms)) for code, ms in items.items()))


@pytest.fixture(scope="module")
def suggester(tmp_path_factory):
    corpus = Corpus.open(tmp_path_factory.mktemp("versions") / "c.db", create=True)
    for a in AGENCIES[:4]:
        corpus.add_plan(_plan(a, 105, OLD))
    for a in AGENCIES[1:]:
        corpus.add_plan(_plan(a, 113, NEW))
    yield Suggester.build(corpus, HashEncoder())
    corpus.close()


def test_an_old_draft_is_held_to_the_old_template(suggester):
    report = check_plan(_plan("新局", 105, OLD), suggester)
    assert report.reference_years == (2016,)
    assert report.n_standard == 3 and not report.missing


def test_a_new_draft_is_held_to_the_new_template(suggester):
    draft = _plan("新局", 113, {k: v for k, v in NEW.items() if k != ("二", "(一)")})
    report = check_plan(draft, suggester)
    assert report.reference_years == (2024,)
    assert report.n_standard == 3
    assert [f.measure.title for f in report.missing] == [NEW[("二", "(一)")]]


def test_a_draft_of_unknown_year_is_held_to_the_latest_template(suggester):
    draft = dataclasses.replace(_plan("新局", 113, NEW), roc_year=None)
    report = check_plan(draft, suggester)
    assert report.reference_years == (2024,) and report.n_standard == 3 and not report.missing


def test_a_year_between_versions_widens_to_the_nearest_years(suggester):
    report = check_plan(_plan("新局", 110, NEW), suggester)
    assert report.reference_years == (2024,)  # 113 is nearer 110 than 105 is, and has four agencies


def test_copied_points_name_their_source_and_spans(suggester):
    source_text = f"{OWN['乙局'][1]}，113年度起辦理。"
    draft = _plan("新局", 113, NEW, points={("一", "(二)"): source_text})
    report = check_plan(draft, suggester)
    copied = {p.draft_measure: p for p in report.copied_points}
    assert set(copied) == {"一(二)"}
    hit = copied["一(二)"]
    assert hit.copy.source.agency == "高雄市政府乙局" and hit.copy.label == "copy"
    assert hit.copy.spans and hit.to_dict()["copy"]["source"]["text"] == source_text
    assert report.to_dict()["copied_points"][0]["text"] == source_text
