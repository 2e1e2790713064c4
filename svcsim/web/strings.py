"""The reviewer pages' own labels, by language, until they are merged into :mod:`svcsim.i18n`.

Definitions and status names come from the catalogue (:func:`svcsim.i18n.t`) so the page says
what the report and the CLI say; only the page's chrome lives here.
"""

from __future__ import annotations

from typing import Any

PAGE: dict[str, dict[str, str]] = {
    "zh": {
        "title": "svcsim 審查工作區", "tab.plans": "計畫列表", "tab.plan": "計畫檢視", "tab.overlap": "機關重疊",
        "tab.years": "逐年比較", "tab.innovation": "創新與主題", "tab.write": "撰寫助手",
        "col.agency": "機關", "col.year": "年度", "col.file": "檔案", "col.points": "執行重點數",
        "col.breakdown": "組成", "col.originality": "原創比例", "col.unit": "執行單位",
        "loading": "分析中…（第一次開啟需計算）", "pick": "點選一個執行重點，查看它的來源。",
        "sources": "來源", "no_sources": "沒有找到來源。", "mine": "本計畫", "source": "來源",
        "kept": "保留", "edited": "修改", "new": "新增", "dropped": "刪除", "pick_agency": "選擇機關",
        "one_year": "這個機關只有一個年度的計畫，無法比較。", "innovations": "創新排行",
        "themes": "主題", "rank": "名次", "score": "分數", "reasons": "理由", "members": "執行重點",
        "error": "發生錯誤：",
    },
    "en": {
        "title": "svcsim reviewer's workspace", "tab.plans": "Plans", "tab.plan": "Plan", "tab.overlap": "Overlap",
        "tab.years": "Year over year", "tab.innovation": "Innovation and themes", "tab.write": "Drafting",
        "col.agency": "Agency", "col.year": "Year", "col.file": "File", "col.points": "Points",
        "col.breakdown": "Breakdown", "col.originality": "Originality", "col.unit": "Units",
        "loading": "Analysing… (the first visit computes it)", "pick": "Click a point to see its sources.",
        "sources": "Sources", "no_sources": "No sources found.", "mine": "This plan", "source": "Source",
        "kept": "kept", "edited": "edited", "new": "new", "dropped": "dropped", "pick_agency": "Choose an agency",
        "one_year": "This agency has a plan for one year only.", "innovations": "Most innovative",
        "themes": "Themes", "rank": "Rank", "score": "Score", "reasons": "Reasons", "members": "Points",
        "error": "Error: ",
    },
}

_CATALOGUE_KEYS = ("status.own", "status.template", "status.copied", "status.reused", "def.own", "def.template",
                   "def.copied", "def.reused", "def.originality", "def.overlap", "report.overlap.legend")


def page_strings() -> dict[str, Any]:
    """The strings of the current language (:func:`svcsim.i18n.current_lang`), and the status colours."""
    from svcsim.i18n import current_lang, t
    from svcsim.report.sections import STATUS_COLOURS

    lang = current_lang()
    out = dict(PAGE.get(lang, PAGE["zh"]))
    out.update({k: t(k) for k in _CATALOGUE_KEYS})
    return {"lang": lang, "strings": out, "colours": dict(STATUS_COLOURS)}
