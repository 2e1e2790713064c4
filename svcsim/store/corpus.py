"""The SQLite corpus: plans, their points and measure titles, and the embedding cache.

One plan per (agency, ROC year). Re-ingesting an unchanged file is a no-op; a changed file replaces
its plan inside one transaction, so a crash mid-ingest leaves the previous state intact.

This module holds the connection, its snapshots and write transactions; the SQL lives in
:mod:`svcsim.store.queries` (reading) and :mod:`svcsim.store.writes`, the row types and the plan
and text keys in :mod:`svcsim.store.records`.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from svcsim.errors import StoreError
from svcsim.model import Entry, EntryKind, Plan
from svcsim.store import queries, writes
from svcsim.store.connect import connect, explain
from svcsim.store.records import IngestAction, IngestOutcome, PlanInfo, content_digest, plan_key, text_key

__all__ = ["Corpus", "IngestAction", "IngestOutcome", "PlanInfo", "content_digest", "plan_key", "text_key"]


def _sql(method: Callable) -> Callable:
    """Turn any sqlite3.Error escaping a Corpus method into a StoreError naming the file and the fix."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise explain(self.path, exc) from exc

    return wrapper


class Corpus:
    """A corpus of parsed plans in one SQLite file.

    >>> corpus = Corpus.open("svcsim.db", create=True)          # doctest: +SKIP
    >>> corpus.add_plan(plan, path="plans/局_113.txt").action   # doctest: +SKIP
    'added'
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, *, readonly: bool = False) -> None:
        self._conn = conn
        self.path = path
        self.readonly = readonly
        self._corpus_id: str | None = None
        self._depth = 0                                  # snapshot nesting
        self._side: sqlite3.Connection | None = None     # cache writes during a snapshot
        self._pending: dict[tuple[str, str], bytes] = {}  # ...and what they wrote, visible to this snapshot

    # -- opening -------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = False, readonly: bool = False) -> "Corpus":
        """Open the corpus at ``path``.

        Args:
            create: make a new corpus when the file does not exist (or is an empty database).
            readonly: open with SQLite's ``mode=ro``, for commands that only read.

        Raises:
            StoreError: missing, not SQLite, somebody else's database (checked before anything is
                written to it), another format, locked, or unwritable; the message names the fix.
        """
        p = Path(path)
        conn, ro = connect(p, create=create, readonly=readonly)
        return cls(conn, p, readonly=ro)

    @property
    def corpus_id(self) -> str | None:
        """A random id made when the corpus was created; the index records it to detect a foreign index."""
        if self._corpus_id is None:
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'corpus_id'").fetchone()
            self._corpus_id = row[0] if row else None
        return self._corpus_id

    def close(self) -> None:
        self._conn.close()
        if self._side is not None:
            self._side.close()
            self._side = None

    def __enter__(self) -> "Corpus":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def snapshot(self) -> Iterator["Corpus"]:
        """Read everything inside the block from one consistent state of the corpus.

        A concurrent ingest commits whole plans, but a reader that runs two statements could see
        the plans before it and the entries after it; inside a snapshot it cannot. Nested calls
        join the outer snapshot. Embedding-cache writes made meanwhile go through a second
        connection (the cache is keyed by content, so that is safe) and stay visible here.

        >>> with corpus.snapshot():                         # doctest: +SKIP
        ...     entries, ids = corpus.entries(), corpus.text_ids_all()
        """
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        try:
            self._conn.execute("BEGIN")
            self._conn.execute("SELECT COUNT(*) FROM meta").fetchone()  # the snapshot starts at the first read
        except sqlite3.Error as exc:
            raise explain(self.path, exc) from exc
        self._depth = 1
        try:
            yield self
        finally:
            self._depth = 0
            self._pending.clear()
            if self._conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("COMMIT")

    # -- writing -------------------------------------------------------------------------------
    @_sql
    def add_plan(self, plan: Plan, *, path: str | os.PathLike[str] | None = None) -> IngestOutcome:
        """Insert or replace one plan atomically; the plan keeps its id when replaced.

        "Unchanged" compares the parsed content, not the file bytes, so the same plan re-saved as Big5,
        with other line endings or under another name is still a no-op.
        """
        key, digest = plan_key(plan), content_digest(plan)
        with self._transaction():
            return writes.put_plan(self._conn, plan, key=key, digest=digest, path=str(path or plan.file),
                                   text_id=self._text_id)

    def _text_id(self, text: str) -> int:
        return writes.text_row_id(self._conn, text_key(text), text)

    @_sql
    def remove_plan(self, plan_id: int) -> None:
        with self._transaction():
            writes.remove_plan(self._conn, plan_id)

    def _begin_write(self) -> None:
        if self.readonly:
            raise StoreError.from_key("store.readonly", path=self.path)
        if self._depth:
            raise StoreError.from_key("store.in_snapshot", path=self.path)
        self._conn.execute("BEGIN IMMEDIATE")

    def _rollback(self) -> None:
        # SQLite rolls back by itself on some errors (a full disk, for one): ROLLBACK then fails with
        # "no transaction is active" and would hide the real error, which is the one to report.
        if self._conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._begin_write()
        try:
            yield
            self._conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    # -- reading (the SQL is in svcsim.store.queries) --------------------------------------------
    @_sql
    def plans(self) -> list[PlanInfo]:
        return queries.plans(self._conn)

    @_sql
    def find_plan(self, ref: str | int) -> PlanInfo:
        """A plan by id, file name, or ``agency`` + year (``高雄市政府勞工局 114`` / ``…/2025``)."""
        return queries.match_plan(self.plans(), ref)

    @_sql
    def get_plan(self, ref: str | int) -> Plan:
        with self.snapshot():
            text = queries.plan_json(self._conn, self.find_plan(ref).id)
        return Plan.from_dict(json.loads(text))

    @_sql
    def entries(self, kind: EntryKind | None = None, *, plan_ids: Sequence[int] | None = None) -> list[Entry]:
        """All entries (points and measure titles) in a stable order: plan, then position in the plan."""
        return queries.entries(self._conn, kind, plan_ids)

    @_sql
    def entries_and_text_ids(self, kind: EntryKind | None = None) -> tuple[list[Entry], list[int]]:
        """:meth:`entries` and, row for row, the id of each entry's distinct text (see :meth:`distinct_texts`)."""
        return queries.entries_and_text_ids(self._conn, kind, None)

    @_sql
    def text_rows(self, text_ids: Sequence[int]) -> list[tuple[int, str, str]]:
        """(text id, cache key, text) of these text rows, by id."""
        return queries.text_rows(self._conn, text_ids)

    @_sql
    def text_ids(self, entry_ids: Iterable[int]) -> dict[int, int]:
        ids = list(entry_ids)
        with self.snapshot():
            return queries.text_ids(self._conn, ids)

    @_sql
    def entries_for_texts(self, text_ids: Sequence[int]) -> dict[int, list[Entry]]:
        """Entries grouped by text id (one distinct text may stand in many plans)."""
        wanted = set(int(t) for t in text_ids)
        by_text: dict[int, list[Entry]] = {t: [] for t in wanted}
        with self.snapshot():
            tid = self.text_ids_all()
            entries = self.entries()
        for e in entries:
            t = tid.get(e.id)
            if t in wanted:
                by_text[t].append(e)
        return by_text

    @_sql
    def text_ids_all(self) -> dict[int, int]:
        return queries.text_ids_all(self._conn)

    @_sql
    def distinct_texts(self) -> list[tuple[int, str, str]]:
        """(text id, cache key, text) of every text some entry uses now, by id."""
        return queries.distinct_texts(self._conn)

    @_sql
    def text_keys(self) -> dict[int, str]:
        """Cache key of every text row by id (rows are never deleted, so ids and keys are stable)."""
        return queries.text_keys(self._conn)

    @_sql
    def stats(self) -> dict[str, int]:
        with self.snapshot():
            return queries.stats(self._conn)

    # -- embedding cache (bytes only; svcsim.embed.cache calls the encoder) ---------------------------
    @_sql
    def cached_vectors(self, fingerprint: str, keys: Sequence[str]) -> dict[str, bytes]:
        out = queries.cached_vectors(self._conn, fingerprint, keys)
        if self._pending:
            out.update((k, v) for k in keys if (v := self._pending.get((fingerprint, k))) is not None)
        return out

    @_sql
    def vectors_by_text_id(self, fingerprint: str, text_ids: Sequence[int]) -> dict[int, bytes]:
        """The cached vector bytes under ``fingerprint`` of those text rows (:meth:`distinct_texts`)
        that have some, by text id; vectors put during the current snapshot included."""
        out = queries.vectors_by_text_id(self._conn, fingerprint, text_ids)
        if self._pending:
            pending = {k: v for (f, k), v in self._pending.items() if f == fingerprint}
            wanted = set(int(t) for t in text_ids)
            out.update((tid, pending[key]) for tid, key in queries.text_keys(self._conn).items()
                       if key in pending and tid in wanted)
        return out

    def put_vectors(self, fingerprint: str, dim: int, rows: Iterable[tuple[str, bytes]]) -> None:
        """Store vectors in the cache, committed at once (so an interrupted run keeps them)."""
        rows = [(fingerprint, k, dim, v) for k, v in rows]
        if self._depth or self.readonly:
            self._pending.update(((f, k), v) for f, k, _, v in rows)
            if self.readonly:
                return  # a read-only open keeps new vectors for this session only
            try:
                if self._side is None:
                    self._side = sqlite3.connect(str(self.path), timeout=30.0, isolation_level=None)
                with self._side:  # the sqlite3 context manager commits, or rolls back on error
                    self._side.execute("BEGIN IMMEDIATE")
                    writes.put_vectors(self._side, rows)
            except sqlite3.Error as exc:
                raise explain(self.path, exc) from exc
            return
        try:
            with self._transaction():
                writes.put_vectors(self._conn, rows)
        except sqlite3.Error as exc:
            raise explain(self.path, exc) from exc

