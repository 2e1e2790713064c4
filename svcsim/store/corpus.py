"""The SQLite corpus: plans, their points and measure titles, and the embedding cache.

One plan per (agency, ROC year). Re-ingesting an unchanged file is a no-op; a changed file replaces
its plan inside one transaction, so a crash mid-ingest leaves the previous state intact.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from svcsim.errors import InputError, StoreError
from svcsim.model import Entry, EntryKind, Plan
from svcsim.store.connect import connect, explain

IngestAction = Literal["added", "replaced", "unchanged"]


def _sql(method: Callable) -> Callable:
    """Turn any sqlite3.Error escaping a Corpus method into a StoreError naming the file and the fix."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise explain(self.path, exc) from exc

    return wrapper


def text_key(text: str) -> str:
    """Cache key of a text: sha1 of its NFC form with whitespace runs collapsed.

    Deliberately lighter than the matching normalisation: punctuation and width reach the model, so
    texts differing only there may embed differently and must not share a cache row.
    """
    norm = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PlanInfo:
    id: int
    file: str
    path: str
    agency: str
    roc_year: int | None
    year: int | None
    title: str
    content_hash: str
    n_points: int
    ingested_at: str


@dataclass(frozen=True)
class IngestOutcome:
    plan_id: int
    action: IngestAction
    file: str
    points_added: int
    points_removed: int


def content_digest(plan: Plan) -> str:
    """sha256 of the parsed content (everything but the file name and raw-byte hash)."""
    d = plan.to_dict()
    d.pop("file", None)
    d.pop("content_hash", None)
    return hashlib.sha256(json.dumps(d, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def plan_key(plan: Plan) -> str:
    """The identity of a plan in the corpus: one plan per agency per ROC year."""
    return _plan_key(plan)


def _plan_key(plan: Plan) -> str:
    if plan.agency and plan.roc_year is not None:
        return f"{plan.agency}|{plan.roc_year}"
    return f"file:{plan.file}"


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
        key = _plan_key(plan)
        digest = content_digest(plan)
        c = self._conn
        self._begin_write()
        try:
            old = c.execute("SELECT id, content_hash, n_points FROM plans WHERE plan_key = ?", (key,)).fetchone()
            if old is not None and old[1] == digest:
                c.execute("COMMIT")
                return IngestOutcome(old[0], "unchanged", plan.file, 0, 0)
            values = (plan.file, str(path or plan.file), plan.agency, plan.roc_year, plan.year, plan.title, digest,
                      plan.n_points, json.dumps(plan.to_dict(), ensure_ascii=False), time.strftime("%Y-%m-%dT%H:%M:%S"))
            cols = "file, path, agency, roc_year, year, title, content_hash, n_points, plan_json, ingested_at"
            removed = 0
            if old is not None:
                plan_id, removed = int(old[0]), int(old[2])
                c.execute("DELETE FROM entries WHERE plan_id = ?", (plan_id,))
                c.execute(f"UPDATE plans SET ({cols}) = ({','.join('?' * len(values))}) WHERE id = ?", (*values, plan_id))
            else:
                plan_id = int(c.execute(f"INSERT INTO plans(plan_key, {cols}) VALUES (?{',?' * len(values)})",
                                        (key, *values)).lastrowid)
            rows = []
            for ord_, e in enumerate(_plan_entries(plan)):
                rows.append((plan_id, ord_, e.kind, e.item, e.item_title, e.measure, e.measure_title, e.n,
                             e.text, json.dumps(list(e.units), ensure_ascii=False), self._text_id(e.text)))
            c.executemany(
                "INSERT INTO entries(plan_id, ord, kind, item, item_title, measure, measure_title, n, text,"
                " units, text_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
            c.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        return IngestOutcome(plan_id, "replaced" if old is not None else "added", plan.file,
                             plan.n_points, removed)

    def _text_id(self, text: str) -> int:
        k = text_key(text)
        row = self._conn.execute("SELECT id FROM texts WHERE key = ?", (k,)).fetchone()
        if row is not None:
            return int(row[0])
        return int(self._conn.execute("INSERT INTO texts(key, text) VALUES (?, ?)", (k, text)).lastrowid)

    @_sql
    def remove_plan(self, plan_id: int) -> None:
        with self._transaction():
            self._conn.execute("DELETE FROM entries WHERE plan_id = ?", (plan_id,))
            self._conn.execute("DELETE FROM plans WHERE id = ?", (plan_id,))

    def _begin_write(self) -> None:
        if self.readonly:
            raise StoreError(f"{self.path}: opened read-only; open it with Corpus.open(path) to write")
        if self._depth:
            raise StoreError(f"{self.path}: cannot write plans inside Corpus.snapshot(); write before or after it")
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

    # -- reading -------------------------------------------------------------------------------
    @_sql
    def plans(self) -> list[PlanInfo]:
        rows = self._conn.execute(
            "SELECT id, file, path, agency, roc_year, year, title, content_hash, n_points, ingested_at"
            " FROM plans ORDER BY agency, roc_year, file"
        ).fetchall()
        return [PlanInfo(*r) for r in rows]

    @_sql
    def find_plan(self, ref: str | int) -> PlanInfo:
        """A plan by id, file name, or ``agency`` + year (``高雄市政府勞工局 114`` / ``…/2025``)."""
        plans = self.plans()
        s = str(ref).strip()
        if s.isdigit():
            hit = [p for p in plans if p.id == int(s)]
            if hit:
                return hit[0]
        hit = [p for p in plans if p.file == s or Path(p.path).name == s or p.path == s]
        if not hit:
            parts = s.replace("/", " ").split()
            if len(parts) >= 2 and parts[-1].isdigit():
                agency, y = " ".join(parts[:-1]), int(parts[-1])
                hit = [p for p in plans if p.agency == agency and y in (p.roc_year, p.year)]
        if not hit:
            hit = [p for p in plans if s and s in p.agency]
        if len(hit) != 1:
            known = ", ".join(f"{p.id}:{p.file}" for p in plans[:10]) or "none"
            why = "matches no plan" if not hit else f"matches {len(hit)} plans"
            raise InputError(s, f"{why}; give a plan id, file name, or 'AGENCY YEAR' (plans: {known})")
        return hit[0]

    @_sql
    def get_plan(self, ref: str | int) -> Plan:
        with self.snapshot():
            info = self.find_plan(ref)
            row = self._conn.execute("SELECT plan_json FROM plans WHERE id = ?", (info.id,)).fetchone()
        return Plan.from_dict(json.loads(row[0]))

    @_sql
    def entries(self, kind: EntryKind | None = None, *, plan_ids: Sequence[int] | None = None) -> list[Entry]:
        """All entries (points and measure titles) in a stable order: plan, then position in the plan."""
        sql = (
            "SELECT e.id, e.kind, p.agency, p.year, p.file, e.item, e.measure, e.n, e.text, e.plan_id,"
            " e.item_title, e.measure_title, e.units FROM entries e JOIN plans p ON p.id = e.plan_id"
        )
        cond, args = [], []
        if kind is not None:
            cond.append("e.kind = ?")
            args.append(kind)
        if plan_ids is not None:
            cond.append(f"e.plan_id IN ({','.join('?' * len(plan_ids))})")
            args.extend(plan_ids)
        if cond:
            sql += " WHERE " + " AND ".join(cond)
        sql += " ORDER BY p.agency, p.roc_year, p.file, e.ord"
        return [
            Entry(id=r[0], kind=r[1], agency=r[2], year=r[3], file=r[4], item=r[5], measure=r[6], n=r[7],
                  text=r[8], plan_id=r[9], item_title=r[10], measure_title=r[11], units=tuple(json.loads(r[12])))
            for r in self._conn.execute(sql, args)
        ]

    @_sql
    def text_ids(self, entry_ids: Iterable[int]) -> dict[int, int]:
        ids = list(entry_ids)
        out: dict[int, int] = {}
        with self.snapshot():
            for i in range(0, len(ids), 900):
                chunk = ids[i : i + 900]
                q = f"SELECT id, text_id FROM entries WHERE id IN ({','.join('?' * len(chunk))})"
                out.update(self._conn.execute(q, chunk).fetchall())
        return out

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
        return dict(self._conn.execute("SELECT id, text_id FROM entries").fetchall())

    @_sql
    def distinct_texts(self) -> list[tuple[int, str, str]]:
        """(text id, cache key, text) of every text some entry uses now, by id."""
        return self._conn.execute(
            "SELECT t.id, t.key, t.text FROM texts t WHERE EXISTS (SELECT 1 FROM entries e WHERE e.text_id = t.id)"
            " ORDER BY t.id"
        ).fetchall()

    @_sql
    def text_keys(self) -> dict[int, str]:
        """Cache key of every text row by id (rows are never deleted, so ids and keys are stable)."""
        return dict(self._conn.execute("SELECT id, key FROM texts").fetchall())

    @_sql
    def stats(self) -> dict[str, int]:
        c = self._conn
        with self.snapshot():
            return {
                "plans": c.execute("SELECT COUNT(*) FROM plans").fetchone()[0],
                "points": c.execute("SELECT COUNT(*) FROM entries WHERE kind = 'point'").fetchone()[0],
                "measure_titles": c.execute("SELECT COUNT(*) FROM entries WHERE kind = 'measure_title'").fetchone()[0],
                "distinct_texts": c.execute("SELECT COUNT(DISTINCT text_id) FROM entries").fetchone()[0],
            }

    # -- embedding cache (bytes only; svcsim.embed.cache calls the encoder) ---------------------------
    @_sql
    def cached_vectors(self, fingerprint: str, keys: Sequence[str]) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        for i in range(0, len(keys), 900):
            chunk = list(keys[i : i + 900])
            q = f"SELECT text_key, vector FROM embeddings WHERE fingerprint = ? AND text_key IN ({','.join('?' * len(chunk))})"
            out.update(self._conn.execute(q, [fingerprint, *chunk]).fetchall())
        if self._pending:
            out.update((k, v) for k in keys if (v := self._pending.get((fingerprint, k))) is not None)
        return out

    def put_vectors(self, fingerprint: str, dim: int, rows: Iterable[tuple[str, bytes]]) -> None:
        """Store vectors in the cache, committed at once (so an interrupted run keeps them)."""
        rows = [(fingerprint, k, dim, v) for k, v in rows]
        sql = "INSERT OR REPLACE INTO embeddings(fingerprint, text_key, dim, vector) VALUES (?, ?, ?, ?)"
        if self._depth or self.readonly:
            self._pending.update(((f, k), v) for f, k, _, v in rows)
            if self.readonly:
                return  # a read-only open keeps new vectors for this session only
            try:
                if self._side is None:
                    self._side = sqlite3.connect(str(self.path), timeout=30.0, isolation_level=None)
                with self._side:  # the sqlite3 context manager commits, or rolls back on error
                    self._side.execute("BEGIN IMMEDIATE")
                    self._side.executemany(sql, rows)
            except sqlite3.Error as exc:
                raise explain(self.path, exc) from exc
            return
        try:
            with self._transaction():
                self._conn.executemany(sql, rows)
        except sqlite3.Error as exc:
            raise explain(self.path, exc) from exc


def _plan_entries(plan: Plan) -> list[Entry]:
    from svcsim.model import entries_from_plans

    return entries_from_plans([plan])
