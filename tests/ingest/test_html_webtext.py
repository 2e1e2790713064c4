"""HTML pages and text copied from a web page (one cell per line) parse to the same plan as the
converted text they render, on our own fixtures, with the things CMS pages do: navigation and
scripts that mention 提升服務計畫, nested layout tables, rowspan items, colspan item rows, <ol> lists
without typed numbers, Big5 pages."""

from __future__ import annotations

import html
import json
import subprocess
import sys
from pathlib import Path

import pytest

from plan_compare import assert_plan_matches

from svcsim.errors import PlanParseError
from svcsim.ingest import load_plan
from svcsim.model import Plan

PLANS = Path(__file__).resolve().parents[1] / "fixtures" / "plans"
# Plans whose measures carry codes: web-copied text can rebuild only those (no codes, no ladder).
EXPECTED = sorted(p for p in PLANS.glob("*.expected.json") if "nocodes" not in p.name)


def _expected(path: Path) -> tuple[Plan, dict]:
    d = json.loads(path.read_text(encoding="utf-8"))
    return Plan.from_dict(d), d


def _item_label(code: str, title: str) -> str:
    return (f"{code}、" if code not in ("0", "") else "") + title


def _page(plan: Plan, *, layout: str) -> str:
    """A CMS page: banner, menu, breadcrumbs, script, then the plan in <main>."""
    rows = []
    for it in plan.items:
        label = html.escape(_item_label(it.code, it.title))
        if layout == "fullwidth" and label:
            rows.append(f'<tr><td colspan="3"><strong>{label}</strong></td></tr>')
        for k, m in enumerate(it.measures):
            per = any(p.units for p in m.points)
            units = ("".join(f"<p>{html.escape(u)}</p>" for p in m.points for u in p.units) if per
                     else html.escape(" ".join(m.units)))
            points = "<ol>" + "".join(f"<li>{html.escape(p.text)}</li>" for p in m.points) + "</ol>"
            title = html.escape(m.code + m.title)
            if layout == "fullwidth":
                rows.append(f"<tr><td>{title}</td><td>{points}</td><td>{units}</td></tr>")
            else:
                first = f'<td rowspan="{len(it.measures)}">{label}</td>' if k == 0 else ""
                rows.append(f"<tr>{first}<td>{title}</td><td>{points}</td><td>{units}</td></tr>")
    head = (["具體措施", "執行重點", "執行單位"] if layout == "fullwidth"
            else ["執行要項", "具體措施", "執行重點", "執行單位"])
    table = ("<table class='data'><thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>"
             + "".join(rows) + "</tbody></table>")
    return (
        "<!DOCTYPE html><html><head><meta charset='{charset}'><title>提升服務計畫</title>"
        "<script>var menu = '執行要項 執行重點 提升服務計畫';</script><style>td{{border:1px solid}}</style></head>"
        "<body><header><a href='/'>市政府全球資訊網</a></header>"
        "<nav><ul><li>首頁</li><li>提升服務計畫專區</li></ul></nav>"
        "<table class='layout'><tr><td class='side'>相關連結</td><td>"
        f"<main><div class='crumb'>首頁 &gt; 施政計畫</div><h2>{html.escape(plan.agency + plan.title)}</h2>"
        + "".join(f"<p>{html.escape(g)}</p>" for g in ()) + table
        + "<p>伍、管制考核：本計畫由秘書室列管。</p></main></td></tr></table>"
        "<footer>地址：範例路 1 號 電話 1999</footer></body></html>"
    )


def _webtext(plan: Plan) -> str:
    """What selecting the table in a browser and pasting it as plain text gives: a line per cell paragraph."""
    lines = ["首頁 > 施政計畫", plan.agency + plan.title, "執行要項", "具體措施", "執行重點", "執行單位"]
    for it in plan.items:
        label = _item_label(it.code, it.title)
        for k, m in enumerate(it.measures):
            if k == 0 and label:
                lines.append(label)
            if m.code + m.title:
                lines.append(m.code + m.title)
            lines += [f"{p.n}. {p.text}" for p in m.points]
            per = any(p.units for p in m.points)
            lines += [u for p in m.points for u in p.units] if per else [" ".join(m.units)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("layout", ["rowspan", "fullwidth"])
@pytest.mark.parametrize("expected", EXPECTED, ids=lambda p: p.name.split(".")[0])
def test_html_page_parses_to_the_plan(tmp_path, expected, layout):
    plan, d = _expected(expected)
    if layout == "fullwidth" and any(it.code in ("0", "") and m.title and not m.code
                                     for it in plan.items for m in it.measures):
        # An uncoded item row over an uncoded measure in one title column reads as one title:
        # nothing in the page tells them apart, so no reader could.
        pytest.skip("uncoded item and uncoded measure share the title column")
    f = tmp_path / "plan.html"
    f.write_text(_page(plan, layout=layout).format(charset="utf-8"), encoding="utf-8")
    loaded = load_plan(f)
    assert loaded.kind == "html"
    assert_plan_matches(loaded.plan, d, ignore=("content_hash", "file", "title", "goals"))


def test_big5_page_without_html_suffix_is_still_html(tmp_path):
    plan, d = _expected(EXPECTED[0])
    f = tmp_path / "plan.txt"  # the content decides, not the suffix
    f.write_bytes(_page(plan, layout="rowspan").format(charset="big5").encode("cp950"))
    loaded = load_plan(f)
    assert loaded.kind == "html"
    assert_plan_matches(loaded.plan, d, ignore=("content_hash", "file", "title", "goals"))


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda p: p.name.split(".")[0])
def test_text_copied_from_a_web_page_parses_to_the_plan(tmp_path, expected):
    plan, d = _expected(expected)
    f = tmp_path / "copied.txt"
    f.write_text(_webtext(plan), encoding="utf-8")
    loaded = load_plan(f)
    assert loaded.kind == "webtext"
    assert_plan_matches(loaded.plan, d, ignore=("content_hash", "file", "title", "goals"))


def test_html_without_a_plan_table_is_a_clear_error(tmp_path):
    f = tmp_path / "news.html"
    f.write_text("<html><body><nav>提升服務計畫專區</nav><table><tr><td>日期</td><td>標題</td></tr></table>"
                 "</body></html>", encoding="utf-8")
    with pytest.raises(PlanParseError, match=r"news\.html: no 執行重點 table found"):
        load_plan(f)
    f.write_text("<html><body><p>本局新聞稿</p></body></html>", encoding="utf-8")
    with pytest.raises(PlanParseError, match="the page has no table"):
        load_plan(f)


def test_hostile_spans_are_bounded(tmp_path):
    f = tmp_path / "spans.html"
    f.write_text("<table><tr><th>執行要項</th><th>執行重點</th><th>執行單位</th></tr>"
                 "<tr><td rowspan='999999999' colspan='-5'>一、便民</td><td>1. 線上申辦。</td><td>資訊室</td></tr>"
                 "</table>", encoding="utf-8")
    plan = load_plan(f).plan
    assert [p.text for it in plan.items for m in it.measures for p in m.points] == ["線上申辦。"]


def test_cli_ingests_html_and_web_copied_text_with_format_counts(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "a.html").write_text(_page(_expected(EXPECTED[0])[0], layout="rowspan").format(charset="utf-8"),
                                  encoding="utf-8")
    (plans / "b.txt").write_text(_webtext(_expected(EXPECTED[1])[0]), encoding="utf-8")
    (plans / "budget.xlsx").write_bytes(b"PK\x03\x04 not read")
    db = tmp_path / "c.db"
    out = subprocess.run([sys.executable, "-m", "svcsim", "ingest", str(plans), "--db", str(db)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "by format: html 1, webtext 1" in out.stderr
    assert "not read" in out.stderr and "budget.xlsx" in out.stderr
