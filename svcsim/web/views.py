"""The duplicates and clusters tabs: computed once on first request, then served from memory.

Both run the project's own analyses (:func:`svcsim.dupes.analyse`, :class:`svcsim.clusters.PointClusterer`)
on the corpus's points as the suggestion index holds them in memory
(:meth:`svcsim.suggest.SuggestIndex.points`). When a module is missing or broken the tab says so
rather than failing the whole page.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from svcsim.embedded import EmbeddedCorpus
from svcsim.model import Entry


def _entry(e: Entry) -> dict[str, Any]:
    return e.to_dict()


class LazyViews:
    """Caches each analysis of the corpus's points after its first (slow) run.

    ``points`` gives the points when a tab is first asked for, e.g. a
    :meth:`~svcsim.suggest.SuggestIndex.points` method: a page whose tabs are never opened does
    not hold a second copy of the vectors.
    """

    def __init__(self, points: Callable[[], EmbeddedCorpus], *, max_groups: int = 200) -> None:
        self.points = points
        self.max_groups = max_groups
        self._lock = threading.Lock()
        self._cache: dict[str, dict[str, Any]] = {}

    def get(self, name: str) -> dict[str, Any]:
        with self._lock:
            if name not in self._cache:
                try:
                    self._cache[name] = {"dupes": self._dupes, "clusters": self._clusters}[name]()
                except ImportError as exc:
                    from svcsim.i18n import t

                    self._cache[name] = {"available": False, "reason": t("draft.not_available", name=name, detail=exc)}
            return self._cache[name]

    def _dupes(self) -> dict[str, Any]:
        from svcsim.dupes import analyse

        points = self.points()
        if len(points) < 2:
            return {"available": True, "groups": []}
        result = analyse(points, min_label="near_copy")
        groups = [{"agencies": list(c.agencies), "n_plans": c.n_plans, "template": c.template,
                   "canonical": _entry(c.canonical), "source": _entry(c.source),
                   "members": [_entry(m) for m in c.members]}
                  for c in result.clusters[: self.max_groups]]
        return {"available": True, "groups": groups}

    def _clusters(self) -> dict[str, Any]:
        from svcsim.clusters import PointClusterer, label_clusters

        points = self.points()
        entries, vectors = points.entries, points.vectors
        if len(entries) < 2:
            return {"available": True, "clusters": []}
        model = PointClusterer().fit(vectors, keys=[e.text for e in entries])
        labels = label_clusters(entries, model.labels_, vectors)
        by_cluster: dict[int, set[str]] = {}
        for e, lab in zip(entries, model.labels_.tolist()):
            if lab >= 0:
                by_cluster.setdefault(lab, set()).add(e.agency)
        out = [{"id": c.id, "size": c.size, "keywords": list(c.keywords), "representative": c.representative,
                "agencies": sorted(by_cluster.get(c.id, ()))} for c in labels[: self.max_groups]]
        return {"available": True, "clusters": out}
