"""The themes' part of the HTML report: a 2-D theme map, a cluster table, the top innovations.

Plug into the report with ``build_report(dupes, extra_sections=theme_sections(clustering))``.
Every piece of plan text is escaped; the map is an inline ``data:`` PNG so the report stays one file.
"""

from __future__ import annotations

import html
import tempfile
from pathlib import Path

from svcsim.clusters import ClusteringResult, InnovationResult
from svcsim.report.sections import ReportSection, png_data_uri

__all__ = ["theme_sections"]


def _esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def theme_sections(
    clustering: ClusteringResult,
    innovation: InnovationResult,
    *,
    n_innovations: int = 20,
    n_clusters: int = 30,
    random_state: int = 0,
) -> list[ReportSection]:
    """Three report sections: ``clusters-map`` (PNG), ``clusters-table`` and ``innovations``.

    Args:
        clustering: :func:`svcsim.clusters.cluster_corpus` of the points.
        innovation: :func:`svcsim.clusters.score_innovation` of the same points.
        n_innovations: rows in the innovations table.
        n_clusters: rows in the cluster table (largest clusters).
        random_state: seed of the 2-D projection.
    """
    return [
        ReportSection(id="clusters-map", title="主題地圖 (theme map)",
                      html=_map_html(clustering, random_state, png_data_uri)),
        ReportSection(id="clusters-table", title="主題群集 (clusters)", html=_table_html(clustering, n_clusters)),
        ReportSection(id="innovations", title="創新措施 (top innovations)",
                      html=_innovations_html(innovation, n_innovations)),
    ]


def _map_html(result: ClusteringResult, random_state: int, to_uri) -> str:
    import warnings

    from svcsim.report.plot import plot_map

    if not result.entries:
        return "<p>No points to map.</p>"
    sub = result.corpus.vectors
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "map.png"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            plot_map(sub, list(result.labels), path, cluster_labels=result.clusters, random_state=random_state)
        png = path.read_bytes()
    note = ""
    if any("CJK font" in str(w.message) for w in caught):
        note = "<p><small>No CJK font installed: map labels may show as boxes (apt-get install fonts-noto-cjk).</small></p>"
    return (f'<img alt="2-D map of the point clusters" style="max-width:100%" src="{to_uri(png)}">'
            f"<p>{len(result.clusters)} clusters, {len(result.outliers)} outliers"
            f"{' (assigned to the nearest cluster)' if result.outliers_assigned else ''}; "
            f"{_esc(result.method)}, cosine distance threshold {result.threshold:.3f}.</p>{note}")


def _table_html(result: ClusteringResult, limit: int) -> str:
    rows = []
    for obj in result.to_dicts():
        if obj["id"] == -1 or len(rows) >= limit:
            continue
        rows.append(
            f"<tr><td>{obj['id']}</td><td>{_esc('、'.join(obj['keywords']))}</td><td>{obj['size']}</td>"
            f"<td>{_esc('、'.join(obj['agencies']))}</td><td>{_esc(', '.join(map(str, obj['years'])))}</td>"
            f"<td>{_esc(obj['representative'])}</td></tr>")
    if not rows:
        return "<p>No clusters found.</p>"
    return ("<table><thead><tr><th>#</th><th>關鍵詞 keywords</th><th>大小 size</th><th>機關 agencies</th>"
            "<th>年度 years</th><th>代表 representative</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _innovations_html(scores: InnovationResult, limit: int) -> str:
    rows = []
    for rank, s in enumerate(scores.scores[:limit], start=1):
        e = s.entry
        ref = f"{e.item}{e.measure}" + (f" 第{e.n}點" if e.n is not None else "")
        rows.append(
            f"<tr><td>{rank}</td><td>{s.score:.3f}</td><td>{_esc(e.agency)} {_esc(e.year)}<br>"
            f"<small>{_esc(e.file)} · {_esc(ref)}</small></td><td>{_esc(e.text)}</td>"
            f"<td>{'<br>'.join(_esc(r) for r in s.reasons)}</td></tr>")
    if not rows:
        return "<p>No points scored.</p>"
    return ("<table><thead><tr><th>#</th><th>分數 score</th><th>機關 agency</th><th>執行重點 point</th>"
            "<th>理由 reasons</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
