"""Opening a corpus file safely, and turning SQLite's errors into one clear line.

A file is inspected read-only before anything is written to it: svcsim never adds its tables to,
or switches to WAL, a database that is not its own. Creation runs in one ``BEGIN IMMEDIATE``
transaction with ``INSERT OR IGNORE`` for the meta rows, so two first-time ingests racing on the
same new file both succeed and agree on one corpus id.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from svcsim.errors import StoreError
from svcsim.i18n import t
from svcsim.store.schema import FORMAT_VERSION, SCHEMA

TIMEOUT = 30.0
"""Seconds a statement waits for another process's write lock before giving up."""

SVCSIM_TABLES = frozenset({"meta", "plans", "texts", "entries", "embeddings"})

FileKind = Literal["svcsim", "empty"]


def explain(path: Path, exc: sqlite3.Error) -> StoreError:
    """One line naming the file, what SQLite said and what to do about it."""
    msg = str(exc) or type(exc).__name__
    low = msg.lower()
    if "full" in low:
        how = t("store.how.full")
    elif "locked" in low or "busy" in low:
        how = t("store.how.locked", seconds=TIMEOUT)
    elif "readonly" in low or "read-only" in low:
        how = t("store.how.readonly")
    elif "malformed" in low or "not a database" in low or "corrupt" in low:
        how = t("store.how.damaged")
    elif "unable to open" in low:
        how = t("store.how.open")
    elif "disk i/o" in low:
        how = t("store.how.io")
    else:
        how = t("store.how.other")
    return StoreError(t("store.sqlite", path=path, detail=msg, how=how))


def _ro_uri(path: Path) -> str:
    return f"file:{quote(str(path.resolve()))}?mode=ro"


def inspect(path: Path) -> FileKind:
    """What ``path`` holds, read without writing: an svcsim corpus, or an empty database.

    Raises:
        StoreError: the file is not SQLite, or is somebody else's database.
    """
    try:
        conn = sqlite3.connect(_ro_uri(path), uri=True, timeout=TIMEOUT)
        try:
            try:
                tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            except sqlite3.OperationalError as exc:
                if "readonly" not in str(exc):
                    raise
                # a writer was killed mid-transaction and left a hot journal, which only a read-write
                # connection may roll back (as any SQLite client would); still nothing of ours is written
                conn.close()
                conn = sqlite3.connect(str(path), timeout=TIMEOUT)
                tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not tables:
                return "empty"
            version = None
            if "meta" in tables:
                cols = {r[1] for r in conn.execute("PRAGMA table_info(meta)")}
                if {"key", "value"} <= cols:
                    row = conn.execute("SELECT value FROM meta WHERE key = 'format_version'").fetchone()
                    version = row[0] if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError.from_key("store.not_usable", path=path, detail=exc) from exc
    if version is None:
        shown = ", ".join(sorted(tables)[:6]) + (", ..." if len(tables) > 6 else "")
        raise StoreError.from_key("store.not_svcsim", path=path, tables=shown)
    return "svcsim"


def _begin_immediate(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN IMMEDIATE")


def initialise(conn: sqlite3.Connection) -> None:
    """Create the tables and meta rows if missing, in one write transaction (safe under races)."""
    _begin_immediate(conn)
    try:
        for stmt in SCHEMA.split(";"):
            if stmt.strip():
                conn.execute(stmt)
        conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('format_version', ?)", (str(FORMAT_VERSION),))
        conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('corpus_id', ?)", (uuid.uuid4().hex,))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


PAGE_SIZE = 16384
"""The page size of a new corpus database (an existing one keeps its own; ``VACUUM`` would change it)."""


def _set_wal(conn: sqlite3.Connection) -> None:
    # Changing the journal mode needs the file to itself for a moment; the busy handler does not
    # always apply to it, so retry like a busy statement would.
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def connect(path: Path, *, create: bool, readonly: bool) -> tuple[sqlite3.Connection, bool]:
    """An open connection to the corpus at ``path`` and whether it is read-only.

    ``create``: make a new corpus when the file is missing or an empty database.
    ``readonly``: open with ``mode=ro`` (for commands that only read).
    """
    if path.is_dir():
        raise StoreError.from_key("store.is_folder", path=path)
    exists = path.exists()
    if not exists:
        if not create:
            raise StoreError.from_key("error.no_corpus", path=path)
        _make_parent(path)
        kind: FileKind = "empty"
    else:
        kind = inspect(path)
        if kind == "empty" and not create:
            raise StoreError.from_key("store.empty", path=path)
    try:
        if readonly and kind == "svcsim":
            conn = sqlite3.connect(_ro_uri(path), uri=True, timeout=TIMEOUT, isolation_level=None)
        else:
            readonly = False
            conn = sqlite3.connect(str(path), timeout=TIMEOUT, isolation_level=None)
            conn.execute("PRAGMA synchronous = NORMAL")
            if kind == "empty":
                # 16 KiB pages (before WAL, which fixes the size): the stored analyses are ~10² MB of
                # blobs rewritten on every refresh; at the default 4 KiB SQLite spends ~0.45 s writing
                # 80 MB of them and 0.08 s reading them back, at 16 KiB 0.27 and 0.05 s
                conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
                _set_wal(conn)  # first, so a creator killed mid-way leaves no hot rollback journal
                initialise(conn)
        conn.execute("PRAGMA foreign_keys = ON")
        row = conn.execute("SELECT value FROM meta WHERE key = 'format_version'").fetchone()
        if row is None or str(row[0]) != str(FORMAT_VERSION):
            conn.close()
            raise StoreError.from_key("store.format", path=path, found=row[0] if row else "?", expected=FORMAT_VERSION)
        if not readonly and conn.execute("SELECT 1 FROM meta WHERE key = 'corpus_id'").fetchone() is None:
            initialise(conn)  # a corpus made before corpus ids: give it one (and any missing table)
    except sqlite3.Error as exc:
        raise explain(path, exc) from exc
    return conn, readonly


def _make_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        blocker = next((p for p in [path.parent, *path.parent.parents] if p.exists() and not p.is_dir()), path.parent)
        raise StoreError.from_key("store.parent_is_file", path=path, blocker=blocker) from exc
    except OSError as exc:
        raise StoreError.from_key("store.parent_failed", path=path, folder=path.parent,
                                  detail=exc.strerror or exc) from exc
