"""One call from a corpus to labelled themes: :func:`cluster_corpus`.

>>> r = cluster_corpus(embedded_points, assign_outliers=True)       # doctest: +SKIP
>>> r.clusters[0].keywords, len(r.outliers)                         # doctest: +SKIP
(('滿意度調查', '意見回饋', '洽公'), 3)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any


from svcsim.clusters.cluster import Method, PointClusterer
from svcsim.clusters.innovation import InnovationResult, score_innovation
from svcsim.clusters.labels import ClusterLabel, label_clusters
from svcsim.embedded import EmbeddedCorpus, require_embedded
from svcsim.errors import InputError
from svcsim.model import Entry

if TYPE_CHECKING:
    import pandas as pd

    from svcsim.dupes import DupesResult
    from svcsim.clusters.knn import NeighbourMemo
    from svcsim.text.segcache import SpanCache

__all__ = ["ClusteringResult", "cluster_corpus"]


@dataclass(frozen=True)
class ClusteringResult:
    """Themes found among points.

    Attributes:
        corpus: the clustered points (all, or the innovative share) with their vectors, in input order.
        entries: the same entries (``corpus.entries``).
        labels: cluster id per entry of ``entries`` (−1 = outlier; none when outliers were assigned).
        clusters: one :class:`ClusterLabel` per cluster, by id (largest cluster first).
        outliers: entries in no cluster before any assignment, in input order.
        outliers_assigned: whether ``outliers`` were given their nearest cluster in ``labels``.
        method: the clustering method.
        threshold: the cosine distance threshold used (agglomerative; resolved from ``"auto"``).
        innovation: the innovation scores used to select entries (``None`` when all were clustered).
    """

    corpus: EmbeddedCorpus
    entries: tuple[Entry, ...]
    labels: tuple[int, ...]
    clusters: tuple[ClusterLabel, ...]
    outliers: tuple[Entry, ...]
    outliers_assigned: bool
    method: Method
    threshold: float
    innovation: InnovationResult | None = None

    def members(self, cluster_id: int) -> tuple[Entry, ...]:
        """Entries labelled ``cluster_id`` (−1: the unassigned outliers), in input order."""
        return self._by_label().get(cluster_id, ())

    def _by_label(self) -> dict[int, tuple[Entry, ...]]:
        # grouped once: scanning every entry per cluster made to_dicts 10⁸ steps at 100k points
        got = self.__dict__.get("_members")
        if got is None:
            lists: dict[int, list[Entry]] = {}
            for e, c in zip(self.entries, self.labels):
                lists.setdefault(c, []).append(e)
            got = {c: tuple(es) for c, es in lists.items()}
            object.__setattr__(self, "_members", got)
        return got

    def to_dicts(self) -> list[dict[str, Any]]:
        """The JSON shape of ``svcsim clusters --json``: one object per cluster, outliers last with id −1.

        Each object: ``id, size, keywords, representative, agencies, years, members`` (each member
        :meth:`Entry.to_dict <svcsim.model.Entry.to_dict>`). The outlier object is present only when
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

    def to_frame(self) -> "pd.DataFrame":
        """One row per cluster (outliers last, id −1): the fields of :meth:`to_dicts` without ``members``."""
        from svcsim.results import frame

        return frame({k: v for k, v in d.items() if k != "members"} for d in self.to_dicts())


def _member(e: Entry, was_outlier: bool) -> dict[str, Any]:
    d = e.to_dict()
    if was_outlier:
        d["was_outlier"] = True
    return d


def cluster_corpus(
    corpus: EmbeddedCorpus,
    *,
    method: Method = "agglomerative",
    innovative_only: float | None = None,
    assign_outliers: bool = False,
    distance_threshold: float | str = "auto",
    min_cluster_size: int = 2,
    n_keywords: int = 5,
    innovation: InnovationResult | None = None,
    dupes: "DupesResult | None" = None,
    random_state: int = 0,
    segments: "SpanCache | None" = None,
    neighbours: "NeighbourMemo | None" = None,
) -> ClusteringResult:
    """Cluster points into themes, label them, and report outliers.

    Args:
        corpus: the points (any order: the result is the same for any permutation).
        method: ``"agglomerative"`` (default; few outliers) or ``"hdbscan"`` (density based).
        innovative_only: cluster only this share of the points (e.g. ``0.2`` = the top 20 %) by
            :func:`~svcsim.clusters.innovation.score_innovation`; ``None`` clusters all.
        assign_outliers: give each outlier the label of its nearest cluster (they stay listed in
            ``outliers``).
        distance_threshold: see :class:`~svcsim.clusters.cluster.PointClusterer`; ``"auto"`` adapts
            to the encoder.
        min_cluster_size: smaller groups are outliers.
        n_keywords: keywords per cluster label.
        innovation: :func:`score_innovation` of this corpus, when already computed.
        dupes: :func:`svcsim.dupes.analyse` of the corpus, passed on to the innovation score.
        random_state: seed of every random step.
        segments: where token offsets are kept (:class:`~svcsim.text.segcache.SpanCache`), for the
            labels and the innovation score; by default each distinct text is segmented here.
        neighbours: a :class:`~svcsim.clusters.knn.NeighbourMemo` shared with the innovation score
            of the same points (one neighbour search for both).

    Returns:
        A :class:`ClusteringResult`.
    """
    corpus = require_embedded(corpus)
    used: InnovationResult | None = None
    if innovative_only is not None:
        if isinstance(innovative_only, bool) or not isinstance(innovative_only, (int, float)) \
                or not (0.0 < float(innovative_only) <= 1.0):
            raise InputError("innovative_only", f"got {innovative_only!r}; a share in (0, 1], e.g. 0.2 for the top 20 %")
        if innovation is None:
            innovation = score_innovation(corpus, dupes=dupes, random_state=random_state, segments=segments,
                                          neighbours=neighbours)
        if not innovation.corpus.same_entries(corpus) and \
                {s.entry.id for s in innovation} != set(corpus.ids()):
            raise InputError("innovation", "these innovation scores are not for this corpus; "
                                           "pass score_innovation(corpus) of the same points")
        keep_n = max(1, math.ceil(float(innovative_only) * len(corpus)))
        chosen = {s.entry.id for s in innovation.scores[:keep_n]}
        corpus = corpus.subset(i for i, e in enumerate(corpus.entries) if e.id in chosen)
        used = innovation
    entries, x = list(corpus.entries), corpus.vectors
    model = PointClusterer(method=method, distance_threshold=distance_threshold, min_cluster_size=min_cluster_size,
                           assign_outliers=assign_outliers, random_state=random_state, neighbours=neighbours)
    model.fit(x, keys=[e.text for e in entries])
    labels = model.labels_
    clusters = label_clusters(entries, labels, x, n_keywords=n_keywords, segments=segments)
    return ClusteringResult(
        corpus=corpus, entries=tuple(entries), labels=tuple(int(c) for c in labels), clusters=tuple(clusters),
        outliers=tuple(entries[i] for i in model.outliers_.tolist()), outliers_assigned=bool(assign_outliers),
        method=method, threshold=float(model.threshold_), innovation=used,
    )
