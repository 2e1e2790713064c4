"""The :class:`Analysis` store: key, read, update or compute, write (one transaction per result)."""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from svcsim.dupes import PairScan
from svcsim.errors import InputError
from svcsim.gcpause import bulk

if TYPE_CHECKING:
    from svcsim.clusters import ClusteringResult, InnovationResult
    from svcsim.clusters.cluster import Method
    from svcsim.dupes.analyse import DupesResult
    from svcsim.dupes.classify import Label
    from svcsim.embedded import EmbeddedCorpus
    from svcsim.store import Corpus
    from svcsim.text.segcache import SpanCache

RESULTS_FORMAT = 2

_TABLES = """
CREATE TABLE IF NOT EXISTS analysis_results (name TEXT PRIMARY KEY, key TEXT NOT NULL,
    manifest TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS analysis_arrays (name TEXT NOT NULL, part TEXT NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (name, part)) WITHOUT ROWID
"""

# the code and data the results are computed by: a change to any of them (a retrained pair
# classifier, a new innovation rule) recomputes instead of returning a result the code no longer gives
_CODE = ("analysis", "dupes", "clusters", "text")


@functools.lru_cache(maxsize=4)
def code_fingerprint(root: Path | None = None) -> str:
    """sha256 of the analysis code and data files (``svcsim/{analysis,dupes,clusters,text}``),
    including the pair classifier's weights (``svcsim/dupes/data/pair_model.json``).

    ``root`` is the package folder (default: this installed ``svcsim``). Read once per process.
    """
    root = Path(__file__).resolve().parents[1] if root is None else Path(root)
    h = hashlib.sha256()
    for sub in _CODE:
        for f in sorted((root / sub).rglob("*")):
            if f.is_file() and f.suffix in (".py", ".json", ".txt", ".tsv", ".csv") and "__pycache__" not in f.parts:
                h.update(str(f.relative_to(root)).encode())
                h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def corpus_state(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """The sorted ``(plan_key, content_hash)`` of every plan: what the stored results depend on."""
    return [tuple(r) for r in conn.execute("SELECT plan_key, content_hash FROM plans ORDER BY plan_key")]


@dataclass
class Analysis:
    """A corpus' analyses, computed once and kept in its database.

    Each result method reads the stored result when its key matches (model fingerprint, corpus
    state, entry ids, settings, results format, analysis code and pair-classifier weights); after
    plans were added, replaced or removed the dupes scan is updated from the stored one (only the
    new texts' pairs are computed, :mod:`svcsim.analysis.delta`), the rest recomputed from it.

    >>> import svcsim
    >>> from svcsim.analysis import Analysis
    >>> from svcsim.embed import load_encoder
    >>> from svcsim.model import Item, Measure, Plan, Point
    >>> corpus = svcsim.open_corpus(":memory:")
    >>> for i, agency in enumerate(["甲局", "乙局", "丙局"]):
    ...     pts = (Point(1, "設置單一服務窗口，提供民眾便捷服務。"), Point(2, f"辦理第{i}種志工教育訓練課程"))
    ...     _ = corpus.add_plan(Plan(file=f"{i}.txt", agency=agency, roc_year=113, title="計畫",
    ...                              items=(Item("一", "便民", (Measure("(一)", "單一窗口", pts),)),)))
    >>> embedded = svcsim.embed_corpus(corpus, load_encoder("hash"))
    >>> a = Analysis.open(corpus, embedded, min_label="near_copy")
    >>> [(o.agency, o.n_points, o.n_template) for o in a.dupes().originality]
    [('甲局', 2, 1), ('乙局', 2, 1), ('丙局', 2, 1)]
    >>> a.stored_key(a.name("dupes")) == a.key("dupes")
    True
    """

    corpus: "Corpus"
    embedded: "EmbeddedCorpus"
    scan: PairScan
    min_label: "Label"
    _memo: dict = field(default_factory=dict, repr=False)

    @classmethod
    def open(cls, corpus: "Corpus", embedded: "EmbeddedCorpus", *, scan: PairScan = PairScan(),
             min_label: "Label" = "paraphrase") -> "Analysis":
        """The analyses of ``embedded`` (entries of ``corpus``, e.g. ``svcsim.embed_corpus(corpus, encoder)``
        or its ``.of_kind("point")``), duplicate pairs down to ``min_label``, searched with ``scan``."""
        from svcsim.dupes.pairs import check_label
        from svcsim.embedded import require_embedded

        if not isinstance(scan, PairScan):
            raise InputError("scan", f"expected a PairScan, got {type(scan).__name__}; pass svcsim.dupes.PairScan(...)")
        check_label(min_label)
        return cls(corpus, require_embedded(embedded), scan, min_label)

    # -- keys -------------------------------------------------------------------------------------
    @property
    def _conn(self) -> sqlite3.Connection:
        return self.corpus._conn  # noqa: SLF001 - the store is the corpus' own database

    @property
    def points(self) -> "EmbeddedCorpus":
        """The points of ``embedded``: what innovation and clustering score."""
        if "points" not in self._memo:
            kinds = {e.kind for e in self.embedded.entries}
            self._memo["points"] = self.embedded if kinds <= {"point"} else self.embedded.of_kind("point")
        return self._memo["points"]

    @property
    def segments(self) -> "SpanCache":
        """Token offsets of the texts, kept in the corpus database (table ``segment_spans``): a
        refresh after one added plan segments only that plan's texts, in any process."""
        if "segments" not in self._memo:
            from svcsim.text.segcache import SpanCache

            self._memo["segments"] = SpanCache(self._conn, writable=not self.corpus.readonly)
        return self._memo["segments"]

    def _kept(self):
        """Neighbour lists and parsed texts for innovation and clustering, from the stored
        innovation's when it was computed by the same code and model (:mod:`svcsim.analysis.kept`)."""
        if "kept" not in self._memo:
            from svcsim.analysis.kept import KeptState

            # vectors without a model fingerprint are identified by nothing but themselves: no reuse
            basis = self._basis() if self.embedded.fingerprint else None
            self._memo["kept"] = KeptState.read(self._conn, self.name("innovation"), basis)
        return self._memo["kept"]

    def name(self, result: str, **settings: Any) -> str:
        """The stored name of ``result`` for this entry selection, ``min_label`` and ``settings``
        (several variants live side by side: the web page's, the report's, each clustering)."""
        if "kinds" not in self._memo:
            self._memo["kinds"] = "+".join(sorted({e.kind for e in self.embedded.entries})) or "none"
        kinds = self._memo["kinds"]
        extra = "".join(f"/{k}={settings[k]}" for k in sorted(settings))
        return f"{result}/{kinds}/{self.min_label}{extra}"

    def _basis(self) -> dict[str, Any]:
        """Everything but the corpus that a stored scan depends on: when it matches, the scan can
        be updated instead of recomputed."""
        return {"format": RESULTS_FORMAT, "fingerprint": self.embedded.fingerprint, "scan": repr(self.scan),
                "min_label": self.min_label, "code": code_fingerprint()}

    def key(self, result: str, **settings: Any) -> str:
        """The sha256 the stored ``result`` must carry to be read instead of recomputed."""
        if "ids" not in self._memo:
            e = self.embedded
            h = hashlib.sha256(np.fromiter((x.id for x in e.entries), dtype=np.int64, count=len(e.entries)).tobytes())
            if not e.fingerprint:  # vectors from elsewhere: the vectors themselves are the model
                h.update(hashlib.sha256(np.ascontiguousarray(e.vectors).tobytes()).digest())
            self._memo["ids"] = h.hexdigest()
            self._memo["state"] = corpus_state(self._conn)
        h = hashlib.sha256()
        h.update(json.dumps([self.name(result, **settings), self._basis(), self._memo["state"], self._memo["ids"],
                             sorted(settings.items())], ensure_ascii=False, default=str).encode())
        return h.hexdigest()

    def stored_key(self, name: str) -> str | None:
        """The key the result stored under ``name`` (:meth:`name`) carries, ``None`` when none is."""
        row = self._row(name)
        return row[0] if row else None

    def _row(self, name: str):
        try:
            return self._conn.execute("SELECT key, manifest FROM analysis_results WHERE name = ?", (name,)).fetchone()
        except sqlite3.OperationalError:  # a database from before the tables existed
            return None

    # -- results ----------------------------------------------------------------------------------
    def dupes(self) -> "DupesResult":
        """The :func:`svcsim.dupes.analyse` result (same fields, same values): read when stored
        under the current key, updated from the stored scan when only plans changed, else computed."""
        if "dupes" in self._memo:
            return self._memo["dupes"]
        from svcsim.analysis import tables
        from svcsim.analysis.scanstate import ScanState
        from svcsim.dupes.analyse import result_from_pairs

        name, key = self.name("dupes"), self.key("dupes")
        row = self._row(name)
        with bulk():  # 10⁶ acyclic objects made or read (collector passes: ~4 s of a 100k refresh)
            if row and row[0] == key:
                parts = self._parts(name, neighbours=False)
                state = ScanState.from_parts(parts, neighbours=False)
                result = tables.dupes_from(parts, self.embedded, state.pair_set(self.embedded, self.scan),
                                           self.min_label)
            else:
                from svcsim.analysis.delta import full_scan, rescan

                basis = json.loads(row[1]).get("basis") if row else None
                if basis == self._basis():
                    state, how = rescan(ScanState.from_parts(self._parts(name)), self.embedded, self.scan, self.min_label)
                else:
                    state, how = full_scan(self.embedded, self.scan, self.min_label), {"all": "computed"}
                self._memo["how"] = how
                result = result_from_pairs(self.embedded, state.pair_set(self.embedded, self.scan), min_label=self.min_label)
                self._write(name, key, {**state.parts(), **tables.dupes_parts(result)}, how=how)
        self._memo["dupes"] = result
        return result

    def innovation(self) -> "InnovationResult":
        """:func:`svcsim.clusters.score_innovation` of the points, with this analysis' dupes."""
        if "innovation" in self._memo:
            return self._memo["innovation"]
        from svcsim.analysis import tables
        from svcsim.clusters.innovation import score_innovation

        name, key = self.name("innovation"), self.key("innovation")
        with bulk():  # as in dupes()
            if self.stored_key(name) == key:
                result = tables.innovation_from(self._parts(name, neighbours=False), self.points)
            else:
                kept = self._kept()
                result = score_innovation(self.points, dupes=self.dupes(), random_state=self.scan.random_state,
                                          segments=self.segments, neighbours=kept.neighbours, parses=kept.parses)
                self._write(name, key, {**tables.innovation_parts(result), **kept.parts()})
        self._memo["innovation"] = result
        return result

    def clusters(self, *, method: "Method" = "agglomerative", innovative_only: float | None = None,
                 assign_outliers: bool = False, distance_threshold: float | str = "auto",
                 min_cluster_size: int = 2, n_keywords: int = 5) -> "ClusteringResult":
        """:func:`svcsim.clusters.cluster_corpus` of the points with these settings (its defaults);
        with ``innovative_only`` the innovation scores come from :meth:`innovation`."""
        from svcsim.analysis import tables
        from svcsim.clusters import cluster_corpus

        settings = dict(method=method, innovative_only=innovative_only, assign_outliers=assign_outliers,
                        distance_threshold=distance_threshold, min_cluster_size=min_cluster_size,
                        n_keywords=n_keywords)
        memo = ("clusters", tuple(sorted(settings.items())))
        if memo in self._memo:
            return self._memo[memo]
        name, key = self.name("clusters", **settings), self.key("clusters", **settings)
        innovation = self.innovation() if innovative_only is not None else None
        with bulk():  # as in dupes()
            if self.stored_key(name) == key:
                result = tables.clustering_from(self._parts(name), self.points, innovation)
            else:
                result = cluster_corpus(self.points, innovation=innovation,
                                        dupes=self.dupes() if innovation is not None else None,
                                        random_state=self.scan.random_state, segments=self.segments,
                                        neighbours=self._kept().neighbours, **settings)
                self._write(name, key, tables.clustering_parts(result, self.points))
        self._memo[memo] = result
        return result

    def refresh(self, *, clusters: bool = True) -> dict[str, str]:
        """Bring the stored dupes, innovation and (default settings) clustering up to the current
        corpus; a no-op for what is already current. Returns how the dupes scan was brought up to
        date per kind (``"delta"``, ``"computed"``, or why a kind was scanned in full)."""
        self.dupes()
        self.innovation()
        if clusters:
            self.clusters()
        return self.scan_update

    @property
    def innovation_update(self) -> dict[str, int]:
        """What innovation and clustering reused of the stored state (:meth:`KeptState.used
        <svcsim.analysis.kept.KeptState.used>`); ``{}`` when they computed nothing."""
        return self._memo["kept"].used() if "kept" in self._memo else {}

    @property
    def scan_update(self) -> dict[str, str]:
        """How :meth:`dupes` got its scan: ``{}`` when read as stored, ``{"all": "computed"}``, or per
        kind ``"delta"`` (only new texts searched) or the reason that kind was scanned in full."""
        return dict(self._memo.get("how", {}))

    # -- storage ----------------------------------------------------------------------------------
    def _parts(self, name: str, *, neighbours: bool = True) -> dict[str, bytes]:
        sql = "SELECT part, data FROM analysis_arrays WHERE name = ?" + (  # what only an update reads
            "" if neighbours else " AND substr(part, 1, 3) != 'nb_' AND substr(part, 1, 5) != 'kept_'")
        return dict(self._conn.execute(sql, (name,)))

    def _write(self, name: str, key: str, parts: dict[str, bytes], **extra: Any) -> None:
        conn = self._conn
        if self.corpus.readonly or conn.in_transaction:
            return  # read-only, or inside Corpus.snapshot(): answer without keeping the result
        conn.execute("BEGIN IMMEDIATE")
        try:
            for stmt in _TABLES.split(";"):
                conn.execute(stmt)
            conn.execute("DELETE FROM analysis_arrays WHERE name = ?", (name,))
            conn.execute("DELETE FROM analysis_results WHERE name = ?", (name,))
            manifest = {"basis": self._basis(), "n_entries": len(self.embedded.entries), **extra}
            conn.execute("INSERT INTO analysis_results(name, key, manifest, created_at) VALUES (?, ?, ?, ?)",
                         (name, key, json.dumps(manifest, ensure_ascii=False),
                          datetime.now(timezone.utc).isoformat(timespec="seconds")))
            conn.executemany("INSERT INTO analysis_arrays(name, part, data) VALUES (?, ?, ?)",
                             [(name, p, sqlite3.Binary(d)) for p, d in parts.items()])
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
