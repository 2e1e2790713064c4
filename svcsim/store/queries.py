"""The corpus's read-only SQL, as functions of one open connection.

:class:`svcsim.store.corpus.Corpus` is their public face: it turns SQLite's errors into a
:class:`~svcsim.errors.StoreError` and runs the queries that must agree with each other inside
one snapshot. Nothing here starts or ends a transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from svcsim.errors import InputError
from svcsim.i18n import t
from svcsim.gcpause import bulk
from svcsim.model import Entry, EntryKind
from svcsim.store.records import PlanInfo

_CHUNK = 900  # ids per IN (...): stays under SQLite's old limit of 999 bound parameters


def plans(conn: sqlite3.Connection) -> list[PlanInfo]:
    rows = conn.execute(
        "SELECT id, file, path, agency, roc_year, year, title, content_hash, n_points, ingested_at"
        " FROM plans ORDER BY agency, roc_year, file"
    ).fetchall()
    return [PlanInfo(*r) for r in rows]


def match_plan(plans: list[PlanInfo], ref: str | int) -> PlanInfo:
    """The one plan of ``plans`` that ``ref`` names: an id, a file name, or ``agency`` + year."""
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
        known = ", ".join(f"{p.id}:{p.file}" for p in plans[:10]) or t("store.plan_known_none")
        why = t("store.plan_none") if not hit else t("store.plan_many", n=len(hit))
        raise InputError(s, key="store.plan_hint", why=why, known=known)
    return hit[0]


def plan_json(conn: sqlite3.Connection, plan_id: int) -> str:
    return conn.execute("SELECT plan_json FROM plans WHERE id = ?", (plan_id,)).fetchone()[0]


def entries(conn: sqlite3.Connection, kind: EntryKind | None, plan_ids: Sequence[int] | None) -> list[Entry]:
    """Entries in a stable order: plan, then position in the plan."""
    return entries_and_text_ids(conn, kind, plan_ids)[0]


def entries_and_text_ids(conn: sqlite3.Connection, kind: EntryKind | None,
                         plan_ids: Sequence[int] | None) -> tuple[list[Entry], list[int]]:
    """:func:`entries` and, row for row, the id of each entry's row in ``texts``.

    Read without a join or an ``ORDER BY``: the plans' order comes from the small plans table and
    the entries are sorted by (plan rank, position) here — at 137k entries SQLite's join and
    temporary sort B-tree cost twice the plain scan.
    """
    plan_rows = conn.execute("SELECT id, agency, year, file FROM plans ORDER BY agency, roc_year, file").fetchall()
    rank = {r[0]: i for i, r in enumerate(plan_rows)}
    info = {r[0]: r[1:] for r in plan_rows}
    sql = "SELECT id, kind, plan_id, ord, item, measure, n, text, item_title, measure_title, units, text_id FROM entries"
    cond, args = [], []
    if kind is not None:
        cond.append("kind = ?")
        args.append(kind)
    if plan_ids is not None:
        cond.append(f"plan_id IN ({','.join('?' * len(plan_ids))})")
        args.extend(plan_ids)
    if cond:
        sql += " WHERE " + " AND ".join(cond)
    with bulk():  # 137k rows and entries, no cycles: the collector's passes over them are pure cost
        return _entries_of(conn.execute(sql, args).fetchall(), rank, info)


def _entries_of(rows: list, rank: dict, info: dict) -> tuple[list[Entry], list[int]]:
    rows.sort(key=lambda r: (rank[r[2]], r[3]))
    units: dict[str, tuple[str, ...]] = {}  # a few hundred distinct unit lists: decode each once

    def units_of(raw: str) -> tuple[str, ...]:
        got = units.get(raw)
        if got is None:
            got = units[raw] = tuple(json.loads(raw))
        return got

    new, set_dict = object.__new__, object.__setattr__
    out = []
    for r in rows:
        # Entry's fields set directly: the frozen dataclass' __init__ (one object.__setattr__ per
        # field) is half the cost of reading 137k entries, and these values come from our own schema;
        # a dict display (in Entry's field order) is ~20 % faster than update(zip(...))
        e = new(Entry)
        agency, year, file = info[r[2]]
        set_dict(e, "__dict__", {"id": r[0], "kind": r[1], "agency": agency, "year": year, "file": file,
                                 "item": r[4], "measure": r[5], "n": r[6], "text": r[7], "plan_id": r[2],
                                 "item_title": r[8], "measure_title": r[9], "units": units_of(r[10])})
        out.append(e)
    return out, [r[11] for r in rows]


def text_ids(conn: sqlite3.Connection, entry_ids: list[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for i in range(0, len(entry_ids), _CHUNK):
        chunk = entry_ids[i : i + _CHUNK]
        q = f"SELECT id, text_id FROM entries WHERE id IN ({','.join('?' * len(chunk))})"
        out.update(conn.execute(q, chunk).fetchall())
    return out


def text_ids_all(conn: sqlite3.Connection) -> dict[int, int]:
    return dict(conn.execute("SELECT id, text_id FROM entries").fetchall())


def distinct_texts(conn: sqlite3.Connection) -> list[tuple[int, str, str]]:
    """(text id, cache key, text) of every text some entry uses now, by id."""
    return conn.execute(
        "SELECT t.id, t.key, t.text FROM texts t WHERE EXISTS (SELECT 1 FROM entries e WHERE e.text_id = t.id)"
        " ORDER BY t.id"
    ).fetchall()


def text_keys(conn: sqlite3.Connection) -> dict[int, str]:
    """Cache key of every text row by id (rows are never deleted, so ids and keys are stable)."""
    return dict(conn.execute("SELECT id, key FROM texts").fetchall())


def stats(conn: sqlite3.Connection) -> dict[str, int]:
    return {
        "plans": conn.execute("SELECT COUNT(*) FROM plans").fetchone()[0],
        "points": conn.execute("SELECT COUNT(*) FROM entries WHERE kind = 'point'").fetchone()[0],
        "measure_titles": conn.execute("SELECT COUNT(*) FROM entries WHERE kind = 'measure_title'").fetchone()[0],
        "distinct_texts": conn.execute("SELECT COUNT(DISTINCT text_id) FROM entries").fetchone()[0],
    }


def text_rows(conn: sqlite3.Connection, text_ids: Sequence[int]) -> list[tuple[int, str, str]]:
    """(text id, cache key, text) of the given text rows, by id."""
    out: list[tuple[int, str, str]] = []
    for i in range(0, len(text_ids), _CHUNK):
        chunk = [int(x) for x in text_ids[i : i + _CHUNK]]
        out.extend(conn.execute(f"SELECT id, key, text FROM texts WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    return sorted(out)


def vectors_by_text_id(conn: sqlite3.Connection, fingerprint: str, text_ids: Sequence[int]) -> dict[int, bytes]:
    """The cached vector bytes under ``fingerprint`` of those ``text_ids`` that have some.

    Most texts wanted (a whole corpus): two plain scans matched in Python, since the join through
    ``texts`` costs SQLite one primary-key lookup per text (~6× the scans at 50k texts). A few
    wanted (one kind, a plan): looked up by key.
    """
    wanted = set(int(t) for t in text_ids)
    if 4 * len(wanted) < conn.execute("SELECT COUNT(*) FROM texts").fetchone()[0]:
        key_of = {key: tid for tid, key, _ in text_rows(conn, sorted(wanted))}
        return {key_of[k]: v for k, v in cached_vectors(conn, fingerprint, list(key_of)).items()}
    id_of = dict(conn.execute("SELECT key, id FROM texts"))
    out: dict[int, bytes] = {}
    for key, vec in conn.execute("SELECT text_key, vector FROM embeddings WHERE fingerprint = ?", (fingerprint,)):
        tid = id_of.get(key)
        if tid in wanted:
            out[tid] = vec
    return out


def cached_vectors(conn: sqlite3.Connection, fingerprint: str, keys: Sequence[str]) -> dict[str, bytes]:
    """The stored vector bytes of those ``keys`` that have some under ``fingerprint``."""
    out: dict[str, bytes] = {}
    for i in range(0, len(keys), _CHUNK):
        chunk = list(keys[i : i + _CHUNK])
        q = f"SELECT text_key, vector FROM embeddings WHERE fingerprint = ? AND text_key IN ({','.join('?' * len(chunk))})"
        out.update(conn.execute(q, [fingerprint, *chunk]).fetchall())
    return out
