"""Which unit (執行單位) does each point or measure belong to.

The builder in :mod:`svcsim.ingest.structure` records, row by row, the units cell and what the
row produced (:class:`RowResult`). Units are then either one list per measure, or (when every row
has exactly one unit entry per new point) one entry per point: :func:`decide_per_point` decides
per plan and :func:`assign_units` hands the names out. Rows cut by page breaks are pooled with the
row they continue, since a break may leave the units on one page and the points on the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from svcsim.ingest.cells import segments

if TYPE_CHECKING:  # the builder's drafts, which units are written into
    from svcsim.ingest.structure import _MeasureB, _PointB


@dataclass
class RowResult:
    """What one row produced, for unit assignment. ``after_break``: the row continues a row that
    a page break cut (its cells may hold the rest of that row's units, or none of them)."""

    units: str
    new_points: list[_PointB]
    measures: list[_MeasureB]
    after_break: bool = False
    opens_measure: bool = False  # its title cells opened a measure: a row of its own, not the rest of one


# How the name of an organisational unit ends (秘書室, 資訊科, 民政課, 市場管理處, 各單位…): a piece
# of a units cell that a page break cut ends some other way ("市場" | "管理處").
UNIT_END = frozenset("室科課處股所局組隊站館會心院署廠位")


def unit_entries(cell: str) -> list[list[str]]:
    """The units cell as entries: one per ``<p>``, else one per whitespace-separated name.

    Example:
        >>> unit_entries("<p>秘書室</p> <p>人事室 會計室</p>")
        [['秘書室'], ['人事室', '會計室']]
    """
    segs = segments(cell)
    if len(segs) > 1:
        return [s.text.split() for s in segs]
    return [[tok] for s in segs for tok in s.text.split()]


@dataclass
class _UnitGroup:
    """A row with the rows that continue it after page breaks: its units and its new points,
    pooled, since a page break may leave the units on one page and the points on the next."""

    entries: list[list[str]]
    new_points: list[_PointB]
    measures: list[_MeasureB]
    blocks: int  # how many of the entries came in blocks of their own (<p>, <br>)


def _groups(results: list[RowResult]) -> list[_UnitGroup]:
    groups: list[_UnitGroup] = []
    for r in results:
        entries = unit_entries(r.units)
        blocks = len(entries) if len(segments(r.units)) > 1 else 0
        if r.after_break and not r.opens_measure and groups:
            g = groups[-1]
            if entries and g.entries and g.entries[-1] and (
                g.entries[-1][-1][-1:] not in UNIT_END or len(entries[0][0]) == 1
            ):
                # A name cut by the page break ("市場" | "管理處", "本局各科" | "室"): one name again.
                g.entries[-1][-1] += entries[0][0]
                entries[0] = entries[0][1:]
                entries = [e for e in entries if e]
            g.entries += entries
            g.new_points += r.new_points
            g.measures += [m for m in r.measures if all(m is not o for o in g.measures)]
            g.blocks += blocks
        else:
            groups.append(_UnitGroup(entries, list(r.new_points), list(r.measures), blocks))
    return groups


def decide_per_point(results: list[RowResult]) -> bool:
    """Per-point units when nearly every row (with the rows continuing it after a page break)
    lists one unit entry per new point, and some row shows it with two or more points, each unit
    in its own block (``<p>``, ``<br>``): one point and one unit prove nothing, and "企劃科 秘書室"
    typed in one block is the measure's list."""
    considered = matched = multi = 0
    for g in _groups(results):
        if not g.entries or not g.new_points:
            continue
        considered += 1
        if len(g.entries) == len(g.new_points):
            matched += 1
            multi += len(g.entries) >= 2 and g.blocks >= 2
    return considered > 0 and multi > 0 and matched >= 0.8 * considered


def assign_units(results: list[RowResult], *, per_point: bool) -> None:
    """Give each row's unit names to its new points (per-point) or to its measures."""
    for g in _groups(results):
        entries = g.entries
        if not entries:
            continue
        if per_point and g.new_points:
            for point, entry in zip(g.new_points, entries):
                point.units.extend(entry)
            for entry in entries[len(g.new_points) :]:  # surplus names stay on the last point
                g.new_points[-1].units.extend(entry)
        elif per_point:
            # A units-only continuation row: the names belong to the open point.
            if g.measures and g.measures[-1].points:
                g.measures[-1].points[-1].units.extend(u for e in entries for u in e)
        else:
            for m in g.measures:
                m.units.extend(u for e in entries for u in e)
