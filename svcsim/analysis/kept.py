"""What the stored innovation keeps for the next refresh: neighbour lists and parsed texts.

The innovation score's neighbour lists of the distinct points (:mod:`svcsim.clusters.knn`, shared
with the clusterer) and its parsed texts (:mod:`svcsim.clusters.innovation_parse`) are stored beside
its scores (parts ``nb_*`` and ``kept_*``, which a plain load skips). A refresh after a plan was
added, replaced or removed starts from them when they were computed by the same code and model:
only the changed rows are searched and only new texts parsed; the result equals a full recompute.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from svcsim.analysis import tables

_SQL = ("SELECT part, data FROM analysis_arrays WHERE name = ? "
        "AND (substr(part, 1, 3) = 'nb_' OR substr(part, 1, 5) = 'kept_')")


class KeptState:
    """The memos a refresh hands to innovation and clustering, started from what was stored.

    Attributes:
        neighbours: a :class:`~svcsim.clusters.knn.NeighbourMemo` (its ``prior``: the stored lists).
        parses: a :class:`~svcsim.clusters.innovation_parse.ParseMemo` (its ``prior``: the stored texts).
    """

    def __init__(self, parts: dict[str, bytes]) -> None:
        from svcsim.clusters.innovation_parse import ParseMemo
        from svcsim.clusters.knn import NeighbourMemo

        self.neighbours = NeighbourMemo(tables.neighbour_lists_from(parts))
        self.parses = ParseMemo(tables.parsed_from(parts))

    @classmethod
    def read(cls, conn: sqlite3.Connection, name: str, basis: dict[str, Any] | None) -> "KeptState":
        """The state kept under the stored result ``name`` when it was stored with ``basis`` (the
        code, model and settings; ``None``: reuse nothing, e.g. vectors without a model fingerprint)."""
        parts: dict[str, bytes] = {}
        try:
            row = conn.execute("SELECT manifest FROM analysis_results WHERE name = ?", (name,)).fetchone()
        except sqlite3.OperationalError:  # a database from before the tables existed
            row = None
        if row and basis is not None and json.loads(row[0]).get("basis") == basis:
            parts = dict(conn.execute(_SQL, (name,)))
        return cls(parts)

    def parts(self) -> dict[str, bytes]:
        """The state to store beside the innovation just computed."""
        return {**tables.neighbour_parts(self.neighbours.lists), **tables.parse_parts(self.parses.parsed)}

    def used(self) -> dict[str, int]:
        """Full neighbour searches, updates of the kept lists and the rows they searched again, texts parsed."""
        m = self.neighbours
        return {"lists_searched": m.n_searched, "lists_updated": m.n_updated, "rows_searched": m.rows_searched,
                "texts_parsed": self.parses.n_parsed}
