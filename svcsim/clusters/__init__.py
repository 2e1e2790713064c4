"""Clusters of similar points across agencies, with keywords and a representative sentence.

>>> from svcsim.clusters import cluster_corpus, score_innovation          # doctest: +SKIP
>>> cluster_corpus(entries, vectors, assign_outliers=True).clusters[0].keywords
('滿意度調查', '電話禮貌測試', '神秘客')
>>> score_innovation(entries, vectors)[0].reasons
('no close counterpart in other agencies (max cos 0.89, typical 0.89)', 'specific: AED, 高密度, 教育訓練')

Importing this package is cheap: scikit-learn, faiss, pandas and matplotlib load inside the
functions that use them.
"""

from __future__ import annotations

from svcsim.clusters.cluster import PointClusterer
from svcsim.clusters.innovation import InnovationScore, Weights, innovations_frame, score_innovation
from svcsim.clusters.labels import ClusterLabel, label_clusters
from svcsim.clusters.pipeline import ClusteringResult, cluster_corpus, cluster_members_frame, clusters_frame

__all__ = [
    "ClusteringResult",
    "InnovationScore",
    "Weights",
    "cluster_corpus",
    "cluster_members_frame",
    "clusters_frame",
    "innovations_frame",
    "score_innovation",
    "report_sections",
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
    if name == "report_sections":
        from svcsim.clusters import sections

        return sections.report_sections
    if name in ("plot_map", "find_cjk_font"):
        from svcsim.clusters import plot

        return getattr(plot, name)
    raise AttributeError(f"module 'svcsim.clusters' has no attribute {name!r}")
