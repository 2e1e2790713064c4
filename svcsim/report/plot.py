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
from svcsim.embedded import EmbeddedCorpus, distinct_rows, unit_rows

if TYPE_CHECKING:
    from svcsim.clusters.labels import ClusterLabel

__all__ = ["find_cjk_font", "pca", "plot_map"]

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


def pca(x: np.ndarray, n_components: int = 2, *, weights: np.ndarray | None = None) -> np.ndarray:
    """``x``'s rows on their first ``n_components`` principal axes: scikit-learn's
    ``PCA(n_components).fit_transform(x)`` (the covariance solver, its sign rule) in numpy alone,
    and with ``weights`` as if row ``i`` were repeated ``weights[i]`` times.

    The axes are the top eigenvectors of the ``d × d`` covariance, each turned so that its entry of
    largest magnitude is positive (scikit-learn's ``svd_flip(u_based_decision=False)``), so the map
    does not flip between versions. Exact at any size, where scikit-learn's default picks an
    approximate randomized SVD for a few hundred rows (a small corpus' map may come out mirrored
    relative to it). Importing scikit-learn costs the report ~1 s; this takes ~0.1 s at 50k rows × 384.

    >>> pca(np.array([[0., 0.], [1., 2.], [2., 4.]], dtype=np.float32)).round(3).tolist()
    [[-2.236, 0.0], [0.0, 0.0], [2.236, 0.0]]
    """
    x = np.asarray(x, dtype=np.float32)
    w = np.ones(len(x)) if weights is None else np.asarray(weights, dtype=np.float64)
    n, k = float(w.sum()), min(n_components, x.shape[1])
    mean = (w @ x.astype(np.float64)) / n
    # the uncentred Gram matrix in float32 (one BLAS call), centred in float64 afterwards
    gram = ((x.T * w.astype(np.float32)) @ x).astype(np.float64)
    cov = (gram - n * np.outer(mean, mean)) / max(n - 1.0, 1.0)
    _, vecs = np.linalg.eigh(cov)  # ascending eigenvalues
    axes = vecs[:, ::-1][:, :k].T.copy()
    signs = np.sign(axes[np.arange(k), np.argmax(np.abs(axes), axis=1)])
    axes *= np.where(signs == 0, 1.0, signs)[:, None]
    z = (x @ axes.T.astype(np.float32)).astype(np.float64) - mean @ axes.T
    return z if k == n_components else np.c_[z, np.zeros((len(x), n_components - k))]


def _project(rows: np.ndarray, inverse: np.ndarray, method: str, random_state: int) -> np.ndarray:
    n = len(inverse)
    if len(rows) == 1:
        return np.zeros((n, 2))
    if method == "pca":
        # each distinct vector once, weighted by its count: the same axes as from every row (a
        # corpus repeats about half its points: template text, plans filed again each year)
        from threadpoolctl import threadpool_limits

        counts = np.bincount(inverse, minlength=len(rows))
        used = np.flatnonzero(counts)  # a subset's rows may be some of its corpus' only
        # one BLAS thread: a 10⁵ × 384 Gram matrix is ~0.1 s on one, and on a busy two-core
        # machine OpenBLAS' second thread made it and the 384 × 384 eigh 1-2.5 s instead
        with threadpool_limits(limits=1, user_api="blas"):
            return pca(rows[used], 2, weights=counts[used])[np.searchsorted(used, inverse)]
    from sklearn.manifold import TSNE

    x = rows[inverse]
    # t-SNE is quadratic-ish in dimension too: a 50-d PCA first is the standard speed-up
    if x.shape[1] > 50 and n > 50:
        x = pca(x, 50).astype(np.float32)
    perplexity = float(min(30, max(2, (n - 1) // 3)))
    return TSNE(n_components=2, init="pca", perplexity=perplexity, random_state=random_state).fit_transform(x)


def _last_of_each(rows: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """``rows`` (in drawing order) without those whose key comes again later: a marker drawn again
    at the same place in the same colour hides the first one, so only the last is drawn."""
    _, back = np.unique(keys[::-1], return_index=True)
    return rows[np.sort(len(keys) - 1 - back)]


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
        vectors: row vectors (n × dim), or an :class:`~svcsim.embedded.EmbeddedCorpus` (its vectors).
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
    if isinstance(vectors, EmbeddedCorpus):  # checked unit rows, often with each distinct one known
        rows, inverse = vectors.distinct_rows()
    else:
        x = unit_rows(vectors)
        first, inverse = distinct_rows(x)
        rows = x[first]
    lab = np.asarray(labels, dtype=np.int64).reshape(-1)
    if lab.size != len(inverse):
        raise InputError("labels", f"got {lab.size} labels for {len(inverse)} vectors; pass one label per row")
    if len(inverse) == 0:
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
    z = _project(rows, inverse, method, random_state)

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
            grey = _last_of_each(np.flatnonzero(out_mask), inverse[out_mask])
            ax.scatter(z[grey, 0], z[grey, 1], s=6, c="#c8c8c8", label="outliers", linewidths=0)
            ids, rank = np.unique(lab[~out_mask], return_inverse=True)
            cmap = matplotlib.colormaps["tab20"]
            if len(ids):
                # one scatter, clusters in id order (as one call per cluster drew them): at 100k points
                # and thousands of clusters, a call each spent ~30 s in matplotlib's bookkeeping
                rank = rank.reshape(-1)
                by = np.argsort(rank, kind="stable")
                order = np.flatnonzero(~out_mask)[by]
                keep = _last_of_each(np.arange(len(order)), inverse[order] * len(ids) + rank[by])
                colours = np.asarray(cmap(np.arange(20)))[rank[by][keep] % 20]
                ax.scatter(z[order[keep], 0], z[order[keep], 1], s=12, c=colours, linewidths=0)
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
