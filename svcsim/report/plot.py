"""A 2-D map of the clustered points, saved as a PNG (matplotlib, Agg backend).

Clusters are coloured, outliers grey; the largest clusters are annotated with their keywords,
which needs a CJK font: one is picked when installed, otherwise a warning says how to get one.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from svcsim.errors import InputError
from svcsim.embedded import unit_rows

if TYPE_CHECKING:
    from svcsim.clusters.labels import ClusterLabel

__all__ = ["plot_map", "find_cjk_font"]

# Preferred families, best first: Noto covers Traditional Chinese fully; the others are common
# on Debian/Ubuntu (WenQuanYi, AR PL), macOS (PingFang, Heiti) and Windows (Microsoft JhengHei).
CJK_FONT_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK TC", "Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans CJK KR",
    "Noto Serif CJK TC", "Noto Serif CJK JP", "Noto Sans TC", "Source Han Sans TC",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "AR PL UMing TW", "AR PL UKai TW",
    "AR PL UMing CN", "PingFang TC", "Heiti TC", "Microsoft JhengHei",
)

FONT_HINT = "apt-get install fonts-noto-cjk"


def _installed_font_names() -> set[str]:
    from matplotlib import font_manager

    return {f.name for f in font_manager.fontManager.ttflist}


def find_cjk_font() -> str | None:
    """The first installed family of :data:`CJK_FONT_FAMILIES`, or ``None``."""
    names = _installed_font_names()
    for fam in CJK_FONT_FAMILIES:
        if fam in names:
            return fam
    # any other family that announces CJK coverage in its name
    cjk = sorted(n for n in names if "CJK" in n or "Hei" in n or "Ming" in n)
    return cjk[0] if cjk else None


def _project(x: np.ndarray, method: str, random_state: int) -> np.ndarray:
    n = x.shape[0]
    if n == 1:
        return np.zeros((1, 2))
    from sklearn.decomposition import PCA

    # many more rows than dimensions (100k points × 384): the exact PCA from the d × d covariance,
    # 0.5 s where sklearn's default picks a randomized SVD of the n × d matrix (3.8 s)
    solver = "covariance_eigh" if n >= 10 * x.shape[1] else "auto"
    if method == "pca":
        k = min(2, x.shape[1])
        z = PCA(n_components=k, random_state=random_state, svd_solver=solver).fit_transform(x)
        return z if k == 2 else np.c_[z, np.zeros(n)]
    from sklearn.manifold import TSNE

    # t-SNE is quadratic-ish in dimension too: a 50-d PCA first is the standard speed-up
    if x.shape[1] > 50 and n > 50:
        x = PCA(n_components=50, random_state=random_state, svd_solver=solver).fit_transform(x)
    perplexity = float(min(30, max(2, (n - 1) // 3)))
    return TSNE(n_components=2, init="pca", perplexity=perplexity, random_state=random_state).fit_transform(x)


def plot_map(
    vectors: object,
    labels: Sequence[int] | np.ndarray,
    path: str | os.PathLike[str],
    *,
    method: Literal["pca", "tsne"] = "pca",
    random_state: int = 0,
    cluster_labels: Sequence["ClusterLabel"] | None = None,
    n_annotate: int = 12,
    title: str | None = None,
) -> Path:
    """Project ``vectors`` to 2-D and save a scatter plot coloured by cluster to ``path`` (PNG).

    Args:
        vectors: row vectors (n × dim).
        labels: cluster id per row, −1 = outlier (drawn grey).
        path: where to write the PNG; parent folders are created.
        method: ``"pca"`` (fast, stable) or ``"tsne"`` (separates clusters better, slower).
        random_state: seed of the projection.
        cluster_labels: when given, the ``n_annotate`` largest clusters are labelled with their
            first keywords (needs a CJK font; see :func:`find_cjk_font`).
        n_annotate: how many clusters to annotate.
        title: figure title.

    Returns:
        The path written.

    Warns:
        UserWarning: when no CJK font is installed (Chinese would render as boxes), with the hint
        ``apt-get install fonts-noto-cjk``.
    """
    if method not in ("pca", "tsne"):
        raise InputError("method", f"got {method!r}; use 'pca' or 'tsne'")
    x = unit_rows(vectors)
    lab = np.asarray(labels, dtype=np.int64).reshape(-1)
    if lab.size != x.shape[0]:
        raise InputError("labels", f"got {lab.size} labels for {x.shape[0]} vectors; pass one label per row")
    if x.shape[0] == 0:
        raise InputError("vectors", "nothing to plot: 0 rows")
    out = Path(path)
    if out.suffix.lower() != ".png":
        raise InputError(str(out), "plot_map writes PNG; give a path ending in .png")

    # A bare Figure with an Agg canvas: no pyplot, so the caller's backend (e.g. inline figures in
    # a notebook) and pyplot's figure registry are left untouched.
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    font = find_cjk_font()
    if font is None:
        warnings.warn(
            f"no CJK font found for Chinese labels, they will show as boxes; install one, e.g. '{FONT_HINT}'",
            UserWarning,
            stacklevel=2,
        )
    z = _project(x, method, random_state)

    # rc_context: the font choice must not leak into the user's other figures
    rc = {"font.family": [font, "DejaVu Sans"]} if font else {}
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        if font is None:  # already warned once above; one "Glyph … missing" per character is noise
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig = Figure(figsize=(10, 8), dpi=110)
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        try:
            out_mask = lab < 0
            ax.scatter(z[out_mask, 0], z[out_mask, 1], s=6, c="#c8c8c8", label="outliers", linewidths=0)
            ids, rank = np.unique(lab[~out_mask], return_inverse=True)
            cmap = matplotlib.colormaps["tab20"]
            if len(ids):
                # one scatter, clusters in id order (as one call per cluster drew them): at 100k points
                # and thousands of clusters, a call each spent ~30 s in matplotlib's bookkeeping
                rows = np.flatnonzero(~out_mask)
                by = np.argsort(rank.reshape(-1), kind="stable")
                colours = np.asarray(cmap(np.arange(20)))[rank.reshape(-1)[by] % 20]
                ax.scatter(z[rows[by], 0], z[rows[by], 1], s=12, c=colours, linewidths=0)
            if cluster_labels:
                for cl in sorted(cluster_labels, key=lambda c: (-c.size, c.id))[:n_annotate]:
                    m = lab == cl.id
                    if not m.any():
                        continue
                    cx, cy = z[m].mean(axis=0)
                    ax.annotate(f"{cl.id}: {'、'.join(cl.keywords[:3])}", (cx, cy), fontsize=9,
                                ha="center", bbox=dict(boxstyle="round,pad=0.2", fc="white", alpha=0.75, lw=0))
            if title is None:
                from svcsim.i18n import t

                title = t("report.themes.map_default_title", clusters=len(ids), outliers=int(out_mask.sum()), method=method)
            ax.set_title(title)
            ax.set_xticks([])
            ax.set_yticks([])
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = out.with_name(out.name + ".tmp")
            fig.savefig(tmp, format="png", bbox_inches="tight")
            os.replace(tmp, out)  # a crash never leaves half a PNG under the final name
        finally:
            fig.clear()
    return out
