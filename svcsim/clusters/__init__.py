"""Clusters of similar points across agencies, with keywords and a representative sentence.

>>> from svcsim.clusters import PointClusterer, label_clusters          # doctest: +SKIP
>>> model = PointClusterer().fit(vectors, keys=[e.text for e in entries])
>>> label_clusters(entries, model.labels_, vectors)[0].keywords
('滿意度調查', '電話禮貌測試', '神秘客')

Importing this package is cheap: scikit-learn, faiss, pandas and matplotlib load inside the
functions that use them.
"""

from __future__ import annotations

from svcsim.clusters.cluster import PointClusterer
from svcsim.clusters.labels import ClusterLabel, label_clusters

__all__ = [
    "PointClusterer",
    "ClusterLabel",
    "label_clusters",
    "cluster_sizes_by_agency",
    "cluster_sizes_by_year",
    "cluster_spans",
    "plot_map",
    "find_cjk_font",
]


def __getattr__(name: str):  # frames/plot are only needed for reports; keep them out of import
    if name in ("cluster_sizes_by_agency", "cluster_sizes_by_year", "cluster_spans"):
        from svcsim.clusters import frames

        return getattr(frames, name)
    if name in ("plot_map", "find_cjk_font"):
        from svcsim.clusters import plot

        return getattr(plot, name)
    raise AttributeError(f"module 'svcsim.clusters' has no attribute {name!r}")
