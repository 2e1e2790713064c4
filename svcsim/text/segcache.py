"""Segmentation kept per text: jieba runs once per distinct text, not once per analysis.

Innovation scoring and cluster labels both segment every point. At 100k points that is ~50k
distinct texts and most of their time, repeated on every refresh and in every process. A
:class:`SpanCache` keeps the token offsets of each text (:func:`~svcsim.text.segment.token_spans`)
in memory and, given a SQLite connection (the corpus database), in the table ``segment_spans``,
keyed by the segmenter's fingerprint and the sha256 of the exact text. After ``svcsim ingest``
adds a plan, the next analysis segments only the new plan's texts.

The fingerprint (:func:`segmenter_fingerprint`) covers everything the offsets depend on: the jieba
and OpenCC versions, jieba's dictionary file, the domain dictionary and the segmentation code. When
any changes, the stored offsets are not read (and are dropped at the next write). Offsets are stored
as little-endian int32 arrays (``start0, end0, start1, end1, …``), never pickled.

>>> cache = SpanCache()                                   # memory only; SpanCache(conn) persists
>>> text = "建立業務標準作業流程"
>>> [text[s:e] for s, e in cache.spans([text])[text]]     # doctest: +SKIP
['建立', '業務', '標準作業流程']
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

__all__ = ["SpanCache", "Spans", "segmenter_fingerprint"]

Spans = list[tuple[int, int]]
"""Token offsets into a text, in order: ``text[start:end]`` is the token (whitespace left out)."""

_FORMAT = "svcsim-segment-spans/1"
LOCK_WAIT_MS = 2000
_LOOKUP_MAX = 500  # texts looked up by hash; more are read with the whole table
"""How long storing offsets waits for another process' write lock before leaving it to the next analysis."""
_TABLE = ("CREATE TABLE IF NOT EXISTS segment_spans (segmenter TEXT NOT NULL, text_hash BLOB NOT NULL, "
          "spans BLOB NOT NULL, PRIMARY KEY (segmenter, text_hash)) WITHOUT ROWID")


def _sources() -> list[tuple[str, bytes]]:
    """What token offsets depend on, each as (name, bytes)."""
    from importlib.metadata import PackageNotFoundError, version

    out = [("format", _FORMAT.encode())]
    for dist in ("jieba", "opencc"):
        try:
            out.append((dist, version(dist).encode()))
        except PackageNotFoundError:
            out.append((dist, b"unknown"))
    jieba_dict = Path(resources.files("jieba").joinpath("dict.txt"))  # type: ignore[arg-type]
    out.append(("jieba/dict.txt", hashlib.sha256(jieba_dict.read_bytes()).digest()))
    text = resources.files("svcsim.text")
    out.append(("domain_dict.txt", text.joinpath("data", "domain_dict.txt").read_bytes()))
    for code in ("segment.py", "normalize.py"):  # tokenize and the width folding it applies
        out.append((code, text.joinpath(code).read_bytes()))
    return out


@lru_cache(maxsize=1)
def segmenter_fingerprint() -> str:
    """sha256 of what segmentation depends on (jieba/OpenCC versions, jieba's dictionary, the domain
    dictionary, ``segment.py``/``normalize.py``); read once per process."""
    h = hashlib.sha256()
    for name, data in _sources():
        h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


def _text_hash(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()[:16]


def _encode(spans: Spans) -> bytes:
    return np.asarray(spans, dtype="<i4").reshape(-1).tobytes()


def _decode(blob: bytes) -> Spans:
    flat = np.frombuffer(blob, dtype="<i4").tolist()
    it = iter(flat)
    return list(zip(it, it))


class SpanCache:
    """Token offsets per distinct text: in memory, and in ``conn``'s ``segment_spans`` table when given.

    Args:
        conn: a SQLite connection to keep the offsets in (the corpus database), or ``None``.
        writable: store newly segmented texts in ``conn`` (``False`` for a read-only corpus). Nothing
            is written while ``conn`` is inside a transaction (e.g. ``Corpus.snapshot()``).
        fingerprint: the segmenter fingerprint the rows are keyed by (default
            :func:`segmenter_fingerprint`; a test passes another to see rows ignored).

    Attributes:
        n_segmented: texts segmented by this cache so far (misses of memory and table).
        n_read: texts whose offsets were read from the table.
        n_not_kept: segmented texts left unstored because another process held the write lock for
            more than :data:`LOCK_WAIT_MS` (an ingest: the next analysis stores them).

    Raises:
        StoreError: from :meth:`spans`, when SQLite refuses to store the offsets for another reason
            (a full disk, a damaged file); nothing of the write is left behind.
    """

    def __init__(self, conn: sqlite3.Connection | None = None, *, writable: bool = True,
                 fingerprint: str | None = None) -> None:
        self.conn = conn
        self.writable = writable
        self.fingerprint = fingerprint
        self.n_segmented = 0
        self.n_read = 0
        self.n_not_kept = 0
        self._memo: dict[str, Spans] = {}
        self._rows: dict[bytes, bytes] | None = {} if conn is None else None  # the table's blobs, once read

    def spans(self, texts: Iterable[str]) -> dict[str, Spans]:
        """``{text: token offsets}`` for every distinct text of ``texts``; segments only the texts
        neither in memory nor in the table, and stores those."""
        from svcsim.text.segment import token_spans

        want = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if want and self.conn is not None:
            self._read_table(want)
            want = [t for t in want if t not in self._memo]
        new = {t: token_spans(t) for t in want}
        self.n_segmented += len(new)
        self._memo.update(new)
        if new and self.conn is not None and self.writable and not self.conn.in_transaction:
            self._write(new)
        return self._memo

    def _key(self) -> str:
        return self.fingerprint or segmenter_fingerprint()

    def _read_table(self, texts: list[str]) -> None:
        # a few texts (a new plan's) are looked up by hash; many are read in one pass over this
        # segmenter's rows (~10 MB at 100k points), kept undecoded for later calls
        rows = self._rows
        hashes = [_text_hash(t) for t in texts]
        if rows is None:
            try:
                if len(texts) <= _LOOKUP_MAX:
                    marks = ",".join("?" * len(hashes))
                    rows = dict(self.conn.execute(
                        f"SELECT text_hash, spans FROM segment_spans WHERE segmenter = ? AND text_hash IN ({marks})",
                        (self._key(), *hashes)))
                else:
                    rows = self._rows = dict(self.conn.execute(
                        "SELECT text_hash, spans FROM segment_spans WHERE segmenter = ?", (self._key(),)))
            except sqlite3.OperationalError:  # a database from before the table existed
                self._rows = {}
                return
        for t, h in zip(texts, hashes):
            blob = rows.get(h)
            if blob is not None:
                self._memo[t] = _decode(blob)
                self.n_read += 1

    def _write(self, new: dict[str, Spans]) -> None:
        conn, key = self.conn, self._key()
        # a writer's transactions (one plan, one chunk of vectors) are short; waiting SQLite's whole
        # busy timeout would hold up the answer for a mere speed-up: the next analysis keeps them
        waited = conn.execute("PRAGMA busy_timeout").fetchone()[0]
        conn.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc).lower() or "busy" in str(exc).lower():
                self.n_not_kept += len(new)
                return
            raise _explain(conn, exc) from exc
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(waited)}")
        try:
            conn.execute(_TABLE)
            # offsets of another segmenter are never read again: drop them rather than let them pile up
            conn.execute("DELETE FROM segment_spans WHERE segmenter != ?", (key,))
            conn.executemany("INSERT OR REPLACE INTO segment_spans(segmenter, text_hash, spans) VALUES (?, ?, ?)",
                             [(key, _text_hash(t), sqlite3.Binary(_encode(s))) for t, s in new.items()])
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:  # SQLite rolls back by itself on some errors (a full disk)
                conn.execute("ROLLBACK")
            raise _explain(conn, exc) from exc
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def _explain(conn: sqlite3.Connection, exc: sqlite3.Error) -> Exception:
    """The store's one-line error naming the database file, what SQLite said and what to do."""
    from svcsim.store.connect import explain

    row = conn.execute("PRAGMA database_list").fetchone()
    return explain(Path(row[2]) if row and row[2] else Path(":memory:"), exc)
