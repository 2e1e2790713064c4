"""Small invented plans (no real plan text) shared by the suggest and web tests.

Five agencies follow one template: 一(一) and 一(二) and 二(一) are in every plan (standard),
二(二) in four, 三(一) in two. Every plan keeps the template's SOP sentence (boilerplate, with
本局/本處/本所 swapped), some write concrete methods of their own, 丙所 numbers its measures the
old way (一(三) for 一(二), reworded title), and 戊局 has a point containing markup, for the
escaping test.
"""

from __future__ import annotations

from pathlib import Path

from svcsim.model import Item, Measure, Plan, Point

SOP = "訂定各項業務標準作業流程，並公布於{ag}網站供民眾查閱。"
WINDOW = "{self}設置單一服務窗口，受理各項申請案件並提供諮詢服務。"
T11 = "建立標準作業流程，確保案件處理正確一致。"
T12 = "提供多元便捷的申辦管道，簡化申辦程序。"
T21 = "建立民眾意見回應機制，妥適處理陳情案件。"
T22 = "定期辦理服務滿意度調查，作為改善依據。"
T31 = "運用數位科技推動創新服務。"

SPECIFIC = {
    "甲局": "與高雄科技大學合作開發「案件進度查詢」LINE機器人，民眾輸入案號即可查詢，每月服務逾500人次。",
    "乙處": "建置線上預約系統，民眾可預約臨櫃時段，平均等候時間由20分鐘縮短為5分鐘。",
    "丙所": "結合社區發展協會辦理行動服務車，每季深入偏鄉里辦公處提供到府申辦服務。",
    "丁局": "提供多元便捷的申辦管道，簡化申辦程序。",
    "戊局": "於網站公告<script>alert('x')</script>各項申辦須知與表單下載。",
}
SELF = {"甲局": "本局", "乙處": "本處", "丙所": "本所", "丁局": "本局", "戊局": "本局"}
AGENCIES = tuple(SPECIFIC)


def plan_for(agency: str, year: int = 113, *, drop: tuple[str, ...] = ()) -> Plan:
    """One fixture plan; ``drop`` removes measures by code (``"二(二)"``) to make a draft lack them."""
    me = SELF[agency]
    old = agency == "丙所"
    m11 = Measure("(一)", T11, (Point(1, SOP.format(ag=me)), Point(2, "每年檢討作業流程並修正申辦期限。")))
    m12_points = [Point(1, WINDOW.format(self=me)), Point(2, SPECIFIC[agency])]
    m12 = Measure("(三)" if old else "(二)", "提供便捷多元的申辦管道並簡化申辦程序。" if old else T12, tuple(m12_points))
    item1 = Item("一", "完備基礎服務項目", (m11, m12))
    m21 = Measure("(一)", T21, (Point(1, "陳情案件於七日內回復，並追蹤處理情形。"),
                                Point(2, f"{me}首長信箱每月統計來信件數與回復時效，於主管會報檢討。")))
    measures2 = [m21]
    if agency != "丁局":
        measures2.append(Measure("(二)", T22, (Point(1, "每年辦理一次服務滿意度問卷調查並公布結果。"),)))
    item2 = Item("二", "重視民眾意見", tuple(measures2))
    items = [item1, item2]
    if agency in ("甲局", "乙處"):
        items.append(Item("三", "推動創新服務", (Measure("(一)", T31, (Point(1, f"{agency}開發行動支付繳費服務，支援三種電子支付。"),)),)))
    kept = []
    for it in items:
        ms = tuple(m for m in it.measures if f"{it.code}{m.code}" not in drop)
        if ms:
            kept.append(Item(it.code, it.title, ms))
    return Plan(file=f"{agency}_{year}.txt", agency=f"高雄市政府{agency}", roc_year=year, title=f"{year}年度提升服務計畫",
                items=tuple(kept), content_hash=f"fixture-{agency}-{year}-{','.join(drop)}")


def fixture_plans() -> list[Plan]:
    return [plan_for(a) for a in AGENCIES]


def build_corpus(db_path: Path, encoder):
    """A temp SQLite corpus of the fixture plans, indexed with ``encoder``."""
    from svcsim.index.corpus_index import update_index
    from svcsim.store import Corpus

    corpus = Corpus.open(db_path, create=True)
    for p in fixture_plans():
        corpus.add_plan(p)
    update_index(corpus, encoder)
    return corpus
