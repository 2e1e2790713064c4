"""Plan-level measures: each point's status, originality, agency × agency overlap, year-over-year reuse.

Only points count (measure titles are mostly the city's skeleton) and only ``copy``/``near_copy``
pairs count as reuse. Every point has one :data:`PointStatus`, the first that applies:

* ``template`` — in a copy group that is the city's template text (:class:`~svcsim.dupes.TemplateRule`);
* ``copied`` — not template, and another agency carries a copy or near copy in a plan of the same
  year or earlier (within one year the direction cannot be told, so both sides count);
* ``reused`` — not template or copied, and the agency's own earlier plan carries it;
* ``own`` — none of these: the agency's own text.

**originality** = own points / all points of the plan. A plan of 66 points of which 50 are template
text and 4 copied has originality 12/66 = 0.18: template text is not the agency's own writing.

The measures read the copy graph of a :class:`~svcsim.dupes.pairset.PairSet` per distinct text: a
point's copy partners are the other entries of its text plus those of the texts it near-copies,
so nothing here expands the N² pairs of a sentence many plans repeat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from svcsim.dupes.pairset import PairSet
from svcsim.model import Entry

PointStatus = Literal["own", "template", "copied", "reused"]
"""A point's status (see the module docstring), in the order the statuses are checked."""
POINT_STATUSES: tuple[PointStatus, ...] = ("template", "copied", "reused", "own")

PlanKey = tuple[str, int]
"""``(file, plan_id)``: identifies one plan among the entries."""


def plan_key(e: Entry) -> PlanKey:
    return (e.file, e.plan_id)


def _partners(entries: Sequence[Entry], pairs: PairSet):
    """``(unit rows, partner rows)`` for every point text outside template groups that has a copy.

    ``partner rows`` holds the unit's own rows too: callers skip the entry itself.
    """
    adj = pairs.copy_neighbours()
    g = pairs.groups
    for u, rows in enumerate(pairs.units):
        if not pairs.keys[u] or entries[rows[0]].kind != "point":
            continue
        if len(rows) < 2 and not adj.degree(u):
            continue
        if g.template[g.group[rows[0]]]:
            continue
        yield rows, [r for w in (u, *adj[u]) for r in pairs.units[w]]


@dataclass(frozen=True)
class PlanOriginality:
    """How much of one plan is its own (see the module docstring for the statuses).

    Attributes:
        file: the plan's file name.
        agency: its agency.
        year: its year (Western; ``roc_year`` in :meth:`to_dict`).
        n_points: its points.
        n_own: points that are the agency's own text.
        n_template: points of the city's template text.
        n_copied: points another agency carries in a plan of the same year or earlier.
        n_reused: points carried over from the agency's own earlier plan.
        originality: ``n_own / n_points`` (1.0 for a plan without points).
    """

    file: str
    agency: str
    year: int | None
    n_points: int
    n_own: int
    n_template: int
    n_copied: int
    n_reused: int
    originality: float

    def to_dict(self) -> dict:
        """The JSON shape of a plan's row (``roc_year`` beside the Western ``year``)."""
        return {"file": self.file, "agency": self.agency, "roc_year": _roc(self.year), "year": self.year,
                "n_points": self.n_points, "n_own": self.n_own, "n_template": self.n_template,
                "n_copied": self.n_copied, "n_reused": self.n_reused, "originality": round(self.originality, 4)}


def point_status(entries: Sequence[Entry], pairs: PairSet) -> dict[int, PointStatus]:
    """The status of every point, by entry id (measure titles are not included)."""
    g = pairs.groups
    plans: dict[PlanKey, int | None] = {plan_key(e): e.year for e in entries if e.kind == "point"}

    def year(key: PlanKey) -> int:
        y = plans[key]
        return y if y is not None else 10**6

    copied: set[int] = set()
    reused: set[int] = set()
    for rows, partners in _partners(entries, pairs):
        for r in rows:
            e = entries[r]
            mine = year(plan_key(e))
            for p in partners:
                o = entries[p]
                if p == r or plan_key(o) == plan_key(e):
                    continue
                if o.agency != e.agency and year(plan_key(o)) <= mine:
                    copied.add(e.id)
                    break
                if o.agency == e.agency and year(plan_key(o)) < mine:
                    reused.add(e.id)
    out: dict[int, PointStatus] = {}
    for row, e in enumerate(entries):
        if e.kind != "point":
            continue
        if g.template[g.group[row]]:  # only groups with a copy are template
            out[e.id] = "template"
        elif e.id in copied:
            out[e.id] = "copied"
        elif e.id in reused:
            out[e.id] = "reused"
        else:
            out[e.id] = "own"
    return out


def originality(entries: Sequence[Entry], status: dict[int, PointStatus]) -> list[PlanOriginality]:
    """One row per plan, in (year, file) order, from :func:`point_status`."""
    plans: dict[PlanKey, list[Entry]] = {}
    for e in entries:
        if e.kind == "point":
            plans.setdefault(plan_key(e), []).append(e)
    out = []
    for key, pts in plans.items():
        n = {s: 0 for s in POINT_STATUSES}
        for e in pts:
            n[status[e.id]] += 1
        out.append(PlanOriginality(
            file=key[0], agency=pts[0].agency, year=pts[0].year, n_points=len(pts), n_own=n["own"],
            n_template=n["template"], n_copied=n["copied"], n_reused=n["reused"],
            originality=n["own"] / len(pts)))
    out.sort(key=lambda r: (r.year if r.year is not None else 10**6, r.file))
    return out


@dataclass(frozen=True)
class AgencyOverlap:
    """Agency × agency reuse.

    Attributes:
        agencies: row/column labels, sorted.
        counts: ``counts[i, j]`` = points of agency ``i`` with a non-template copy/near copy in a
            plan of agency ``j`` (diagonal 0).
        n_points: points per agency, aligned with ``agencies``.
    """

    agencies: tuple[str, ...]
    counts: np.ndarray
    n_points: np.ndarray

    @property
    def shares(self) -> np.ndarray:
        """``counts`` divided by the row agency's points: the share of ``i`` also found in ``j``."""
        return self.counts / np.maximum(self.n_points, 1)[:, None]


def agency_overlap(entries: Sequence[Entry], pairs: PairSet) -> AgencyOverlap:
    agencies = tuple(sorted({e.agency for e in entries if e.kind == "point"}))
    pos = {a: i for i, a in enumerate(agencies)}
    n_points = np.zeros(len(agencies), dtype=np.int64)
    for e in entries:
        if e.kind == "point":
            n_points[pos[e.agency]] += 1
    counts = np.zeros((len(agencies), len(agencies)), dtype=np.int64)
    for rows, partners in _partners(entries, pairs):
        # each point counts once per other agency that carries a copy of it
        others = sorted({pos[entries[r].agency] for r in partners})
        for r in rows:
            mine = pos[entries[r].agency]
            for j in others:
                if j != mine:
                    counts[mine, j] += 1
    return AgencyOverlap(agencies=agencies, counts=counts, n_points=n_points)


@dataclass(frozen=True)
class SelfReuse:
    """One plan against the same agency's earlier plans.

    Attributes:
        file: the later plan.
        agency: the agency.
        year: the later plan's year.
        previous_file: the agency's latest earlier plan.
        previous_year: its year.
        n_points: points of the later plan.
        n_reused: of them, points with a non-template copy/near copy in any earlier plan of the agency.
        share: ``n_reused / n_points``.
    """

    file: str
    agency: str
    year: int | None
    previous_file: str
    previous_year: int | None
    n_points: int
    n_reused: int
    share: float

    def to_dict(self) -> dict:
        """The JSON shape of a year-over-year row."""
        return {"file": self.file, "agency": self.agency, "roc_year": _roc(self.year), "year": self.year,
                "previous_file": self.previous_file, "previous_roc_year": _roc(self.previous_year),
                "previous_year": self.previous_year, "n_points": self.n_points, "n_reused": self.n_reused,
                "share": round(self.share, 4)}


def _roc(year: int | None) -> int | None:
    return year - 1911 if year is not None else None


def self_reuse(entries: Sequence[Entry], pairs: PairSet) -> list[SelfReuse]:
    """Year-over-year reuse, one row per plan that has an earlier plan of the same agency."""
    plans: dict[PlanKey, list[Entry]] = {}
    for e in entries:
        if e.kind == "point":
            plans.setdefault(plan_key(e), []).append(e)

    def when(key: PlanKey):
        y = plans[key][0].year
        return (y if y is not None else 10**6, key[0])

    reused: set[int] = set()
    for rows, partners in _partners(entries, pairs):
        earliest: dict[str, tuple] = {}  # agency → its earliest plan carrying this text or a copy
        for r in partners:
            w = when(plan_key(entries[r]))
            a = entries[r].agency
            if a not in earliest or w < earliest[a]:
                earliest[a] = w
        for r in rows:
            e = entries[r]
            if earliest[e.agency] < when(plan_key(e)):
                reused.add(e.id)
    by_agency: dict[str, list[PlanKey]] = {}
    for key, pts in plans.items():
        by_agency.setdefault(pts[0].agency, []).append(key)
    out = []
    for agency, keys in sorted(by_agency.items()):
        keys.sort(key=when)
        for prev, key in zip(keys, keys[1:]):
            pts = plans[key]
            n = sum(1 for e in pts if e.id in reused)
            out.append(SelfReuse(file=key[0], agency=agency, year=pts[0].year, previous_file=prev[0],
                                 previous_year=plans[prev][0].year, n_points=len(pts), n_reused=n,
                                 share=n / len(pts)))
    return out
