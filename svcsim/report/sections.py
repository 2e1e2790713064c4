"""The pieces of the HTML report. Every piece of plan text goes through :func:`html.escape`.

A :class:`ReportSection` is a title plus an HTML body; other analyses add their own (a 2-D map
as a ``data:`` PNG, a cluster table) through ``build_report(..., extra_sections=...)``.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass

from svcsim.dupes import DupePair, DupesResult, ReuseCluster
from svcsim.model import Entry


@dataclass(frozen=True)
class ReportSection:
    """One section of the report.

    Attributes:
        id: anchor id (ASCII, unique in the report), used by the table of contents.
        title: heading shown to the reader.
        html: the body, already safe HTML: escape any plan text with :func:`html.escape`.
    """

    id: str
    title: str
    html: str


def png_data_uri(png: bytes) -> str:
    """A ``data:`` URI for an image, so the report stays one self-contained file.

    >>> png_data_uri(b"\\x89PNG")
    'data:image/png;base64,iVBORw=='
    """
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def highlight(text: str, ranges: Sequence[tuple[int, int]]) -> str:
    """``text`` escaped, with each ``[start, end)`` range wrapped in ``<mark>``.

    >>> highlight("本局設置<單一窗口>", [(2, 10)])
    '本局<mark>設置&lt;單一窗口&gt;</mark>'
    """
    out, pos = [], 0
    for start, end in sorted(ranges):
        start = max(start, pos)
        if end <= start:
            continue
        out.append(esc(text[pos:start]))
        out.append(f"<mark>{esc(text[start:end])}</mark>")
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


def where(e: Entry) -> str:
    ref = f"{e.item}{e.measure}" + (f" 第{e.n}點" if e.n is not None else " 措施名稱")
    return f"{esc(e.agency)} {esc(e.year)}<br><small>{esc(e.file)} · {esc(ref)}</small>"


def overview_section(result: DupesResult) -> ReportSection:
    """Plans with their originality, least original first."""
    rows = sorted(result.originality, key=lambda r: (r.originality, r.file))
    body = ["<table class='data'><thead><tr><th>機關</th><th>年度</th><th>檔案</th><th>執行重點</th>"
            "<th>抄自他機關</th><th>範本</th><th>原創比例</th></tr></thead><tbody>"]
    for r in rows:
        pct = f"{r.originality:.0%}"
        body.append(
            f"<tr><td>{esc(r.agency)}</td><td>{esc(r.year)}</td><td>{esc(r.file)}</td><td class='n'>{r.n_points}</td>"
            f"<td class='n'>{r.n_copied}</td><td class='n'>{r.n_template}</td>"
            f"<td class='n'><span class='bar' style='--w:{r.originality * 100:.0f}%'></span>{pct}</td></tr>"
        )
    body.append("</tbody></table>")
    if result.self_reuse:
        body.append("<h3>同機關沿用前一年度</h3><table class='data'><thead><tr><th>機關</th><th>年度</th>"
                    "<th>前一計畫</th><th>沿用點數</th><th>比例</th></tr></thead><tbody>")
        for s in result.self_reuse:
            body.append(f"<tr><td>{esc(s.agency)}</td><td>{esc(s.year)}</td><td>{esc(s.previous_file)}</td>"
                        f"<td class='n'>{s.n_reused}/{s.n_points}</td><td class='n'>{s.share:.0%}</td></tr>")
        body.append("</tbody></table>")
    return ReportSection(id="overview", title="計畫原創性總覽", html="".join(body))


def overlap_section(result: DupesResult) -> ReportSection:
    """Agency × agency heatmap as a coloured table (crisp at any size, readable by screen readers)."""
    ov = result.overlap
    shares = ov.shares
    if not ov.agencies or not ov.counts.any():
        return ReportSection(id="overlap", title="機關間重疊", html="<p>沒有跨機關抄用的執行重點。</p>")
    head = "".join(f"<th class='rot'><div>{esc(a)}</div></th>" for a in ov.agencies)
    body = [f"<p>列：該機關的執行重點有多少比例也出現在欄機關的計畫中（不含範本文字）。</p>"
            f"<div class='scroll'><table class='heat'><thead><tr><th></th>{head}</tr></thead><tbody>"]
    for i, a in enumerate(ov.agencies):
        cells = []
        for j, _ in enumerate(ov.agencies):
            s, c = float(shares[i, j]), int(ov.counts[i, j])
            alpha = min(1.0, s * 2.5)  # 40 % shared is already saturated red: such overlap is rare
            title = f"{ov.agencies[i]} → {ov.agencies[j]}: {c} 點 ({s:.0%})"
            cells.append(f"<td style='background:rgba(200,30,30,{alpha:.2f})' title='{esc(title)}'>"
                         f"{c if c else ''}</td>")
        body.append(f"<tr><th>{esc(a)}</th>{''.join(cells)}</tr>")
    body.append("</tbody></table></div>")
    return ReportSection(id="overlap", title="機關間重疊（熱圖）", html="".join(body))


_LABEL_ZH = {"copy": "完全相同", "near_copy": "小幅修改", "paraphrase": "改寫", "related": "相關"}


def pair_rows(pairs: Sequence[DupePair]) -> str:
    rows = []
    for p in pairs:
        a_html = highlight(p.a.text, [(s[0], s[1]) for s in p.spans])
        b_html = highlight(p.b.text, [(s[2], s[3]) for s in p.spans])
        rows.append(
            f"<tr class='pair {p.label}'><td class='meta'><span class='tag {p.label}'>{_LABEL_ZH[p.label]}</span>"
            f"<br><small>字面 {p.lexical:.0%} · 語意 {p.semantic:.2f}</small></td>"
            f"<td class='src'>{where(p.a)}<div class='text'>{a_html}</div></td>"
            f"<td class='dst'>{where(p.b)}<div class='text'>{b_html}</div></td></tr>"
        )
    return "".join(rows)


def pairs_section(result: DupesResult, *, max_pairs: int = 2000) -> ReportSection:
    """Reuse pairs side by side, copied characters in ``<mark>``; template text set apart, as groups.

    Pairs are read from the stream with at most ``max_pairs`` kept per table, so a template
    sentence carried by every plan (N² pairs) costs a count, not a page of copies of itself.
    """
    own: list[DupePair] = []
    n_own = n_template = 0
    for p in result.pairs:
        if p.template:
            n_template += 1
        else:
            n_own += 1
            if len(own) < max_pairs:
                own.append(p)
    head = ("<table class='pairs'><thead><tr><th>類別</th><th>較早（可能來源）</th><th>較晚</th></tr></thead><tbody>")
    body = ["<p>左欄為較早的計畫。<mark>標示</mark>處為逐字相同（忽略空白、標點與全半形）的片段。</p>"]
    body.append(f"<h3 id='reuse'>抄用與改寫（{n_own} 組）</h3>")
    body.append(head + pair_rows(own) + "</tbody></table>" if own else "<p>沒有。</p>")
    if n_own > max_pairs:
        body.append(f"<p class='note'>只列出最相近的 {max_pairs} 組；完整清單請用 <code>svcsim dupes --json</code>。</p>")
    groups = [c for c in result.clusters if c.template]
    body.append(f"<details class='template'><summary>範本文字（{len(groups)} 群、{n_template} 組配對，"
                f"來自市府範本或多數機關共用，不計為抄用）</summary>")
    body.append(template_table(groups[:max_pairs]) if groups else "<p>沒有。</p>")
    body.append("</details>")
    return ReportSection(id="pairs", title="重複與抄用的執行重點", html="".join(body))


def template_table(groups: Sequence[ReuseCluster]) -> str:
    """One row per template group: its typical wording, how many entries, agencies and plans carry it."""
    rows = []
    for c in groups:
        rows.append(f"<tr><td class='text'>{esc(c.canonical.text)}</td><td class='n'>{len(c.members)}</td>"
                    f"<td class='n'>{len(c.agencies)}</td><td class='n'>{c.n_plans}</td>"
                    f"<td>{where(c.source)}</td></tr>")
    return ("<table class='data'><thead><tr><th>範本文字</th><th>則數</th><th>機關數</th><th>計畫數</th>"
            "<th>最早出現</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
