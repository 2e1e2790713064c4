"""Themes among points and the innovation ranking.

>>> themes = cluster_corpus(embedded.of_kind("point"), assign_outliers=True)      # doctest: +SKIP
>>> themes.clusters[0].keywords                                                   # doctest: +SKIP
('滿意度調查', '電話禮貌測試', '神秘客')
>>> score_innovation(embedded.of_kind("point"))[0].reasons                        # doctest: +SKIP

Importing this package is cheap: scikit-learn and faiss load inside the functions that use them.
Tables, plots and report sections of these results live in :mod:`svcsim.report`.
"""

from __future__ import annotations

from svcsim.clusters.cluster import PointClusterer
from svcsim.clusters.innovation import InnovationResult, InnovationScore, score_innovation
from svcsim.clusters.labels import ClusterLabel, label_clusters
from svcsim.clusters.pipeline import ClusteringResult, cluster_corpus

__all__ = [
    "ClusterLabel",
    "ClusteringResult",
    "InnovationResult",
    "InnovationScore",
    "PointClusterer",
    "cluster_corpus",
    "label_clusters",
    "score_innovation",
]
