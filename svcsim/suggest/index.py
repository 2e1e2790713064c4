"""What the drafting assistant knows about the corpus: its FAISS index and the tables a query reads.

A :class:`SuggestIndex` is built once (:meth:`SuggestIndex.build` writes the FAISS index beside the
corpus, :meth:`SuggestIndex.load` reads one ``svcsim index`` already wrote) and then only read, so
one index can serve several rankers and threads.

Its rows are the corpus's *distinct* texts in text-id order (the store's text ids are the FAISS
ids), so a template sentence repeated by 150 agencies is one row. Everything that does not depend
on the draft is computed here, once, so that a query's work stays proportional to its pool
(≈ 64–128 rows), not to the corpus or to a measure's thousands of points:

* the points on each row, and the row's *owner* (its agency when it has only one), so "holds a
  point of another agency" is one vectorised comparison (:meth:`SuggestIndex.has_other`);
* copy groups by :func:`svcsim.text.match_key` (exact copies after width/punctuation folding), and
  the agencies of each group, so ``used_by`` counts agencies the pool never reached;
* the character 4-gram shingles of every row, for :func:`svcsim.suggest.copying.copy_candidates`;
* the measure catalogue (:mod:`svcsim.suggest.measures`) and, per slot, its point rows and their
  order by the slot's title centroid — the whole ranking of a measure-only query, before the
  agency filter.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from svcsim.embedded import EmbeddedCorpus
from svcsim.errors import InputError
from svcsim.model import Entry
from svcsim.suggest.copying import shingles
from svcsim.suggest.measures import MeasureCatalogue, MeasureInfo, MeasureSlot
from svcsim.suggest.results import MeasureRef

EXACT_NUMPY_BELOW = 20_000
"""Up to this many texts, retrieval is one exact numpy product instead of a FAISS search."""

SHARED = -1
"""Owner of a row whose points come from several agencies (see :attr:`SuggestIndex.owner`)."""
NO_POINTS = -2
"""Owner of a row with no point (a measure title only)."""


class SuggestIndex:
    """The corpus's distinct texts, their vectors, the FAISS index over them and the derived tables.

    Build it with :meth:`build` or :meth:`load`; the constructor takes parts already read and only
    derives the in-memory tables (no file is read or written). Treat it as read-only.

    Attributes:
        encoder: the encoder the index was built with (drafts must be embedded with it).
        vector_index: the :class:`~svcsim.index.vectors.VectorIndex` over the rows.
        text_ids: the store's text id of each row, ascending (read-only int64).
        texts: the text of each row.
        vectors: float32 row vectors as the embedding cache holds them (read-only).
        agencies: every agency with a point, sorted.
        catalogue: the corpus's measures grouped into slots.
        shingles: :func:`~svcsim.suggest.copying.shingles` of each row (``index.shingles[row]``), computed
            when a row is first a candidate: a query touches a few dozen rows, not all of them.
        key_group: the match-key copy group of each row (read-only int64).
        owner: each row's agency (an index into ``agencies``) when it has points of only one, else
            :data:`SHARED` or :data:`NO_POINTS` (read-only int32).
    """

    def __init__(self, encoder, vector_index, texts: Sequence[tuple[int, str]], vectors: np.ndarray,
                 entries_by_text: Mapping[int, Sequence[Entry]]) -> None:
        """``texts`` are (text id, text) by id, ``vectors`` row-aligned with them, ``entries_by_text`` every
        entry using each text id (as :class:`~svcsim.index.corpus_index.CorpusIndex` holds them)."""
        from svcsim.text import match_key

        self.encoder = encoder
        self.vector_index = vector_index
        self.text_ids = _frozen(np.array([t for t, _ in texts], dtype=np.int64))
        self._row_of_tid = {int(t): i for i, t in enumerate(self.text_ids)}
        self.texts: tuple[str, ...] = tuple(t for _, t in texts)
        self.vectors = _frozen(vectors)

        key_gid: dict[str, int] = {}
        gid = np.zeros(len(texts), dtype=np.int64)
        for i, t in enumerate(self.texts):
            gid[i] = key_gid.setdefault(match_key(t), len(key_gid))
        self.key_group = _frozen(gid)
        self._key_gid = key_gid
        self._rows_of_gid: dict[int, list[int]] = defaultdict(list)
        for i, g in enumerate(gid.tolist()):
            self._rows_of_gid[g].append(i)

        points: list[list[Entry]] = [[] for _ in texts]
        group_agencies: dict[int, set[str]] = defaultdict(set)
        for tid, entries in entries_by_text.items():
            row = self._row_of_tid[tid]
            for e in entries:
                if e.kind == "point":
                    points[row].append(e)
                    group_agencies[int(gid[row])].add(e.agency)
        self._points = tuple(tuple(sorted(es, key=lambda e: e.id)) for es in points)
        self._group_agencies = {g: frozenset(a) for g, a in group_agencies.items()}
        self.agencies: tuple[str, ...] = tuple(sorted({a for s in self._group_agencies.values() for a in s}))
        self.catalogue = _catalogue(entries_by_text, self._row_of_tid, self.vectors, encoder.dim)
        self.shingles = _Shingles(self.texts)

        self._agency_id = {a: i for i, a in enumerate(self.agencies)}
        owner = np.full(len(texts), NO_POINTS, dtype=np.int32)
        for r, es in enumerate(self._points):
            if es:
                ags = {e.agency for e in es}
                owner[r] = self._agency_id[ags.pop()] if len(ags) == 1 else SHARED
        self.owner = _frozen(owner)
        # Keyed by id: slots are unhashable and live as long as the catalogue.
        self._slot_rows: dict[int, np.ndarray] = {}
        self._slot_browse: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for slot in self.catalogue.slots:
            rows = np.unique(np.fromiter((r for j in slot.members for r in self.catalogue.measures[j].point_rows),
                                         dtype=np.int64)).astype(np.int64)
            rel = self.vectors[rows] @ slot.vector if len(rows) else np.zeros(0, np.float32)
            order = np.argsort(-rel, kind="stable")
            self._slot_rows[id(slot)] = _frozen(rows)
            self._slot_browse[id(slot)] = (_frozen(rows[order]), _frozen(rel[order]))

    # -- building --------------------------------------------------------------------------------
    @classmethod
    def build(cls, corpus, encoder, *, show_progress: bool = False) -> "SuggestIndex":
        """Bring the corpus's FAISS index up to date, then :meth:`load` it.

        Embeds only the texts the cache lacks and writes the index beside the corpus
        (``corpus.db`` → ``corpus.index/``), as ``svcsim index`` does.

        Raises:
            IndexMismatchError: the index on disk was built with another model
                (``svcsim index --rebuild``).
        """
        from svcsim.index.corpus_index import update_index

        update_index(corpus, encoder, show_progress=show_progress)
        return cls.load(corpus, encoder)

    @classmethod
    def load(cls, corpus, encoder) -> "SuggestIndex":
        """The index ``svcsim index`` (or :meth:`build`) wrote, with the tables; writes nothing.

        Reads the corpus and the embedding cache once, from one consistent state of the corpus.

        Raises:
            IndexMismatchError: no index yet, one built with another model, or one behind the
                corpus (run ``svcsim index``).
        """
        from svcsim.embed.cache import vectors_for_texts
        from svcsim.index.corpus_index import CorpusIndex

        with corpus.snapshot():
            opened = CorpusIndex.open(corpus, encoder)
            texts = corpus.distinct_texts()
            vecs, _ = vectors_for_texts(corpus, encoder, [(k, t) for _, k, t in texts])
        vectors = (np.stack([vecs[k] for _, k, _ in texts]).astype(np.float32) if texts
                   else np.zeros((0, encoder.dim), np.float32))
        return cls(encoder, opened.index, [(i, t) for i, _, t in texts], vectors, opened.by_text)

    # -- the corpus ------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.texts)

    def measures(self) -> list[MeasureRef]:
        """The corpus's measures (one per slot), in code order, for a picker."""
        return [s.ref for s in self.catalogue.slots]

    def resolve_measure(self, measure: str | MeasureRef) -> MeasureSlot:
        """A code like ``三(二)``, a measure title, or a :class:`MeasureRef` → its slot.

        Raises:
            InputError: not a str or MeasureRef, an unknown code, or no measure title close to the text.
        """
        if isinstance(measure, MeasureRef):
            for s in self.catalogue.slots:
                if s.ref == measure:
                    return s
            measure = measure.code
        if not isinstance(measure, str) or not measure.strip():
            raise InputError("--measure", key="suggest.measure_bad", got=measure)
        return self.catalogue.resolve(measure.strip(), self._embed_title)

    def points(self) -> EmbeddedCorpus:
        """Every point of the corpus in entry-id order with its vector, from memory.

        For analyses run beside the suggestions (the web page's duplicates and clusters tabs)
        without going back to the database.
        """
        pairs = sorted(((e, r) for r, es in enumerate(self._points) for e in es), key=lambda x: x[0].id)
        rows = np.fromiter((r for _, r in pairs), dtype=np.int64, count=len(pairs))
        return EmbeddedCorpus([e for e, _ in pairs], self.vectors[rows], fingerprint=self.encoder.fingerprint)

    # -- rows ------------------------------------------------------------------------------------
    def points_of(self, row: int) -> tuple[Entry, ...]:
        """The points whose text is ``row``, by entry id (empty for a measure title only)."""
        return self._points[row]

    def other_points(self, row: int, agency: str | None) -> tuple[Entry, ...]:
        """The points of ``row`` from agencies other than ``agency`` (all of them without one), by entry id."""
        return tuple(e for e in self._points[row] if e.agency != agency) if agency else self._points[row]

    def has_other(self, rows: np.ndarray, agency: str | None) -> np.ndarray:
        """Mask of ``rows`` holding a point of an agency other than ``agency`` (``bool(other_points)``)."""
        owner = self.owner[rows]
        ok = owner != NO_POINTS
        aid = self._agency_id.get(agency) if agency else None
        if aid is not None:
            ok &= owner != aid
        return ok

    def rows_with_key(self, text: str) -> list[int]:
        """Rows whose text has the same :func:`~svcsim.text.match_key` as ``text`` (exact copies), ascending."""
        from svcsim.text import match_key

        gid = self._key_gid.get(match_key(text))
        return list(self._rows_of_gid[gid]) if gid is not None else []

    def group_agencies(self, group: int) -> frozenset[str]:
        """Agencies with a point in the match-key copy group ``group`` (a value of :attr:`key_group`)."""
        return self._group_agencies.get(group, frozenset())

    def slot_rows(self, slot: MeasureSlot) -> np.ndarray:
        """Rows of the points filed under ``slot``, ascending (read-only)."""
        return self._slot_rows[id(slot)]

    def slot_browse(self, slot: MeasureSlot) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`slot_rows` by cosine to the slot's title centroid (stable on ties), and those cosines."""
        return self._slot_browse[id(slot)]

    def measure_rows(self, slot: MeasureSlot) -> list[int]:
        """Rows of the points of ``slot``'s member measures, measure by measure, each row once."""
        return list(dict.fromkeys(r for j in slot.members for r in self.catalogue.measures[j].point_rows))

    # -- retrieval -------------------------------------------------------------------------------
    def nearest_rows(self, q: np.ndarray, n: int, agency: str | None) -> tuple[list[int], np.ndarray]:
        """Rows of the ``n`` texts nearest to ``q`` holding a point of another agency, with their cosines."""
        count = self.vector_index.count
        fetch = min(max(2 * n, 32), max(count, 1))
        while True:
            scores, ids = self._search(q, fetch)
            rows, rel = [], []
            for s, t in zip(scores[0].tolist(), ids[0].tolist()):
                r = self._row_of_tid.get(t) if t >= 0 else None
                if r is not None:
                    rows.append(r)
                    rel.append(s)
            if rows:
                keep = self.has_other(np.asarray(rows, dtype=np.int64), agency).tolist()
                rows = [r for r, ok in zip(rows, keep) if ok]
                rel = [s for s, ok in zip(rel, keep) if ok]
            if len(rows) >= n or fetch >= count:
                break
            fetch = min(fetch * 4, count)
        return rows[:n], np.asarray(rel[:n], dtype=np.float32)

    def _search(self, q: np.ndarray, fetch: int) -> tuple[np.ndarray, np.ndarray]:
        # Below EXACT_NUMPY_BELOW texts one numpy mat-vec is exact and ~1 ms; faiss' OpenMP start-up
        # costs more than that for a single query on a busy machine. Above, the FAISS index (IVF when
        # large) is what keeps 100k+ corpora fast.
        if len(self.texts) > EXACT_NUMPY_BELOW:
            return self.vector_index.search(q.reshape(1, -1), fetch)
        sims = self.vectors @ q
        fetch = min(fetch, len(sims))
        top = np.argpartition(-sims, fetch - 1)[:fetch] if fetch < len(sims) else np.arange(len(sims))
        top = top[np.lexsort((top, -sims[top]))]
        return sims[top][None, :], self.text_ids[top][None, :]

    def _embed_title(self, title: str) -> np.ndarray:
        return self.encoder.encode([title], kind="passage")[0]


class _Shingles:
    """The shingles of each row, computed on first use and kept (hashing every text at load cost
    1.3 s of a cold suggestion at 100k points, for the few dozen rows a query compares)."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._texts = texts
        self._done: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._texts)

    def __getitem__(self, row: int) -> np.ndarray:
        got = self._done.get(row)
        if got is None:  # two threads may both compute a row: the same value, harmless
            got = self._done[row] = shingles(self._texts[row])
        return got


def _frozen(a: np.ndarray) -> np.ndarray:
    """A read-only view of ``a`` (the caller's array keeps its own flags)."""
    v = a.view()
    v.setflags(write=False)
    return v


def _catalogue(entries_by_text: Mapping[int, Sequence[Entry]], row_of_tid: dict[int, int], vectors: np.ndarray,
               dim: int) -> MeasureCatalogue:
    """The corpus's measures, each with the rows of its title and points, grouped into slots."""
    measure_rows: dict[tuple, dict] = {}
    for tid, entries in entries_by_text.items():
        row = row_of_tid[tid]
        for e in entries:
            m = measure_rows.setdefault((e.plan_id, e.item, e.measure), {"e": e, "title": -1, "points": []})
            if e.kind == "point":
                m["points"].append((e.n or 0, e.id, row))
            else:
                m["title"] = row
    measures: list[MeasureInfo] = []
    for key in sorted(measure_rows, key=lambda k: (k[0], measure_rows[k]["e"].id)):
        m = measure_rows[key]
        e = m["e"]
        measures.append(MeasureInfo(plan_id=e.plan_id, agency=e.agency, year=e.year, item=e.item, measure=e.measure,
                                    item_title=e.item_title, title=e.measure_title, title_row=m["title"],
                                    point_rows=tuple(r for _, _, r in sorted(m["points"]))))
    title_vecs = np.stack([vectors[m.title_row] if m.title_row >= 0 else np.zeros(dim, np.float32)
                           for m in measures]) if measures else np.zeros((0, dim), np.float32)
    return MeasureCatalogue(measures, title_vecs)
