"""The pieces of the HTML report. Every piece of plan text goes through :func:`html.escape`.

A :class:`ReportSection` is a title plus an HTML body; other analyses add their own (a 2-D map
as a ``data:`` PNG, a cluster table) through ``build_report(..., extra_sections=...)``.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from svcsim.dupes import DupePair, DupesResult, ReuseCluster
from svcsim.i18n import t, year
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
    ref = f"{e.item}{e.measure} " + (t("report.point", n=e.n) if e.n is not None else t("report.measure_title"))
    return f"{esc(e.agency)} {esc(year(e.year))}<br><small>{esc(e.file)} · {esc(ref)}</small>"


STATUS_COLOURS = {"own": "#2a7", "template": "#bbb", "copied": "#c33", "reused": "#e6a23c"}
"""One colour per point status, shared by the report's bars and legend (the web page uses the same)."""


def _breakdown(r) -> str:
    """A stacked bar of a plan's points by status, with the counts in its tooltip."""
    n = max(r.n_points, 1)
    parts = [("own", r.n_own), ("template", r.n_template), ("copied", r.n_copied), ("reused", r.n_reused)]
    segs = "".join(f"<span style='width:{c / n * 100:.1f}%;background:{STATUS_COLOURS[k]}'></span>"
                   for k, c in parts if c)
    tip = "；".join(f"{t('status.' + k)} {c}" for k, c in parts)
    return f"<span class='stack' title='{esc(tip)}'>{segs}</span>"


def _legend() -> str:
    items = "".join(f"<li><span class='sw' style='background:{STATUS_COLOURS[k]}'></span><b>{esc(t('status.' + k))}</b>："
                    f"{esc(t('def.' + k))}</li>" for k in ("own", "template", "copied", "reused"))
    return f"<ul class='legend'>{items}</ul>"


def overview_section(result: DupesResult) -> ReportSection:
    """Plans with what their points are (own, template, copied, reused), least original first."""
    rows = sorted(result.originality, key=lambda r: (r.originality, r.file))
    cols = ("agency", "year", "file", "points", "breakdown", "originality")
    body = [f"<p class='def'>{esc(t('def.originality'))}</p>", _legend(),
            "<table class='data'><thead><tr>" + "".join(f"<th>{esc(t('report.col.' + c))}</th>" for c in cols)
            + "</tr></thead><tbody>"]
    for r in rows:
        body.append(
            f"<tr><td>{esc(r.agency)}</td><td>{esc(year(r.year))}</td><td>{esc(r.file)}</td>"
            f"<td class='n'>{r.n_points}</td><td>{_breakdown(r)}</td><td class='n'>{r.originality:.0%}</td></tr>"
        )
    body.append("</tbody></table>")
    if result.self_reuse:
        cols = ("agency", "year", "previous", "reused", "share")
        body.append(f"<h3>{esc(t('report.self_reuse'))}</h3><table class='data'><thead><tr>"
                    + "".join(f"<th>{esc(t('report.col.' + c))}</th>" for c in cols) + "</tr></thead><tbody>")
        for s in result.self_reuse:
            body.append(f"<tr><td>{esc(s.agency)}</td><td>{esc(year(s.year))}</td><td>{esc(s.previous_file)}</td>"
                        f"<td class='n'>{s.n_reused}/{s.n_points}</td><td class='n'>{s.share:.0%}</td></tr>")
        body.append("</tbody></table>")
    body.append(f"<p class='note'>{esc(t('def.counts'))}</p>")
    return ReportSection(id="overview", title=t("report.overview"), html="".join(body))


def _heat(share: float) -> str:
    alpha = min(1.0, share * 2.5)  # 40 % shared is already saturated red: such overlap is rare
    return f"rgba(200,30,30,{alpha:.2f})"


def overlap_section(result: DupesResult) -> ReportSection:
    """Agency × agency shares as a coloured table (crisp at any size, readable by screen readers)."""
    ov = result.overlap
    shares = ov.shares
    if not ov.agencies or not ov.counts.any():
        return ReportSection(id="overlap", title=t("report.overlap"), html=f"<p>{esc(t('report.overlap.none'))}</p>")
    names = [esc(a) for a in ov.agencies]
    head = "".join(f"<th class='rot'><div>{a}</div></th>" for a in names)
    legend = "".join(f"<span class='key' style='background:{_heat(v)}'>{v:.0%}</span>" for v in (0.05, 0.1, 0.2, 0.4))
    body = [(f"<p class='def'>{esc(t('def.overlap'))}</p><p>{esc(t('report.overlap.legend'))} {legend}</p>"
             f"<div class='scroll'><table class='heat'><thead><tr><th></th>{head}</tr></thead><tbody>")]
    for i, name in enumerate(names):
        # ~400 agencies make 1.6·10⁵ cells, nearly all empty: a run of empty cells differs only in
        # the column's name, so it is one join (the same HTML as the cell-by-cell formula below)
        pre = f"<td style='background:{_heat(0.0)}' title='{name} → "
        post = f": 0/{int(ov.n_points[i])} (0%)'></td>"
        cells, start = [], 0
        for j in [*np.flatnonzero(ov.counts[i]).tolist(), len(names)]:
            if j > start:
                cells.append(pre + (post + pre).join(names[start:j]) + post)
            if j < len(names):
                s, c = float(shares[i, j]), int(ov.counts[i, j])
                title = f"{ov.agencies[i]} → {ov.agencies[j]}: {c}/{int(ov.n_points[i])} ({s:.0%})"
                cells.append(f"<td style='background:{_heat(s)}' title='{esc(title)}'>{s:.0%}</td>")
            start = j + 1
        body.append(f"<tr><th>{name}</th>{''.join(cells)}</tr>")
    body.append("</tbody></table></div>")
    return ReportSection(id="overlap", title=t("report.overlap"), html="".join(body))


def pair_rows(pairs: Sequence[DupePair]) -> str:
    rows = []
    for p in pairs:
        a_html = highlight(p.a.text, [(s[0], s[1]) for s in p.spans])
        b_html = highlight(p.b.text, [(s[2], s[3]) for s in p.spans])
        scores = t("report.pair.scores", lexical=f"{p.lexical:.0%}", semantic=f"{p.semantic:.2f}")
        rows.append(
            f"<tr class='pair {p.label}'><td class='meta'><span class='tag {p.label}'>{esc(t('label.' + p.label))}</span>"
            f"<br><small>{esc(scores)}</small></td>"
            f"<td class='src'>{where(p.a)}<div class='text'>{a_html}</div></td>"
            f"<td class='dst'>{where(p.b)}<div class='text'>{b_html}</div></td></tr>"
        )
    return "".join(rows)


def pairs_section(result: DupesResult, *, max_pairs: int = 2000) -> ReportSection:
    """Reuse pairs side by side, copied characters in ``<mark>``; template text set apart, as groups.

    The non-template pairs are read from the stream up to ``max_pairs``; how many there are, and
    how many are template text, is counted without producing them (at 100k points the template
    text alone is ~6·10⁷ pairs, which reading to count took the report minutes).
    """
    from itertools import islice

    from svcsim.dupes.listing import template_count, without_template

    stream, _ = without_template(result.pairs)
    own: list[DupePair] = list(islice(stream, max_pairs))
    n_template = template_count(result.pairs)
    n_own = len(result.pairs) - n_template
    head = ("<table class='pairs'><thead><tr>" + "".join(
        f"<th>{esc(t('report.col.' + c))}</th>" for c in ("class", "earlier", "later")) + "</tr></thead><tbody>")
    body = [f"<p>{t('report.pairs.intro')}</p>", f"<h3 id='reuse'>{esc(t('report.pairs.reuse', n=n_own))}</h3>"]
    body.append(head + pair_rows(own) + "</tbody></table>" if own else f"<p>{esc(t('report.pairs.none'))}</p>")
    if n_own > max_pairs:
        body.append(f"<p class='note'>{t('report.pairs.more', n=max_pairs)}</p>")
    groups = [c for c in result.clusters if c.template]
    body.append(f"<details class='template'><summary>"
                f"{esc(t('report.pairs.template', groups=len(groups), pairs=n_template))}</summary>")
    body.append(template_table(groups[:max_pairs]) if groups else f"<p>{esc(t('report.pairs.none'))}</p>")
    body.append("</details>")
    return ReportSection(id="pairs", title=t("report.pairs"), html="".join(body))


def template_table(groups: Sequence[ReuseCluster]) -> str:
    """One row per template group: its typical wording, how many entries, agencies and plans carry it."""
    rows = []
    for c in groups:
        rows.append(f"<tr><td class='text'>{esc(c.canonical.text)}</td><td class='n'>{len(c.members)}</td>"
                    f"<td class='n'>{len(c.agencies)}</td><td class='n'>{c.n_plans}</td>"
                    f"<td>{where(c.source)}</td></tr>")
    cols = ("template_text", "entries", "n_agencies", "n_plans", "first_seen")
    return ("<table class='data'><thead><tr>" + "".join(f"<th>{esc(t('report.col.' + c))}</th>" for c in cols)
            + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
