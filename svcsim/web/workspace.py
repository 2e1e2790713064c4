"""The reviewer's workspace: the analysis results of one corpus, and the JSON its pages read.

:class:`Workspace` holds a :class:`~svcsim.dupes.DupesResult`, an
:class:`~svcsim.clusters.innovation.InnovationResult` and a
:class:`~svcsim.clusters.ClusteringResult` and answers every ``/api/plans…``, ``/api/overlap``,
``/api/years…``, ``/api/innovations`` and ``/api/themes…`` request from lookup tables built once,
so no request scans all points. A point's sources are produced for that point alone
(:meth:`~svcsim.dupes.pairset.PairSet.pairs_of`), never by expanding every pair of the corpus.

Where the results come from: :func:`stored_results` reads them from the corpus database through
:class:`svcsim.analysis.Analysis` (computed and stored the first time, updated when plans change);
:func:`compute_results` computes them in memory when there is no database to keep them in.
"""

from __future__ import annotations

import difflib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from svcsim.embedded import EmbeddedCorpus
from svcsim.model import Entry

MAX_SOURCES = 20


class NotFound(LookupError):
    """An id the workspace does not know; its message is shown to the user as is (Chinese)."""


@dataclass(frozen=True)
class Results:
    """The three analyses the workspace shows, of one corpus."""

    dupes: Any
    innovation: Any
    clustering: Any


def compute_results(embedded: EmbeddedCorpus, corpus: Any = None) -> Results:
    """The analyses the workspace shows, of ``embedded``: the corpus's points and measure titles
    (``svcsim.embed_corpus(corpus, encoder)``, as every command reads them, so the page shows the
    very results ``svcsim report``, ``innovations`` and ``clusters`` show; the titles are the
    template innovation's ``beyond_template`` compares a point with). Points alone work too, and
    then that signal is left out.

    Read from ``corpus``'s database when given (an open :class:`~svcsim.store.Corpus`; computed
    and stored there on first use, see :class:`svcsim.analysis.Analysis`), else computed in
    memory. Equal either way."""
    if corpus is not None:
        from svcsim.analysis import Analysis

        a = Analysis.open(corpus, embedded, min_label="near_copy")
        return Results(a.dupes(), a.innovation(), a.clusters())
    from svcsim.clusters import cluster_corpus
    from svcsim.clusters.innovation import score_innovation
    from svcsim.dupes import analyse

    dupes = analyse(embedded, min_label="near_copy")
    points = embedded if {e.kind for e in embedded.entries} <= {"point"} else embedded.of_kind("point")
    innovation = score_innovation(points, dupes=dupes)
    clustering = cluster_corpus(points, innovation=innovation, dupes=dupes)
    return Results(dupes, innovation, clustering)


def corpus_entries(db: "str | os.PathLike[str]", encoder: Any) -> Callable[[], EmbeddedCorpus]:
    """An ``embedded`` for :class:`Workspace`: every entry of the corpus database at ``db`` with its
    vector (:func:`svcsim.embed_corpus`, vectors from the embedding cache), read in the thread that
    first needs them: the entries, in the order, every command analyses, so the page and the CLI
    read one stored analysis."""
    def entries() -> EmbeddedCorpus:
        from svcsim.embed.cache import embed_corpus

        return _in_corpus(db, lambda corpus: embed_corpus(corpus, encoder))

    return entries


def stored_results(db: "str | os.PathLike[str]") -> Callable[[EmbeddedCorpus], Results]:
    """A ``results`` for :class:`Workspace` that reads the analyses kept in the corpus database at
    ``db`` (opened in the thread that first needs them, closed after).

    >>> Workspace(corpus_entries("corpus.db", encoder), results=stored_results("corpus.db"))   # doctest: +SKIP
    """
    def results(embedded: EmbeddedCorpus) -> Results:
        return _in_corpus(db, lambda corpus: compute_results(embedded, corpus))

    return results


def _in_corpus(db: "str | os.PathLike[str]", use: Callable[[Any], Any]) -> Any:
    """``use(corpus)`` on the corpus database at ``db``, opened in this thread and closed after."""
    from svcsim.store import Corpus

    corpus = Corpus.open(db)
    try:
        return use(corpus)
    finally:
        corpus.close()


class Workspace:
    """Lazily computed, thread-safe analysis results with lookup tables by plan, point and agency.

    Args:
        embedded: gives the corpus's entries on first use: its points and measure titles
            (:func:`corpus_entries`), or its points alone (e.g. ``suggester.index.points``, in memory).
        results: turns them into :class:`Results` (default: :func:`compute_results`).
        freeze: once the tables are built, move every live object into the collector's permanent
            generation (``gc.freeze``): for a server that keeps them all its life (``svcsim serve``),
            so the collector never walks their ~10⁶ objects again (at 100k points a request that
            met that pass took ~1 s). A process-wide step: off by default.
    """

    def __init__(self, embedded: Callable[[], EmbeddedCorpus],
                 results: Callable[[EmbeddedCorpus], Results] = compute_results, *, freeze: bool = False) -> None:
        self._embedded = embedded
        self._results = results
        self._freeze = freeze
        self._lock = threading.Lock()
        self._t: _Tables | None = None

    def warm(self) -> threading.Thread:
        """Read (or compute) the results in a background thread now, so the reviewer's first page
        does not wait for them; an error is not lost: the first request raises it again."""
        def run() -> None:
            try:
                _ = self.tables
            except Exception:  # noqa: BLE001 - the request that needs the tables reports it
                pass

        thread = threading.Thread(target=run, name="svcsim-workspace", daemon=True)
        thread.start()
        return thread

    @property
    def tables(self) -> "_Tables":
        with self._lock:
            if self._t is None:
                self._t = _Tables(self._results(self._embedded()))
                if self._freeze:
                    import gc

                    gc.freeze()
            return self._t

    def plans(self) -> dict[str, Any]:
        t = self.tables
        return {"plans": [{"id": i, **o.to_dict()} for i, o in enumerate(t.r.dupes.originality)]}

    def plan(self, plan_id: int) -> dict[str, Any]:
        t = self.tables
        o = t.plan(plan_id)
        points = [{**e.to_dict(), "units": list(e.units), "status": t.status.get(e.id, "own"),
                   "n_sources": len(t.sources_of(e.id))} for e in t.by_file[o.file]]
        return {"id": plan_id, **o.to_dict(), "points": points}

    def sources(self, plan_id: int, entry_id: int) -> dict[str, Any]:
        t = self.tables
        o = t.plan(plan_id)
        e = t.by_id.get(entry_id)
        if e is None or e.file != o.file:
            raise NotFound(f"計畫 {plan_id} 沒有編號 {entry_id} 的執行重點")
        out = []
        for p in t.sources_of(entry_id):
            mine_a = p.a.id == entry_id
            other = p.b if mine_a else p.a
            spans = [[s[0], s[1], s[2], s[3]] if mine_a else [s[2], s[3], s[0], s[1]] for s in p.spans]
            out.append({"source": other.to_dict(), "label": p.label, "template": p.template,
                        "lexical": round(p.lexical, 4), "spans": spans})
        return {"point": {**e.to_dict(), "status": t.status.get(e.id, "own")}, "sources": out}

    def overlap(self) -> dict[str, Any]:
        ov = self.tables.r.dupes.overlap
        counts, n = ov.counts.tolist(), ov.n_points.tolist()
        share = [[round(c / n[i], 4) if n[i] else 0.0 for c in row] for i, row in enumerate(counts)]
        return {"agencies": list(ov.agencies), "counts": counts, "n_points": n, "proportions": share}

    def years(self, agency: str) -> dict[str, Any]:
        t = self.tables
        plans = sorted({(o.year, o.file) for o in t.r.dupes.originality if o.agency == agency and o.year},
                       key=lambda x: x)
        if not plans:
            raise NotFound(f"找不到機關「{agency}」有年度的計畫")
        if len(plans) < 2:
            return {"agency": agency, "years": [plans[0][0]], "changes": []}
        (y0, f0), (y1, f1) = plans[-2], plans[-1]
        return {"agency": agency, "years": [y0, y1], "from": f0, "to": f1,
                "changes": diff_points(t.by_file[f0], t.by_file[f1])}

    def innovations(self, limit: int = 100) -> dict[str, Any]:
        # the first ``limit`` of InnovationResult.to_dicts(), without building the other 10⁵
        scores = self.tables.r.innovation[:max(limit, 0)]  # a stored result builds only these rows
        return {"innovations": [{"rank": r, **s.to_dict()} for r, s in enumerate(scores, start=1)]}

    def themes(self) -> dict[str, Any]:
        return {"themes": self.tables.themes()}

    def theme(self, theme_id: int) -> dict[str, Any]:
        d = self.tables.theme(theme_id)
        if d is None:
            raise NotFound(f"找不到主題 {theme_id}")
        return d


class _Tables:
    """Indexes built once over the results, so requests look up instead of scanning."""

    def __init__(self, r: Results) -> None:
        self.r = r
        self.status = r.dupes.status
        entries = [e for e in r.dupes.corpus.entries if e.kind == "point"]
        self.by_id = {e.id: e for e in entries}
        self.by_file: dict[str, list[Entry]] = {}
        for e in entries:
            self.by_file.setdefault(e.file, []).append(e)
        self.row = {e.id: i for i, e in enumerate(r.dupes.corpus.entries)}
        self._sources: dict[int, list[Any]] = {}
        self._lock = threading.Lock()
        self._themes: list[dict[str, Any]] | None = None

    def sources_of(self, entry_id: int) -> list[Any]:
        """The first MAX_SOURCES pairs of the point with other plans, best first (the pair stream's
        order), made for this point only: a template sentence carried by thousands of plans is N²
        pairs, which no request should expand."""
        with self._lock:
            got = self._sources.get(entry_id)
        if got is not None:
            return got
        got = []
        row = self.row.get(entry_id)
        if row is not None:
            for p in self.r.dupes.pairs.pairs_of(row):
                if p.a.plan_id == p.b.plan_id and p.a.file == p.b.file:
                    continue
                got.append(p)
                if len(got) == MAX_SOURCES:
                    break
        with self._lock:
            if len(self._sources) > 100_000:
                self._sources.clear()  # a cache, not a store
            self._sources[entry_id] = got
        return got

    # ClusteringResult.to_dicts(), split: the list without members, one theme with them, so
    # neither request builds a dict for each of 10⁵ points
    def _theme_rows(self) -> list[tuple[dict[str, Any], list[Entry]]]:
        c = self.r.clustering
        groups: dict[int, list[Entry]] = {}
        for e, label in zip(c.entries, c.labels):
            groups.setdefault(label, []).append(e)
        out = []
        for cl in c.clusters:
            out.append(({"id": cl.id, "size": cl.size, "keywords": list(cl.keywords),
                         "representative": cl.representative}, groups.get(cl.id, [])))
        rest = groups.get(-1, [])
        if rest:
            out.append(({"id": -1, "size": len(rest), "keywords": [], "representative": ""}, rest))
        for d, members in out:
            d["agencies"] = sorted({e.agency for e in members})
            d["years"] = sorted({e.year for e in members if e.year is not None})
        return out

    def themes(self) -> list[dict[str, Any]]:
        with self._lock:
            if self._themes is None:
                self._themes = [d for d, _ in self._theme_rows()]
            return self._themes

    def theme(self, theme_id: int) -> dict[str, Any] | None:
        c = self.r.clustering
        for d, members in self._theme_rows():
            if d["id"] == theme_id:
                flag = c.outliers_assigned and theme_id != -1
                was_out = {e.id for e in c.outliers} if flag else set()
                return {**d, "members": [{**e.to_dict(), **({"was_outlier": True} if e.id in was_out else {})}
                                         for e in members]}
        return None

    def plan(self, plan_id: int):
        plans = self.r.dupes.originality
        if not 0 <= plan_id < len(plans):
            raise NotFound(f"找不到計畫 {plan_id}（共 {len(plans)} 份計畫，編號 0–{len(plans) - 1}）")
        return plans[plan_id]


def diff_points(old: list[Entry], new: list[Entry]) -> list[dict[str, Any]]:
    """Points kept / edited / new / dropped from ``old`` to ``new``, edited ones with character diffs.

    Identical texts pair first; each remaining new point is paired with the most similar unpaired
    old point when at least half its characters match (difflib's ratio), else it is new.
    """
    free: dict[str, list[int]] = {}
    for i, o in enumerate(old):
        free.setdefault(o.text, []).append(i)
    used: set[int] = set()
    pairing: list[int | None] = []
    for e in new:
        hit = free.get(e.text)
        pairing.append(hit.pop(0) if hit else None)
        if pairing[-1] is not None:
            used.add(pairing[-1])
    out: list[dict[str, Any]] = []
    for e, i in zip(new, pairing):
        if i is not None:
            out.append({"change": "kept", "old": old[i].to_dict(), "new": e.to_dict()})
            continue
        best, ratio, sm = None, 0.5, None
        for j, o in enumerate(old):
            if j in used:
                continue
            m = difflib.SequenceMatcher(None, o.text, e.text, autojunk=False)
            if m.real_quick_ratio() >= ratio and m.quick_ratio() >= ratio and m.ratio() >= ratio:
                best, ratio, sm = j, m.ratio(), m
        if best is None:
            out.append({"change": "new", "old": None, "new": e.to_dict()})
            continue
        used.add(best)
        ops = [list(op) for op in sm.get_opcodes()]
        out.append({"change": "edited", "old": old[best].to_dict(), "new": e.to_dict(), "ops": ops})
    out += [{"change": "dropped", "old": o.to_dict(), "new": None} for j, o in enumerate(old) if j not in used]
    return out
