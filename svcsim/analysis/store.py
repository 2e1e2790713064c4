"""The :class:`Analysis` store: key, read, compute, write (one transaction per result)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import numpy as np

from svcsim.analysis import codec
from svcsim.dupes import PairScan
from svcsim.errors import InputError

if TYPE_CHECKING:
    from svcsim.dupes.analyse import DupesResult
    from svcsim.dupes.classify import Label
    from svcsim.dupes.pairset import PairSet
    from svcsim.embedded import EmbeddedCorpus
    from svcsim.store import Corpus

RESULTS_FORMAT = 1

_TABLES = """
CREATE TABLE IF NOT EXISTS analysis_results (name TEXT PRIMARY KEY, key TEXT NOT NULL,
    manifest TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS analysis_arrays (name TEXT NOT NULL, part TEXT NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (name, part)) WITHOUT ROWID
"""


def corpus_state(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """The sorted ``(plan_key, content_hash)`` of every plan: what the stored results depend on."""
    return [tuple(r) for r in conn.execute("SELECT plan_key, content_hash FROM plans ORDER BY plan_key")]


@dataclass
class Analysis:
    """A corpus' analyses, computed once and kept in its database.

    >>> a = Analysis.open(corpus, embedded)     # doctest: +SKIP
    >>> a.dupes().originality[0].originality    # doctest: +SKIP
    """

    corpus: "Corpus"
    embedded: "EmbeddedCorpus"
    scan: PairScan
    min_label: "Label"

    @classmethod
    def open(cls, corpus: "Corpus", embedded: "EmbeddedCorpus", *, scan: PairScan = PairScan(),
             min_label: "Label" = "paraphrase") -> "Analysis":
        from svcsim.dupes.pairs import check_label
        from svcsim.embedded import require_embedded

        if not isinstance(scan, PairScan):
            raise InputError("scan", f"expected a PairScan, got {type(scan).__name__}; pass svcsim.dupes.PairScan(...)")
        check_label(min_label)
        return cls(corpus, require_embedded(embedded), scan, min_label)

    # -- keys -------------------------------------------------------------------------------------
    @property
    def _conn(self) -> sqlite3.Connection:
        return self.corpus._conn  # noqa: SLF001 - the store is the corpus' own database

    def key(self, name: str) -> str:
        """The sha256 the stored ``name`` result must carry to be read instead of recomputed."""
        ids = np.fromiter((e.id for e in self.embedded.entries), dtype=np.int64, count=len(self.embedded.entries))
        h = hashlib.sha256()
        h.update(json.dumps([RESULTS_FORMAT, name, self.embedded.fingerprint, corpus_state(self._conn),
                             repr(self.scan), self.min_label], ensure_ascii=False).encode())
        h.update(ids.tobytes())
        h.update(hashlib.sha256(np.ascontiguousarray(self.embedded.vectors).tobytes()).digest()
                 if not self.embedded.fingerprint else b"")
        return h.hexdigest()

    def stored_key(self, name: str) -> str | None:
        try:
            row = self._conn.execute("SELECT key FROM analysis_results WHERE name = ?", (name,)).fetchone()
        except sqlite3.OperationalError:  # a database from before the table existed
            return None
        return row[0] if row else None

    # -- results ----------------------------------------------------------------------------------
    def dupes(self) -> "DupesResult":
        """The :func:`svcsim.dupes.analyse` result: read when stored under the current key, else
        computed and stored."""
        from svcsim.dupes.analyse import result_from_pairs
        from svcsim.dupes.scan import scan_pairs

        key = self.key("dupes")
        if self.stored_key("dupes") == key:
            found = self._load_pairs()
        else:
            found = scan_pairs(self.embedded, self.scan, min_label=self.min_label)
            if not self.corpus.readonly:
                self._write("dupes", key, _pair_parts(found))
        return result_from_pairs(self.embedded, found, min_label=self.min_label)

    def refresh(self) -> None:
        """Bring every stored result up to the current key (a no-op when already current)."""
        self.dupes()

    # -- storage ----------------------------------------------------------------------------------
    def _write(self, name: str, key: str, parts: dict[str, bytes]) -> None:
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            for stmt in _TABLES.split(";"):
                conn.execute(stmt)
            conn.execute("DELETE FROM analysis_arrays WHERE name = ?", (name,))
            conn.execute("DELETE FROM analysis_results WHERE name = ?", (name,))
            manifest = {"format": RESULTS_FORMAT, "fingerprint": self.embedded.fingerprint,
                        "n_entries": len(self.embedded.entries), "scan": repr(self.scan), "min_label": self.min_label}
            conn.execute("INSERT INTO analysis_results(name, key, manifest, created_at) VALUES (?, ?, ?, ?)",
                         (name, key, json.dumps(manifest, ensure_ascii=False),
                          datetime.now(timezone.utc).isoformat(timespec="seconds")))
            conn.executemany("INSERT INTO analysis_arrays(name, part, data) VALUES (?, ?, ?)",
                             [(name, p, sqlite3.Binary(d)) for p, d in parts.items()])
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _load_pairs(self) -> "PairSet":
        from svcsim.dupes.boilerplate import CopyGroups
        from svcsim.dupes.pairset import PairSet

        parts = dict(self._conn.execute("SELECT part, data FROM analysis_arrays WHERE name = 'dupes'"))
        a = {k: codec.from_npy(v) for k, v in parts.items() if k.endswith(".npy")}
        units = codec.unragged(a["units_flat.npy"], a["units_off.npy"])
        keys = codec.from_js(parts["keys.json"])
        weak = [(ra, rb, lab, lex, sem, tuple(tuple(s) for s in spans))
                for ra, rb, lab, lex, sem, spans in codec.from_js(parts["weak.json"])]
        blocks = frozenset(tuple(b) for b in codec.from_js(parts["synonym_blocks.json"]))
        groups = CopyGroups(a["group.npy"], a["template.npy"])
        return PairSet(list(self.embedded.entries), self.embedded.vectors, units, keys, a["unit_of.npy"],
                       (a["cross_u.npy"], a["cross_v.npy"], a["cross_lexical.npy"]), weak, groups,
                       self.scan.thresholds, a["hidden.npy"], synonym_blocks=blocks)


def _pair_parts(found: "PairSet") -> dict[str, bytes]:
    flat, off = codec.ragged(found.units)
    weak = [[int(ra), int(rb), lab, float(lex), float(sem), [list(map(int, s)) for s in spans]]
            for ra, rb, lab, lex, sem, spans in found.weak]
    return {
        "units_flat.npy": codec.npy(flat), "units_off.npy": codec.npy(off),
        "keys.json": codec.js(list(found.keys)), "unit_of.npy": codec.npy(found.unit_of),
        "cross_u.npy": codec.npy(found.cross_u), "cross_v.npy": codec.npy(found.cross_v),
        "cross_lexical.npy": codec.npy(found.cross_lexical), "weak.json": codec.js(weak),
        "group.npy": codec.npy(found.groups.group), "template.npy": codec.npy(found.groups.template),
        "hidden.npy": codec.npy(found.hidden),
        "synonym_blocks.json": codec.js(sorted([list(map(int, b)) for b in found.synonym_blocks])),
    }
