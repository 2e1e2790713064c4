"""A small hand-written corpus with planted reuse (no seed or gold text).

Agencies 甲局 (2023, 2024), 乙所 (2024), 丙局 (2024), 丁處 (2024). Planted, by point:

* T  the opening row (item "0") carried by every plan → template;
* S  a template measure title in slot 一(一) of every plan → template copy;
* C  乙所 copies 甲局 2023 一(一)1 with other punctuation and full-width digits → copy;
* N  丙局 copies it with 本局→本所 swapped and a clause added → near_copy;
* V  丁處 copies 甲局 2023 二(一)1 with 臺→台 → near_copy (variant is a character change);
* Y  甲局 2024 keeps 甲局 2023 二(一)2 with one clause dropped → self-reuse;
* R  丙局 二(一)1 repeats the order of 乙所's clauses swapped → near_copy;
* everything else is distinct text.
"""

from __future__ import annotations

from svcsim.model import Item, Measure, Plan, Point

OPENING = "依據市府提升服務實施計畫，訂定本機關年度提升服務計畫，並據以執行及自我檢核。"
TITLE_1 = "建立標準作業流程，簡化申辦程序與書表"
C_SRC = "每年檢討申辦案件作業流程，精簡書表欄位120項，並於網站公告標準作業流程及應備文件。"
C_COPY = "每年檢討申辦案件作業流程 精簡書表欄位１２０項；並於網站公告標準作業流程及應備文件"
N_COPY = "每年檢討本所申辦案件作業流程，精簡書表欄位120項，並於網站公告標準作業流程及應備文件，另設置線上預約服務。"
V_SRC = "建置臺灣通用之行動支付繳費管道，民眾可於超商及手機完成規費繳納，免除臨櫃排隊等候。"
V_COPY = "建置台灣通用之行動支付繳費管道，民眾可於超商及手機完成規費繳納，免除臨櫃排隊等候。"
Y_SRC = "定期辦理電話禮貌測試，測試結果納入同仁考核，並針對缺失進行個別輔導與追蹤改善。"
Y_KEEP = "定期辦理電話禮貌測試，測試結果納入同仁考核。"
R_SRC = "設置多語服務櫃檯並提供外語翻譯人員，協助新住民及外籍人士辦理各項業務申請。"
R_SWAP = "協助新住民及外籍人士辦理各項業務申請，設置多語服務櫃檯並提供外語翻譯人員。"
SCRIPT = "<script>alert(1)</script>辦理社區巡迴法律諮詢服務"


def _plan(file, agency, roc_year, one, two, extra_title="加強服務場所便民設施"):
    return Plan(
        file=file, agency=agency, roc_year=roc_year, title="提升服務計畫",
        items=(
            Item(code="0", title="訂定提升服務計畫", measures=(Measure(code="", title="", points=(Point(1, OPENING),)),)),
            Item(code="一", title="服務流程", measures=(
                Measure(code="(一)", title=TITLE_1, points=tuple(Point(i + 1, t) for i, t in enumerate(one))),
            )),
            Item(code="二", title="服務品質", measures=(
                Measure(code="(一)", title=extra_title, points=tuple(Point(i + 1, t) for i, t in enumerate(two))),
            )),
        ),
    )


PLANS = (
    _plan("jia_112.txt", "甲局", 112, [C_SRC, "成立跨科室專案小組，每季召開會議檢視申辦案件處理時效。"],
          [V_SRC, Y_SRC], extra_title="推動行動支付與電子化繳費"),
    _plan("jia_113.txt", "甲局", 113, ["導入案件管理系統自動派案，縮短公文往返時間至三日以內。"],
          [Y_KEEP, "於洽公大廳設置兒童遊戲區與哺集乳室，營造親子友善環境。"], extra_title="營造親子友善洽公環境"),
    _plan("yi_113.txt", "乙所", 113, [C_COPY, R_SRC],
          ["結合里辦公處辦理行動服務列車，深入偏鄉提供戶政及地政到點服務。"], extra_title="主動關懷偏鄉民眾"),
    _plan("bing_113.txt", "丙局", 113, [N_COPY, R_SWAP],
          ["每半年彙整民眾常見問題，更新網站問答集並於服務台提供紙本。", SCRIPT], extra_title="強化常見問題解答"),
    _plan("ding_113.txt", "丁處", 113, [V_COPY],
          ["運用無人機巡查轄區公共設施，即時通報損壞並派員修復。"], extra_title="運用科技巡查公共設施"),
)


def find(entries, text, file):
    """The entry with ``text`` in ``file``."""
    (e,) = [e for e in entries if e.text == text and e.file == file]
    return e
