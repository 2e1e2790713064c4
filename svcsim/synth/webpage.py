"""An agency web page holding a plan: the plan table pasted into a CMS article."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

from svcsim.model import Plan
from svcsim.synth.layout import LAYOUTS, Para, atomic_target, checked_plan, table_rows, text_after, text_before

_HTML_POINT_STYLES = ("p", "br", "ol")


def render_html_page(plan: Plan, path: str | os.PathLike[str], *, cms: bool = True) -> Path:
    """Write ``plan`` as an agency web page: the plan table pasted into a CMS article.

    With ``cms`` the page has a site banner, ``<nav>`` menus, breadcrumbs, scripts and a footer
    around the ``<main>`` article; without it, only the article. Item cells use ``rowspan`` over
    their measure rows; points cells vary by measure between ``<p>1. …</p>``, ``1. …<br>2. …``
    and ``<ol><li>…</li></ol>`` (numbers shown by the browser, not typed).
    The content is :func:`reader_blocks` for ``LAYOUTS["plain4"]``.
    """
    layout = LAYOUTS["plain4"]
    plan = checked_plan(plan, layout)
    e = html.escape
    rows = table_rows(plan, layout)
    out: list[str] = []
    for r, row in enumerate(rows[1:]):
        cells = []
        for c, cell in enumerate(row):
            if cell.merge == "continue":
                continue
            attr = ""
            if cell.merge == "restart":
                span = 1 + next((k for k, nxt in enumerate(rows[r + 2 :]) if nxt[0].merge != "continue"),
                                len(rows) - r - 2)
                attr = f' rowspan="{span}" style="vertical-align:middle"'
            texts = [p.shown() for p in cell.paras]
            if c == 2 and len(texts) > 1:
                body = _html_points(cell.paras, _HTML_POINT_STYLES[r % 3])
            elif c == 3 and len(texts) > 1:
                body = "<br>".join(e(t) for t in texts)
            else:
                body = "".join(f"<p>{e(t)}</p>" for t in texts) if r % 2 else "<br>".join(e(t) for t in texts)
            cells.append(f"<td{attr}>{body}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    head = "".join(f'<th scope="col">{e(w)}</th>' for w in layout.header_words())
    before = "".join(f"<h3>{e(t)}</h3>" if s == "heading" else f"<p>{e(t)}</p>" for s, t in text_before(plan))
    after = "".join(f"<h3>{e(t)}</h3>" if s == "heading" else f"<p>{e(t)}</p>" for s, t in text_after())
    title = e(f"{plan.agency}{plan.title}")
    article = (
        f'<main id="content"><article><h2 class="title">{title}</h2>{before}'
        f'<table class="plan" border="1" cellpadding="4" style="width:100%;border-collapse:collapse">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(out)}</tbody></table>{after}</article></main>"
    )
    if cms:
        agency = e(plan.agency)
        page = (
            f'<!DOCTYPE html><html lang="zh-Hant"><head><meta charset="utf-8"><title>{title}-{agency}</title>'
            '<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}</script>'
            "<style>table.plan td{vertical-align:top}</style></head><body>"
            f'<header class="site"><a href="/">{agency}全球資訊網</a><form role="search"><input name="q"></form></header>'
            '<nav class="menu"><ul><li><a href="/news">最新消息</a></li><li><a href="/service">為民服務</a></li>'
            '<li><a href="/plan">提升服務計畫專區</a></li><li><a href="/open">政府資訊公開</a></li></ul></nav>'
            f'<nav class="breadcrumb">首頁 &gt; 政府資訊公開 &gt; {title}</nav>{article}'
            f'<footer>{agency} 版權所有 © 地址：服務專線 1999 更新日期：{plan.year or ""}-01-15</footer>'
            '<script src="/js/site.js"></script></body></html>'
        )
    else:
        page = (f'<!DOCTYPE html><html lang="zh-Hant"><head><meta charset="utf-8"><title>{title}</title></head>'
                f"<body>{article}</body></html>")
    path = Path(path)
    with atomic_target(path) as tmp:
        tmp.write_text(page, encoding="utf-8", newline="\n")
    return path


def _html_points(paras: tuple[Para, ...], style: str) -> str:
    e = html.escape
    if style == "ol" and all(p.text for p in paras):
        numbers = [int(m.group(1)) if (m := re.match(r"(\d+)\. ", p.shown())) else 0 for p in paras]
        first = numbers[0]
        if first and numbers == list(range(first, first + len(numbers))):
            items = "".join(f"<li>{e(p.shown().split('. ', 1)[1])}</li>" for p in paras)
            return f'<ol start="{first}">{items}</ol>' if first != 1 else f"<ol>{items}</ol>"
    if style == "br":
        return "<br>".join(e(p.shown()) for p in paras)
    return "".join(f"<p>{e(p.shown())}</p>" for p in paras)
