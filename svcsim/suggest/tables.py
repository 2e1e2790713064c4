"""The tables a :class:`~svcsim.suggest.index.SuggestIndex` derives from the corpus, and their parts.

Deriving them costs seconds at 100k points (grouping 36k measures into slots, a match key per
text, a pass over 137k entries), and they only change when the corpus or the model does. So
:mod:`svcsim.suggest.keep` stores them in the corpus database as parts (``np.save`` bytes or UTF-8
JSON, never pickle) and a cold process reads them back: :meth:`SuggestTables.to_parts` and
:meth:`SuggestTables.from_parts` are exact inverses (the same arrays bit for bit, the same slots).

The row-aligned vectors are a part too: the embedding cache holds one blob per text, and reading
50k of them cost a cold suggestion 0.8–1.4 s; one matrix is one read.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from svcsim.model import Entry
from svcsim.store.arrays import from_npy, npy
from svcsim.suggest.measures import MeasureCatalogue, MeasureInfo, MeasureSlot
from svcsim.suggest.results import MeasureRef

SHARED = -1
"""Owner of a row whose points come from several agencies."""
NO_POINTS = -2
"""Owner of a row with no point (a measure title only)."""

_MEASURE_FIELDS = ("plan_id", "agency", "year", "item", "measure", "item_title", "title", "title_row")


@dataclass(frozen=True)
class SuggestTables:
    """Everything a :class:`~svcsim.suggest.index.SuggestIndex` holds that does not depend on a draft.

    Attributes:
        vectors: float32 row vectors as the embedding cache holds them.
        key_group: the match-key copy group of each row (int64).
        match_keys: the match key of each group, by group id.
        agencies: every agency with a point, sorted.
        owner: each row's agency (index into ``agencies``), or :data:`SHARED` / :data:`NO_POINTS` (int32).
        group_gids, group_aids: (group, agency index) pairs of the agencies with a point in each
            copy group, sorted by group (int64, int32).
        catalogue: the measure catalogue.
        slot_rows: per slot (in ``catalogue.slots`` order), the rows of its points, ascending.
        slot_browse: per slot, those rows by cosine to the slot's title centroid, and the cosines.
    """

    vectors: np.ndarray
    key_group: np.ndarray
    match_keys: tuple[str, ...]
    agencies: tuple[str, ...]
    owner: np.ndarray
    group_gids: np.ndarray
    group_aids: np.ndarray
    catalogue: MeasureCatalogue
    slot_rows: tuple[np.ndarray, ...]
    slot_browse: tuple[tuple[np.ndarray, np.ndarray], ...]

    @classmethod
    def compute(cls, texts: Sequence[str], vectors: np.ndarray, row_of_tid: Mapping[int, int],
                points: Sequence[Sequence[Entry]], entries_by_text: Mapping[int, Sequence[Entry]],
                dim: int) -> "SuggestTables":
        """The tables of rows ``texts`` with ``vectors``; ``points[row]`` are the row's points by entry id."""
        from svcsim.text import match_key

        key_gid: dict[str, int] = {}
        gid = np.zeros(len(texts), dtype=np.int64)
        for i, t in enumerate(texts):
            gid[i] = key_gid.setdefault(match_key(t), len(key_gid))
        group_agencies: dict[int, set[str]] = defaultdict(set)
        gids = gid.tolist()
        for row, es in enumerate(points):
            for e in es:
                group_agencies[gids[row]].add(e.agency)
        agencies = tuple(sorted({a for s in group_agencies.values() for a in s}))
        agency_id = {a: i for i, a in enumerate(agencies)}
        owner = np.full(len(texts), NO_POINTS, dtype=np.int32)
        for r, es in enumerate(points):
            if es:
                ags = {e.agency for e in es}
                owner[r] = agency_id[ags.pop()] if len(ags) == 1 else SHARED
        pairs = sorted((g, agency_id[a]) for g, s in group_agencies.items() for a in s)
        catalogue = _catalogue(entries_by_text, row_of_tid, vectors, dim)
        slot_rows, slot_browse = [], []
        for slot in catalogue.slots:
            rows = np.unique(np.fromiter((r for j in slot.members for r in catalogue.measures[j].point_rows),
                                         dtype=np.int64)).astype(np.int64)
            rel = vectors[rows] @ slot.vector if len(rows) else np.zeros(0, np.float32)
            order = np.argsort(-rel, kind="stable")
            slot_rows.append(rows)
            slot_browse.append((rows[order], rel[order]))
        return cls(vectors=vectors, key_group=gid, match_keys=tuple(key_gid), agencies=agencies, owner=owner,
                   group_gids=np.array([g for g, _ in pairs], dtype=np.int64),
                   group_aids=np.array([a for _, a in pairs], dtype=np.int32),
                   catalogue=catalogue, slot_rows=tuple(slot_rows), slot_browse=tuple(slot_browse))

    # -- parts ----------------------------------------------------------------------------------
    def to_parts(self) -> dict[str, bytes]:
        """Named parts, each ``np.save`` bytes (``.npy``) or UTF-8 JSON (``.json``)."""
        cat = self.catalogue
        measures = [[getattr(m, f) for f in _MEASURE_FIELDS] for m in cat.measures]
        slots = [{"item": s.ref.item, "measure": s.ref.measure, "title": s.ref.title, "item_title": s.ref.item_title,
                  "n_agencies": s.ref.n_agencies, "agencies": sorted(s.agencies)} for s in cat.slots]
        index_of = {id(s): i for i, s in enumerate(cat.slots)}
        codes = [[item, measure, index_of[id(s)]] for (item, measure), s in cat.slot_of_code.items()]
        dim = self.vectors.shape[1]
        parts = {
            "vectors.npy": self.vectors, "key_group.npy": self.key_group, "owner.npy": self.owner,
            "group_gids.npy": self.group_gids, "group_aids.npy": self.group_aids,
            "measure_points.npy": _concat([np.asarray(m.point_rows, np.int64) for m in cat.measures]),
            "measure_offsets.npy": _offsets([len(m.point_rows) for m in cat.measures]),
            "slot_members.npy": _concat([np.asarray(s.members, np.int64) for s in cat.slots]),
            "slot_offsets.npy": _offsets([len(r) for r in self.slot_rows]),
            "member_offsets.npy": _offsets([len(s.members) for s in cat.slots]),
            "slot_vectors.npy": (np.stack([s.vector for s in cat.slots]) if cat.slots
                                 else np.zeros((0, dim), np.float32)),
            "slot_rows.npy": _concat(list(self.slot_rows)),
            "browse_rows.npy": _concat([r for r, _ in self.slot_browse]),
            "browse_rel.npy": _concat([c for _, c in self.slot_browse], np.float32),
        }
        out = {name: npy(a) for name, a in parts.items()}
        for name, value in (("match_keys", list(self.match_keys)), ("agencies", list(self.agencies)),
                            ("measures", measures), ("slots", slots), ("slot_of_code", codes),
                            ("baseline", cat.baseline)):
            out[f"{name}.json"] = json.dumps(value, ensure_ascii=False).encode()
        return out

    @classmethod
    def from_parts(cls, parts: Mapping[str, bytes]) -> "SuggestTables":
        """The tables :meth:`to_parts` wrote.

        Raises:
            KeyError, ValueError: a part is missing or not what :meth:`to_parts` writes (the caller
                recomputes the tables).
        """
        a = {name[:-4]: from_npy(data) for name, data in parts.items() if name.endswith(".npy")}
        j = {name[:-5]: json.loads(data) for name, data in parts.items()
             if name.endswith(".json") and name != "measures.json"}  # the measures are decoded when first read
        measures = _StoredMeasures(parts["measures.json"], a["measure_points"], a["measure_offsets"])
        members, member_off = a["slot_members"].tolist(), a["member_offsets"].tolist()
        slots = []
        for i, s in enumerate(j["slots"]):
            ref = MeasureRef(item=s["item"], measure=s["measure"], title=s["title"], item_title=s["item_title"],
                             n_agencies=s["n_agencies"])
            slots.append(MeasureSlot(ref, tuple(members[member_off[i]:member_off[i + 1]]), frozenset(s["agencies"]),
                                     a["slot_vectors"][i].copy()))
        slot_of_code = {(item, measure): slots[i] for item, measure, i in j["slot_of_code"]}
        catalogue = MeasureCatalogue.restore(measures, float(j["baseline"]), slots, slot_of_code)
        so = a["slot_offsets"].tolist()
        cut = [slice(so[i], so[i + 1]) for i in range(len(slots))]
        return cls(vectors=a["vectors"], key_group=a["key_group"], match_keys=tuple(j["match_keys"]),
                   agencies=tuple(j["agencies"]), owner=a["owner"], group_gids=a["group_gids"],
                   group_aids=a["group_aids"], catalogue=catalogue,
                   slot_rows=tuple(a["slot_rows"][c] for c in cut),
                   slot_browse=tuple((a["browse_rows"][c], a["browse_rel"][c]) for c in cut))


class _StoredMeasures(Sequence):
    """The catalogue's measures as :meth:`SuggestTables.to_parts` stored them, decoded on first use.

    A suggestion reads no measure (its slot's rows are tables of their own); the plan check and
    the copy check of a measure's points do, and then decoding all 36k of a 100k-point corpus
    (~0.4 s) is paid once.
    """

    def __init__(self, raw: bytes, points: np.ndarray, offsets: np.ndarray) -> None:
        self._raw, self._points, self._offsets = raw, points, offsets
        self._list: list[MeasureInfo] | None = None

    def _all(self) -> list[MeasureInfo]:
        if self._list is None:  # two threads may both decode: the same list, harmless
            mp, mo = self._points.tolist(), self._offsets.tolist()
            new = object.__new__
            out = []
            for i, values in enumerate(json.loads(self._raw)):
                # fields set directly (as the store builds entries): MeasureInfo's frozen __init__ is
                # most of the cost, and these are the values it once checked
                m = new(MeasureInfo)
                m.__dict__.update(zip(_MEASURE_FIELDS, values))
                m.__dict__["point_rows"] = tuple(mp[mo[i]:mo[i + 1]])
                out.append(m)
            self._list = out
        return self._list

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, i):
        return self._all()[i]

    def __iter__(self):
        return iter(self._all())

    def __eq__(self, other) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # mutable-looking, like the list it stands for


def _catalogue(entries_by_text: Mapping[int, Sequence[Entry]], row_of_tid: Mapping[int, int], vectors: np.ndarray,
               dim: int) -> MeasureCatalogue:
    """The corpus's measures, each with the rows of its title and points, grouped into slots."""
    measure_rows: dict[tuple, dict] = {}
    for tid, entries in entries_by_text.items():
        row = row_of_tid[tid]
        for e in entries:
            m = measure_rows.setdefault((e.plan_id, e.item, e.measure), {"e": e, "title": -1, "points": []})
            if e.kind == "point":
                m["points"].append((e.n or 0, e.id, row))
            else:
                m["title"] = row
    measures: list[MeasureInfo] = []
    for key in sorted(measure_rows, key=lambda k: (k[0], measure_rows[k]["e"].id)):
        m = measure_rows[key]
        e = m["e"]
        measures.append(MeasureInfo(plan_id=e.plan_id, agency=e.agency, year=e.year, item=e.item, measure=e.measure,
                                    item_title=e.item_title, title=e.measure_title, title_row=m["title"],
                                    point_rows=tuple(r for _, _, r in sorted(m["points"]))))
    title_vecs = np.stack([vectors[m.title_row] if m.title_row >= 0 else np.zeros(dim, np.float32)
                           for m in measures]) if measures else np.zeros((0, dim), np.float32)
    return MeasureCatalogue(measures, title_vecs)


def _offsets(lengths: list[int]) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)]).astype(np.int64)


def _concat(arrays: list[np.ndarray], dtype=np.int64) -> np.ndarray:
    return np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.zeros(0, dtype)
