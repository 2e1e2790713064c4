"""The SQL that changes the plans, run inside the write transaction :class:`Corpus` holds.

:class:`svcsim.store.corpus.Corpus` opens the transaction (refusing a read-only corpus or an open
snapshot), commits it, or rolls it back on any error, so these functions never leave half a plan.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable

from svcsim.model import Entry, Plan
from svcsim.store.records import IngestOutcome


def put_plan(conn: sqlite3.Connection, plan: Plan, *, key: str, digest: str, path: str,
             text_id: Callable[[str], int]) -> IngestOutcome:
    """Insert ``plan`` under ``key``, replace the plan stored under it (which keeps its id), or
    leave it when its content ``digest`` is the same; ``text_id`` gives each entry's text row."""
    old = conn.execute("SELECT id, content_hash, n_points FROM plans WHERE plan_key = ?", (key,)).fetchone()
    if old is not None and old[1] == digest:
        return IngestOutcome(old[0], "unchanged", plan.file, 0, 0)
    values = (plan.file, path, plan.agency, plan.roc_year, plan.year, plan.title, digest,
              plan.n_points, json.dumps(plan.to_dict(), ensure_ascii=False), time.strftime("%Y-%m-%dT%H:%M:%S"))
    cols = "file, path, agency, roc_year, year, title, content_hash, n_points, plan_json, ingested_at"
    removed = 0
    if old is not None:
        plan_id, removed = int(old[0]), int(old[2])
        conn.execute("DELETE FROM entries WHERE plan_id = ?", (plan_id,))
        conn.execute(f"UPDATE plans SET ({cols}) = ({','.join('?' * len(values))}) WHERE id = ?", (*values, plan_id))
    else:
        plan_id = int(conn.execute(f"INSERT INTO plans(plan_key, {cols}) VALUES (?{',?' * len(values)})",
                                (key, *values)).lastrowid)
    rows = []
    for ord_, e in enumerate(_plan_entries(plan)):
        rows.append((plan_id, ord_, e.kind, e.item, e.item_title, e.measure, e.measure_title, e.n,
                     e.text, json.dumps(list(e.units), ensure_ascii=False), text_id(e.text)))
    conn.executemany(
        "INSERT INTO entries(plan_id, ord, kind, item, item_title, measure, measure_title, n, text,"
        " units, text_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    return IngestOutcome(plan_id, "replaced" if old is not None else "added", plan.file, plan.n_points, removed)


def text_row_id(conn: sqlite3.Connection, key: str, text: str) -> int:
    """The id of the text row with cache ``key``, added when it is new."""
    row = conn.execute("SELECT id FROM texts WHERE key = ?", (key,)).fetchone()
    if row is not None:
        return int(row[0])
    return int(conn.execute("INSERT INTO texts(key, text) VALUES (?, ?)", (key, text)).lastrowid)


def remove_plan(conn: sqlite3.Connection, plan_id: int) -> None:
    conn.execute("DELETE FROM entries WHERE plan_id = ?", (plan_id,))
    conn.execute("DELETE FROM plans WHERE id = ?", (plan_id,))


def put_vectors(conn: sqlite3.Connection, rows: list[tuple[str, str, int, bytes]]) -> None:
    """Store ``(fingerprint, text key, dim, vector bytes)`` rows in the embedding cache."""
    conn.executemany("INSERT OR REPLACE INTO embeddings(fingerprint, text_key, dim, vector) VALUES (?, ?, ?, ?)", rows)


def _plan_entries(plan: Plan) -> list[Entry]:
    from svcsim.model import entries_from_plans

    return entries_from_plans([plan])
