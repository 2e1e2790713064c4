"""One call from a corpus to labelled themes: :func:`cluster_corpus`, and its DataFrames.

>>> from svcsim.embed import HashEncoder                                   # doctest: +SKIP
>>> r = cluster_corpus(entries, HashEncoder().encode([e.text for e in entries]), assign_outliers=True)
>>> r.clusters[0].keywords, len(r.outliers)
(('滿意度調查', '意見回饋', '洽公'), 3)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from svcsim.clusters.cluster import Method, PointClusterer
from svcsim.clusters.innovation import InnovationScore, score_innovation
from svcsim.clusters.labels import ClusterLabel, label_clusters
from svcsim.errors import InputError
from svcsim.model import Entry
from svcsim.embed.base import check_entries_vectors

if TYPE_CHECKING:
    import pandas as pd

    from svcsim.dupes import DupesResult

__all__ = ["ClusteringResult", "cluster_corpus", "clusters_frame", "cluster_members_frame"]


@dataclass(frozen=True)
class ClusteringResult:
    """Themes found among points.

    Attributes:
        entries: the clustered entries (all, or the innovative share), in input order.
        labels: cluster id per entry of ``entries`` (−1 = outlier; none when outliers were assigned).
        clusters: one :class:`ClusterLabel` per cluster, by id (largest cluster first).
        outliers: entries in no cluster before any assignment, in input order.
        outliers_assigned: whether ``outliers`` were given their nearest cluster in ``labels``.
        method: the clustering method.
        threshold: the cosine distance threshold used (agglomerative; resolved from ``"auto"``).
        scores: the innovation scores used to select entries, best first (``()`` when all were clustered).
    """

    entries: tuple[Entry, ...]
    labels: tuple[int, ...]
    clusters: tuple[ClusterLabel, ...]
    outliers: tuple[Entry, ...]
    outliers_assigned: bool
    method: Method
    threshold: float
    scores: tuple[InnovationScore, ...] = ()

    def members(self, cluster_id: int) -> tuple[Entry, ...]:
        """Entries labelled ``cluster_id`` (−1: the unassigned outliers), in input order."""
        return tuple(e for e, c in zip(self.entries, self.labels) if c == cluster_id)

    def to_dicts(self) -> list[dict[str, Any]]:
        """The JSON shape of ``svcsim clusters --json``: one object per cluster, outliers last with id −1.

        Each object: ``id, size, keywords, representative, agencies, years, members`` (each member
        ``text, agency, year, file, item, measure, n``). The outlier object is present only when
        there are unassigned outliers; with assignment, members carry ``"was_outlier": true``.
        """
        was_out = {e.id for e in self.outliers}
        out = []
        for cl in self.clusters:
            members = self.members(cl.id)
            out.append({
                "id": cl.id, "size": cl.size, "keywords": list(cl.keywords),
                "representative": cl.representative,
                "agencies": sorted({e.agency for e in members}),
                "years": sorted({e.year for e in members if e.year is not None}),
                "members": [_member(e, e.id in was_out and self.outliers_assigned) for e in members],
            })
        rest = self.members(-1)
        if rest:
            out.append({"id": -1, "size": len(rest), "keywords": [], "representative": "",
                        "agencies": sorted({e.agency for e in rest}),
                        "years": sorted({e.year for e in rest if e.year is not None}),
                        "members": [_member(e, False) for e in rest]})
        return out


def _member(e: Entry, was_outlier: bool) -> dict[str, Any]:
    d = {"text": e.text, "agency": e.agency, "year": e.year, "file": e.file, "item": e.item,
         "measure": e.measure, "n": e.n}
    if was_outlier:
        d["was_outlier"] = True
    return d


def cluster_corpus(
    entries: Sequence[Entry],
    vectors: object,
    *,
    method: Method = "agglomerative",
    innovative_only: float | None = None,
    assign_outliers: bool = False,
    distance_threshold: float | str = "auto",
    min_cluster_size: int = 2,
    n_keywords: int = 5,
    scores: Sequence[InnovationScore] | None = None,
    dupes: "DupesResult | None" = None,
    random_state: int = 0,
) -> ClusteringResult:
    """Cluster points into themes, label them, and report outliers.

    Args:
        entries: the points (any order: the result is the same for any permutation).
        vectors: their vectors, row-aligned.
        method: ``"agglomerative"`` (default; few outliers) or ``"hdbscan"`` (density based).
        innovative_only: cluster only this share of the points (e.g. ``0.2`` = the top 20 %) by
            :func:`~svcsim.clusters.innovation.score_innovation`; ``None`` clusters all.
        assign_outliers: give each outlier the label of its nearest cluster (they stay listed in
            ``outliers``).
        distance_threshold: see :class:`~svcsim.clusters.cluster.PointClusterer`; ``"auto"`` adapts
            to the encoder.
        min_cluster_size: smaller groups are outliers.
        n_keywords: keywords per cluster label.
        scores: precomputed innovation scores of ``entries`` (saves recomputing them).
        dupes: :func:`svcsim.dupes.analyse` of the entries, passed on to the innovation score.
        random_state: seed of every random step.

    Returns:
        A :class:`ClusteringResult`.
    """
    entries, x = check_entries_vectors(entries, vectors)
    used: tuple[InnovationScore, ...] = ()
    if innovative_only is not None:
        if isinstance(innovative_only, bool) or not isinstance(innovative_only, (int, float)) \
                or not (0.0 < float(innovative_only) <= 1.0):
            raise InputError("innovative_only", f"got {innovative_only!r}; a share in (0, 1], e.g. 0.2 for the top 20 %")
        if scores is None:
            scores = score_innovation(entries, x, dupes=dupes, random_state=random_state)
        scores = list(scores)
        by_id = {s.entry.id for s in scores}
        if len(scores) != len(entries) or by_id != {e.id for e in entries}:
            raise InputError("scores", "these innovation scores are not for these entries; "
                                       "pass score_innovation(entries, vectors) of the same corpus")
        keep_n = max(1, math.ceil(float(innovative_only) * len(entries)))
        chosen = {s.entry.id for s in scores[:keep_n]}
        rows = [i for i, e in enumerate(entries) if e.id in chosen]
        entries = [entries[i] for i in rows]
        x = x[rows]
        used = tuple(scores)
    model = PointClusterer(method=method, distance_threshold=distance_threshold, min_cluster_size=min_cluster_size,
                           assign_outliers=assign_outliers, random_state=random_state)
    model.fit(x, keys=[e.text for e in entries])
    labels = model.labels_
    clusters = label_clusters(entries, labels, x, n_keywords=n_keywords)
    return ClusteringResult(
        entries=tuple(entries), labels=tuple(int(c) for c in labels), clusters=tuple(clusters),
        outliers=tuple(entries[i] for i in model.outliers_.tolist()), outliers_assigned=bool(assign_outliers),
        method=method, threshold=float(model.threshold_), scores=used,
    )


def clusters_frame(result: ClusteringResult) -> "pd.DataFrame":
    """One row per cluster: ``size``, ``keywords`` (tuple), ``label`` (keywords joined with 、),
    ``representative``, ``n_agencies``, ``agencies``, ``n_years``, ``years``, ``first_year``,
    ``last_year``. Index: ``cluster``. Outliers are not a row; see :func:`cluster_members_frame`.
    """
    from svcsim.clusters.frames import cluster_spans

    df = cluster_spans(result.entries, np.asarray(result.labels, dtype=np.int64), result.clusters)
    df.insert(1, "label", ["、".join(k) for k in df["keywords"]] if len(df) else [])
    return df


def cluster_members_frame(result: ClusteringResult) -> "pd.DataFrame":
    """One row per clustered entry: ``cluster`` (−1 = outlier), ``was_outlier``, ``agency``,
    ``year``, ``file``, ``item``, ``measure``, ``n``, ``text``, and ``score`` when entries were
    selected by innovation. Index: ``entry_id``.
    """
    import pandas as pd

    was_out = {e.id for e in result.outliers}
    score = {s.entry.id: s.score for s in result.scores}
    df = pd.DataFrame({
        "entry_id": [e.id for e in result.entries],
        "cluster": list(result.labels),
        "was_outlier": [e.id in was_out for e in result.entries],
        "agency": [e.agency for e in result.entries],
        "year": pd.array([e.year for e in result.entries], dtype="Int64"),
        "file": [e.file for e in result.entries],
        "item": [e.item for e in result.entries],
        "measure": [e.measure for e in result.entries],
        "n": pd.array([e.n for e in result.entries], dtype="Int64"),
        "text": [e.text for e in result.entries],
    }).set_index("entry_id")
    if score:
        df["score"] = [score[i] for i in df.index]
    return df
