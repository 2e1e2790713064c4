"""The themes' part of the HTML report: a 2-D theme map, a cluster table, the top innovations.

Plug into the report with ``build_report(dupes, extra_sections=theme_sections(clustering))``.
Every piece of plan text is escaped; the map is an inline ``data:`` PNG so the report stays one file.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from svcsim.clusters import ClusteringResult, InnovationResult
from svcsim.i18n import t, year
from svcsim.report.sections import ReportSection, esc, png_data_uri, where

__all__ = ["theme_sections"]


def theme_sections(
    clustering: ClusteringResult,
    innovation: InnovationResult,
    *,
    n_innovations: int = 20,
    n_clusters: int = 30,
    random_state: int = 0,
    keep_map: "Callable[[str, Callable[[], tuple[bytes, bool]]], bytes] | None" = None,
) -> list[ReportSection]:
    """Three report sections: ``clusters-map`` (PNG), ``clusters-table`` and ``innovations``.

    Args:
        clustering: :func:`svcsim.clusters.cluster_corpus` of the points.
        innovation: :func:`svcsim.clusters.score_innovation` of the same points.
        n_innovations: rows in the innovations table.
        n_clusters: rows in the cluster table (largest clusters).
        random_state: seed of the 2-D projection.
        keep_map: where the drawn map is kept: ``keep_map(key, draw)`` returns the PNG kept under
            ``key`` or calls ``draw()`` → ``(png, keep)`` (e.g. ``svcsim.analysis.artefacts.kept_bytes``);
            ``key`` names everything the picture depends on. By default the map is drawn.
    """
    return [
        ReportSection(id="clusters-map", title=t("report.themes.map"),
                      html=_map_html(clustering, random_state, png_data_uri, keep_map)),
        ReportSection(id="clusters-table", title=t("report.themes.table"), html=_table_html(clustering, n_clusters)),
        ReportSection(id="innovations", title=t("report.innovations"),
                      html=_innovations_html(innovation, n_innovations)),
    ]


def _head(*cols: str) -> str:
    return "<thead><tr>" + "".join(f"<th>{esc(t('report.col.' + c))}</th>" for c in cols) + "</tr></thead>"


def _map_html(result: ClusteringResult, random_state: int, to_uri, keep=None) -> str:
    if not result.entries:
        return f"<p>{esc(t('report.themes.no_points'))}</p>"
    counts = dict(clusters=len(result.clusters), outliers=len(result.outliers),
                  assigned=t("report.themes.assigned") if result.outliers_assigned and result.outliers else "")
    title = t("report.themes.map_title", **counts)
    no_font = []

    def draw() -> tuple[bytes, bool]:
        png, font = _draw_map(result, random_state, title)
        no_font.append(not font)
        return png, font  # a map of boxes for Chinese is drawn again, e.g. once a CJK font is installed

    key = _map_key(result, random_state, title)
    png = keep(key, draw) if keep is not None and key is not None else draw()[0]
    note = f"<p><small>{esc(t('report.themes.no_font'))}</small></p>" if any(no_font) else ""
    caption = t("report.themes.map_caption", **counts, method=result.method, threshold=f"{result.threshold:.3f}")
    return (f'<img alt="{esc(t("report.themes.map_alt"))}" style="max-width:100%" src="{to_uri(png)}">'
            f"<p>{esc(caption)}</p>{note}")


def _draw_map(result: ClusteringResult, random_state: int, title: str) -> tuple[bytes, bool]:
    """The map's PNG and whether a CJK font drew its labels."""
    import warnings

    from svcsim.report.plot import plot_map

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "map.png"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            plot_map(result.corpus, list(result.labels), path, cluster_labels=result.clusters,
                     random_state=random_state, title=title)
        return path.read_bytes(), not any("CJK font" in str(w.message) for w in caught)


def _map_key(result: ClusteringResult, random_state: int, title: str) -> str | None:
    """sha256 of what the map's pixels depend on: the points (entry ids, the model that gave their
    vectors), the labels, the annotated clusters, the title and seed, and the drawing code and
    matplotlib; ``None`` for vectors without a model fingerprint (nothing names them)."""
    import hashlib
    import importlib.metadata
    import json

    import numpy as np

    if not result.corpus.fingerprint:
        return None
    h = hashlib.sha256()
    h.update(np.fromiter((e.id for e in result.entries), dtype=np.int64, count=len(result.entries)).tobytes())
    h.update(np.asarray(result.labels, dtype=np.int64).tobytes())
    h.update(json.dumps([result.corpus.fingerprint, title, random_state,
                         [(c.id, c.size, list(c.keywords)) for c in result.clusters],
                         importlib.metadata.version("matplotlib")], ensure_ascii=False).encode())
    h.update((Path(__file__).parent / "plot.py").read_bytes())
    return h.hexdigest()


def _table_html(result: ClusteringResult, limit: int) -> str:
    # members grouped in one pass: ClusteringResult.members scans every point per cluster, which at
    # 100k points and thousands of clusters is 10⁸ steps for a table of `limit` rows
    by_label: dict[int, list] = {}
    for e, c in zip(result.entries, result.labels):
        by_label.setdefault(c, []).append(e)
    rows = []
    for cl in result.clusters[:limit]:
        members = by_label.get(cl.id, [])
        agencies = sorted({e.agency for e in members})
        years = sorted({e.year for e in members if e.year is not None})
        rows.append(
            f"<tr><td>{cl.id}</td><td>{esc('、'.join(cl.keywords))}</td><td class='n'>{cl.size}</td>"
            f"<td>{esc('、'.join(agencies))}</td><td>{esc('、'.join(year(y) for y in years))}</td>"
            f"<td>{esc(cl.representative)}</td></tr>")
    if not rows:
        return f"<p>{esc(t('report.themes.none'))}</p>"
    return ("<table class='data'>" + _head("id", "keywords", "size", "agencies", "years", "representative")
            + "<tbody>" + "".join(rows) + "</tbody></table>")


def _innovations_html(scores: InnovationResult, limit: int) -> str:
    rows = []
    for rank, s in enumerate(scores[:limit], start=1):  # a stored result builds only these rows
        rows.append(
            f"<tr><td class='n'>{rank}</td><td class='n'>{s.score:.3f}</td><td>{where(s.entry)}</td>"
            f"<td>{esc(s.entry.text)}</td><td>{'<br>'.join(esc(r) for r in s.reasons)}</td></tr>")
    if not rows:
        return f"<p>{esc(t('report.innovations.none'))}</p>"
    return ("<table class='data'>" + _head("rank", "score", "agency", "point", "reasons")
            + "<tbody>" + "".join(rows) + "</tbody></table>")
