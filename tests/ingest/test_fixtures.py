"""Whole-plan parses of hand-written fixtures (invented agencies) in the converted-PDF format."""

from __future__ import annotations

from pathlib import Path

import pytest

from svcsim.ingest import parse_file, parse_text

PLANS = Path(__file__).resolve().parents[1] / "fixtures" / "plans"


def outline(plan):
    """(item code, measure code, measure title, [(n, text, units)], measure units) per measure."""
    return [
        (it.code, m.code, m.title, [(p.n, p.text, p.units) for p in m.points], m.units)
        for it in plan.items
        for m in it.measures
    ]


@pytest.fixture(scope="module")
def harbor():
    return parse_file(PLANS / "harbor_bureau_112.txt")


@pytest.fixture(scope="module")
def river():
    return parse_file(PLANS / "river_district_113.md")


def test_harbor_header(harbor):
    assert harbor.file == "harbor_bureau_112.txt"
    assert harbor.agency == "臺東縣政府港務觀光處"  # the line above a title that starts with the year
    assert (harbor.roc_year, harbor.year) == (112, 2023)
    assert harbor.title == "112年度提升服務工作計畫"  # CJK–CJK space dropped
    assert harbor.goals == ("公平共享：讓偏鄉遊客也能便利取得港務資訊。", "提升碼頭服務品質，建立遊客信賴。")
    assert len(harbor.content_hash) == 64


def test_harbor_items(harbor):
    assert [(it.code, it.title) for it in harbor.items] == [
        ("0", "訂定「提升服務計畫」"),
        ("一", "強化碼頭服務，照顧每位旅客"),  # item title split by a page break
        ("二", "深化遊客參與"),  # written "二." in the source
    ]


def test_harbor_measures_and_points(harbor):
    none = ()
    assert outline(harbor) == [
        ("0", "", "訂定本處年度提升服務計畫。", [(1, "依據縣府實施計畫訂定本計畫，公告於本處網站。", none)], ("企劃課", "行政課")),
        (
            "一",
            "(一)",
            "建立船班查詢作業流程，維持資訊一致。",  # title split by the page break
            [
                (1, "建立船班異動簡訊通知流程。", none),
                (2, "依據「港埠管理自治條例」第 7 條規定公告收費標準。", none),  # point split
                (3, "於 facebook 連結公布船班異動。", none),
            ],
            ("企劃課", "航務課", "行政課"),  # unit cell split: pieces concatenated
        ),
        (
            "一",
            "(二)",  # full-width （二） normalised
            "改善候船環境。",
            [(1, "增設候船座椅，分為：(1)一般座椅(2)博愛座椅。", none), (2, "提供 i-Taiwan 免費上網。", none)],
            ("航務課",),
        ),
        # (一) restarts the numbering before the 二 heading arrives: it belongs to item 二.
        ("二", "(一)", "擴大單一窗口服務範圍。", [(1, "整合售票與旅遊諮詢櫃臺，減少往返時間。", none)], ("觀光課",)),
        ("二", "(二)", "邀請遊客參與服務設計。", [(1, "每年辦理遊客座談會 2 場。", none)], ("觀光課",)),
        # 3-cell rows: no empty item cell
        ("二", "(三)", "定期辦理滿意度調查。", [(1, "每季辦理線上問卷。", none), (2, "分析結果並於 30 日內提出改善措施。", none)], ("企劃課",)),
        ("二", "(四)", "公開改善成果。", [(1, "於網站公開年度成果報告。", none)], ("企劃課",)),
    ]


def test_river_header(river):
    assert (river.agency, river.roc_year, river.title) == ("花蓮縣溪畔鄉公所", 113, "113 年度提升服務品質執行計畫")
    assert river.goals == ("簡化申辦流程。", "提供友善網路服務。")
    assert river.items[0].code == "一"  # no preliminary row → no item "0"


def test_river_merged_measures_and_per_point_units(river):
    assert outline(river) == [
        # item-only row with "1.": the measure title was lost → code "" and title ""
        ("一", "", "", [(1, "成立服務品質推動小組，每月開會一次。", ("秘書室",))], ("秘書室",)),
        (
            "一",
            "(二)",
            "改善洽公環境，充實服務設施。",
            [(1, "設置雙語指示牌。", ("秘書室",)), (2, "備妥老花眼鏡及書寫用具。", ("民政課",)), (3, "定期檢查無障礙坡道。", ("秘書室",))],
            ("秘書室", "民政課", "秘書室"),
        ),
        (
            "一",
            "(三)",
            "建立申辦案件查驗機制，縮短等候時間。",
            [(1, "運用跨機關電子閘門查驗戶籍資料，減少民眾檢附謄本。", ("民政課",)), (2, "提供退件一次告知單。", ("民政課",))],
            ("民政課", "民政課"),
        ),
        # merged row: numbering restarts at 1. → next measure opened in the row
        ("一", "(四)", "公開案件處理進度。", [(1, "於網站提供案件進度查詢。", ("民政課",))], ("民政課",)),
        # ... and the next restart goes to the item heading that has no measure title
        (
            "二",
            "",
            "",
            [
                (1, "訂定人民陳情案件處理規定。", ("秘書室",)),
                (2, "設置鄉長信箱，建立追蹤管考機制。", ("秘書室",)),
                (3, "以 LINE 官方帳號回覆民眾。", ("財經課",)),
            ],
            ("秘書室", "秘書室", "財經課"),
        ),
        (
            "二",
            "(二)",
            "辦理民眾意見調查，分析結果改進服務。",
            [(1, "每年辦理滿意度調查。", ("秘書室",)), (2, "依調查結果檢討。", ("民政課",))],
            ("秘書室", "民政課"),
        ),
    ]


def _table(*rows: str, header: str = "執行要項\t具體措施\t執行重點\t執行單位") -> str:
    return "範例市政府測試局 114 年度提升服務計畫\n\n" + header + "\n" + "\n".join(rows) + "\n\n伍、管考\n"


@pytest.mark.parametrize(
    "header",
    [
        "執行要項\t具體措施\t執行重點\t執行單位",
        "實施要項\t\t執行方法\t業務單位",
        "執 行 要 項\t具 體 措 施\t實施方法\t辦 理 單 位",
        "執行要項(具體措施)\t\t工作重點(實施方法)\t執行單位",
        "| 執行要項 | 具體措施 | 執行重點 | 執行單位 |",
    ],
)
def test_header_variants(header):
    row = "一、便民服務\t(一)簡化流程\t1. 線上申辦。 2. 單一窗口。\t資訊室 秘書室"
    if header.startswith("|"):
        row = "| 一、便民服務 | (一)簡化流程 | 1. 線上申辦。 2. 單一窗口。 | 資訊室 秘書室 |"
    plan = parse_text(_table(row, header=header))
    m = plan.items[0].measures[0]
    assert (plan.items[0].code, m.code, [p.text for p in m.points], m.units) == (
        "一",
        "(一)",
        ["線上申辦。", "單一窗口。"],
        ("資訊室", "秘書室"),
    )


def test_version_numbers_and_years_are_not_point_marks():
    row = "一、智慧服務\t(一)導入新科技\t1. 推動公共服務4.0與 Web2. 平台。 2. 於 1999、首長信箱受理。\t資訊室"
    points = parse_text(_table(row)).items[0].measures[0].points
    assert [p.text for p in points] == ["推動公共服務4.0與 Web2.平台。", "於 1999、首長信箱受理。"]


def test_paren_numbers_are_points_when_no_dot_numbers_exist():
    row = "一、便民服務\t(一)簡化流程\t(1) 線上申辦。 (2) 單一窗口。\t資訊室"
    points = parse_text(_table(row)).items[0].measures[0].points
    assert [(p.n, p.text) for p in points] == [(1, "線上申辦。"), (2, "單一窗口。")]


def test_units_cell_missing_when_trailing_tab_was_trimmed():
    rows = ["一、便民服務\t(一)簡化流程\t1. 線上申辦\t資訊室", "", "\t\t<p>服務。</p>"]
    m = parse_text(_table(*rows)).items[0].measures[0]
    assert ([p.text for p in m.points], m.units) == (["線上申辦服務。"], ("資訊室",))


def test_auto_numbered_li_items_are_points():
    row = "一、便民服務\t(一)簡化流程\t<ol><li>線上申辦。</li><li>單一窗口。</li></ol>\t資訊室"
    points = parse_text(_table(row)).items[0].measures[0].points
    assert [(p.n, p.text) for p in points] == [(1, "線上申辦。"), (2, "單一窗口。")]


def test_html_entities_are_decoded_but_bare_ampersand_kept():
    row = "一、便民服務\t(一)簡化流程\t1. 提供 Q&A 與 &lt;常見問題&gt;。\t資訊室"
    assert parse_text(_table(row)).items[0].measures[0].points[0].text == "提供 Q&A 與<常見問題>。"


def test_plan_without_measure_codes_or_year():
    text = (
        "測試局提升服務計畫\n執行要項\t具體措施\t執行重點\t執行單位\n"
        "一、便民服務\t簡化流程\t1. 線上申辦。 2. 單一窗口\t資訊室\n"
        "\t加強服務態度\t1. 禮貌測試。\t秘書室\n\n"
        "\t\t<p>處理。</p>\t\n"
    )
    plan = parse_text(text)
    assert (plan.agency, plan.roc_year, plan.year, plan.title) == ("測試局", None, None, "提升服務計畫")
    assert [(m.code, m.title, [p.text for p in m.points]) for m in plan.items[0].measures] == [
        ("", "簡化流程", ["線上申辦。", "單一窗口"]),
        ("", "加強服務態度", ["禮貌測試。處理。"]),
    ]
