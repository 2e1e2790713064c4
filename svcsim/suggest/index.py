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

These tables (:mod:`svcsim.suggest.tables`) take seconds to derive at 100k points and change only
with the corpus or the model, so :meth:`SuggestIndex.keep` keeps them in the corpus database and
:meth:`SuggestIndex.load` reads them back when they are current (:mod:`svcsim.suggest.keep`); the
points of a row are gathered from the entries when the row is first read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from svcsim.embedded import EmbeddedCorpus
from svcsim.errors import InputError
from svcsim.model import Entry
from svcsim.suggest.copying import shingles
from svcsim.suggest.measures import MeasureSlot
from svcsim.suggest.results import MeasureRef
from svcsim.suggest.tables import NO_POINTS, SHARED, SuggestTables

EXACT_NUMPY_BELOW = 20_000
"""Up to this many texts, retrieval is one exact numpy product instead of a FAISS search."""

__all__ = ["EXACT_NUMPY_BELOW", "NO_POINTS", "SHARED", "SuggestIndex"]  # SHARED, NO_POINTS: values of ``owner``


class SuggestIndex:
    """The corpus's distinct texts, their vectors, the FAISS index over them and the derived tables.

    Build it with :meth:`build` or :meth:`load`; the constructor takes parts already read and only
    derives the in-memory tables (no file is read or written). Treat it as read-only.
    :meth:`keep` keeps the derived tables in the corpus database for the next process.

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
        tables: the derived :class:`~svcsim.suggest.tables.SuggestTables` the attributes above come from.
    """

    def __init__(self, encoder, vector_index, texts: Sequence[tuple[int, str]], vectors: np.ndarray,
                 entries_by_text: Mapping[int, Sequence[Entry]], *, tables: SuggestTables | None = None) -> None:
        """``texts`` are (text id, text) by id, ``vectors`` row-aligned with them, ``entries_by_text`` every
        entry using each text id (as :class:`~svcsim.index.corpus_index.CorpusIndex` holds them);
        ``tables`` the derived tables when already known (:meth:`load` reads them from the database),
        else they are computed here."""
        self.encoder = encoder
        self.vector_index = vector_index
        self.text_ids = _frozen(np.array([t for t, _ in texts], dtype=np.int64))
        self._row_of_tid = {int(t): i for i, t in enumerate(self.text_ids.tolist())}
        self.texts: tuple[str, ...] = tuple(t for _, t in texts)
        self._points = _RowPoints(entries_by_text, self.text_ids)
        if tables is None:
            tables = SuggestTables.compute(self.texts, vectors, self._row_of_tid, self._points, entries_by_text,
                                           encoder.dim)
        self.tables = tables
        self._keep: tuple[str, str] | None = None  # (name, key) of computed tables load() can keep
        self.vectors = _frozen(tables.vectors)
        self.key_group = _frozen(tables.key_group)
        self._key_gid = {k: g for g, k in enumerate(tables.match_keys)}
        self.agencies: tuple[str, ...] = tables.agencies
        self._agency_id = {a: i for i, a in enumerate(self.agencies)}
        self.owner = _frozen(tables.owner)
        self._group_agencies: dict[int, frozenset[str]] = {}
        self.catalogue = tables.catalogue
        self.shingles = _Shingles(self.texts)
        # Keyed by id: slots are unhashable and live as long as the catalogue.
        self._slot_rows = {id(s): _frozen(r) for s, r in zip(self.catalogue.slots, tables.slot_rows)}
        self._slot_browse = {id(s): (_frozen(r), _frozen(c)) for s, (r, c) in zip(self.catalogue.slots,
                                                                                  tables.slot_browse)}

    # -- building --------------------------------------------------------------------------------
    @classmethod
    def build(cls, corpus, encoder, *, show_progress: bool = False) -> "SuggestIndex":
        """Bring the corpus's FAISS index up to date, then :meth:`load` it.

        Embeds only the texts the cache lacks and writes the index beside the corpus
        (``corpus.db`` → ``corpus.index/``), as ``svcsim index`` does, and keeps the tables
        (:meth:`keep`).

        Raises:
            IndexMismatchError: the index on disk was built with another model
                (``svcsim index --rebuild``).
        """
        from svcsim.index.corpus_index import update_index

        update_index(corpus, encoder, show_progress=show_progress)
        index = cls.load(corpus, encoder)
        index.keep(corpus)  # a no-op inside a snapshot: the caller keeps them after it
        return index

    @classmethod
    def load(cls, corpus, encoder) -> "SuggestIndex":
        """The index ``svcsim index`` (or :meth:`build`) wrote, with the tables; writes nothing.

        Reads the corpus once, from one consistent state of it. The tables (and the row vectors)
        come from the database when :meth:`keep` kept them for this corpus state and model, else
        they are computed from the corpus and the embedding cache; :meth:`keep` then keeps them.

        Raises:
            IndexMismatchError: no index yet, one built with another model, or one behind the
                corpus (run ``svcsim index``).
        """
        from svcsim.embed.cache import vectors_for_texts
        from svcsim.index.corpus_index import CorpusIndex
        from svcsim.suggest import keep

        name = keep.name_for(encoder.fingerprint)
        with corpus.snapshot():
            opened = CorpusIndex.open(corpus, encoder)
            texts = corpus.distinct_texts()
            tids = np.fromiter((i for i, _, _ in texts), dtype=np.int64, count=len(texts))
            key = keep.tables_key(corpus._conn, encoder.fingerprint, encoder.dim, tids)  # noqa: SLF001
            tables = _stored(keep.read_parts(corpus._conn, name, key), len(texts), encoder.dim)  # noqa: SLF001
            if tables is None:
                vecs, _ = vectors_for_texts(corpus, encoder, [(k, t) for _, k, t in texts])
        if tables is None:
            vectors = (np.stack([vecs[k] for _, k, _ in texts]).astype(np.float32) if texts
                       else np.zeros((0, encoder.dim), np.float32))
        else:
            vectors = tables.vectors
        index = cls(encoder, opened.index, [(i, t) for i, _, t in texts], vectors, opened.by_text, tables=tables)
        index._keep = (name, key) if tables is None else None
        return index

    def keep(self, corpus) -> bool:
        """Keep the tables :meth:`load` computed in the corpus database, so the next process reads them.

        Returns whether they were written: not when they were read (already kept), the index was
        not loaded from ``corpus``, or the corpus is read-only, inside a snapshot or locked by a writer.

        Raises:
            StoreError: SQLite refused the write (a full disk, a damaged file); the index stays usable.
        """
        if self._keep is None:
            return False
        from svcsim.suggest import keep

        name, key = self._keep
        done = keep.write_parts(corpus, name, key, self.tables.to_parts(),
                                {"model": self.encoder.fingerprint, "dim": int(self.encoder.dim), "rows": len(self),
                                 "measures": len(self.catalogue.measures), "slots": len(self.catalogue.slots)})
        if done:
            self._keep = None
        return done

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
        return np.flatnonzero(self.key_group == gid).tolist() if gid is not None else []

    def group_agencies(self, group: int) -> frozenset[str]:
        """Agencies with a point in the match-key copy group ``group`` (a value of :attr:`key_group`)."""
        got = self._group_agencies.get(group)
        if got is None:  # two threads may both compute a group: the same value, harmless
            gids = self.tables.group_gids
            lo, hi = np.searchsorted(gids, [group, group + 1]).tolist()
            got = self._group_agencies[group] = frozenset(self.agencies[a] for a in self.tables.group_aids[lo:hi].tolist())
        return got

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


class _RowPoints:
    """The points of each row by entry id, gathered when a row is first asked for (a query reads a
    few dozen rows; only :meth:`SuggestIndex.points` and building the tables read them all)."""

    def __init__(self, entries_by_text: Mapping[int, Sequence[Entry]], text_ids: np.ndarray) -> None:
        self._by_text = entries_by_text
        self._tids = text_ids.tolist()
        self._done: dict[int, tuple[Entry, ...]] = {}

    def __len__(self) -> int:
        return len(self._tids)

    def __getitem__(self, row: int) -> tuple[Entry, ...]:
        got = self._done.get(row)
        if got is None:  # two threads may both gather a row: the same value, harmless
            es = [e for e in self._by_text.get(self._tids[row], ()) if e.kind == "point"]
            got = self._done[row] = tuple(sorted(es, key=lambda e: e.id))
        return got

    def __iter__(self):
        return (self[r] for r in range(len(self._tids)))


def _stored(parts: dict[str, bytes] | None, n_rows: int, dim: int) -> SuggestTables | None:
    """The tables kept in ``parts``, or ``None`` (none kept, or not readable: they are recomputed)."""
    if parts is None:
        return None
    try:
        tables = SuggestTables.from_parts(parts)
    except (KeyError, ValueError, TypeError):
        return None
    return tables if tables.vectors.shape == (n_rows, dim) and len(tables.key_group) == n_rows else None
