"""The suggestion tables kept in the corpus database, keyed by the model and the corpus state.

A cold ``svcsim suggest`` at 100k points spent ~3 s deriving the tables of
:mod:`svcsim.suggest.tables` and ~1 s reading 50k cached vectors; both only change when a plan is
added, replaced or removed, or the model changes. So the first process to build them keeps them
here (two tables of their own beside the corpus), and later processes read them when the key
matches: the same pattern as :mod:`svcsim.analysis.store`.

The key is the sha256 of: the format below, the model fingerprint and dimension, every plan's
(id, plan key, content hash, agency, years, file) — what the entries and their fields come from —
the row text ids, and the code and data of the modules that derive the tables. Anything else is a
miss, and the tables are computed again.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

FORMAT = 1
LOCK_WAIT_MS = 2000
"""How long keeping the tables waits for another process's write lock before leaving it to the next process."""

_TABLES = """
CREATE TABLE IF NOT EXISTS suggest_tables (name TEXT PRIMARY KEY, key TEXT NOT NULL,
    manifest TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS suggest_parts (name TEXT NOT NULL, part TEXT NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (name, part)) WITHOUT ROWID
"""

# what the tables are derived by: a change to any of these files is a new key
_CODE = ("suggest/tables.py", "suggest/measures.py", "suggest/keep.py", "text/normalize.py", "text/hidden.py")


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """sha256 of the modules that derive the tables (``svcsim/suggest/{tables,measures,keep}.py``,
    and the match key's ``svcsim/text/{normalize,hidden}.py``). Read once per process."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for sub in _CODE:
        h.update(sub.encode())
        h.update(hashlib.sha256((root / sub).read_bytes()).digest())
    return h.hexdigest()


def name_for(fingerprint: str) -> str:
    """The stored name of the tables of one model: each model keeps its own."""
    return f"suggest/{fingerprint}"


def tables_key(conn: sqlite3.Connection, fingerprint: str, dim: int, text_ids: np.ndarray) -> str:
    """The key stored tables must carry to be read for this corpus state, model and row text ids."""
    plans = conn.execute("SELECT id, plan_key, content_hash, agency, roc_year, year, file FROM plans ORDER BY id")
    h = hashlib.sha256()
    h.update(json.dumps([FORMAT, fingerprint, int(dim), code_fingerprint(), plans.fetchall()],
                        ensure_ascii=False).encode())
    h.update(np.ascontiguousarray(text_ids, dtype=np.int64).tobytes())
    return h.hexdigest()


def read_parts(conn: sqlite3.Connection, name: str, key: str) -> dict[str, bytes] | None:
    """The parts stored under ``name`` when they carry ``key``, else ``None``."""
    try:
        row = conn.execute("SELECT key FROM suggest_tables WHERE name = ?", (name,)).fetchone()
        if row is None or row[0] != key:
            return None
        return dict(conn.execute("SELECT part, data FROM suggest_parts WHERE name = ?", (name,)))
    except sqlite3.OperationalError:  # a database from before the tables existed
        return None


def write_parts(corpus, name: str, key: str, parts: dict[str, bytes], manifest: dict) -> bool:
    """Replace what is stored under ``name`` with ``parts``, in one transaction.

    Returns ``False`` without writing when the corpus is read-only, inside
    :meth:`~svcsim.store.Corpus.snapshot`, or another process holds the write lock for more than
    :data:`LOCK_WAIT_MS` (an ingest: the next process keeps them).

    Raises:
        StoreError: SQLite refused the write otherwise (a full disk, a damaged file); nothing of it
            is left behind.
    """
    from svcsim.store.connect import explain

    conn = corpus._conn  # noqa: SLF001 - the tables live in the corpus' own database
    if corpus.readonly or conn.in_transaction:
        return False
    # A writer's transactions (one plan, one chunk of vectors) are short; waiting SQLite's full busy
    # timeout (30 s) would hold up the answer this process is about to give, for a mere speed-up.
    waited = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            return False
        raise explain(corpus.path, exc) from exc
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(waited)}")
    try:
        for stmt in _TABLES.split(";"):
            conn.execute(stmt)
        conn.execute("DELETE FROM suggest_parts WHERE name = ?", (name,))
        conn.execute("DELETE FROM suggest_tables WHERE name = ?", (name,))
        conn.execute("INSERT INTO suggest_tables(name, key, manifest, created_at) VALUES (?, ?, ?, ?)",
                     (name, key, json.dumps({"format": FORMAT, **manifest}, ensure_ascii=False),
                      datetime.now(timezone.utc).isoformat(timespec="seconds")))
        conn.executemany("INSERT INTO suggest_parts(name, part, data) VALUES (?, ?, ?)",
                         [(name, p, sqlite3.Binary(d)) for p, d in parts.items()])
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        _rollback(conn)
        raise explain(corpus.path, exc) from exc
    except BaseException:
        _rollback(conn)
        raise
    return True


def _rollback(conn: sqlite3.Connection) -> None:
    # SQLite rolls back by itself on some errors (a full disk): ROLLBACK would then fail and hide them
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass


def stored_names(conn: sqlite3.Connection) -> Sequence[str]:
    """Names of the tables kept in this database (one per model)."""
    try:
        return [r[0] for r in conn.execute("SELECT name FROM suggest_tables ORDER BY name")]
    except sqlite3.OperationalError:
        return []
