"""Table rows → items › measures › points, following the numbering.

The converted table is unreliable at the row level (cells broken by page breaks, several
measures merged into one row), so structure comes from the numbering instead:

* a title cell is read as headings (``一、`` item, ``(一)`` measure) and unmarked text, which
  continues the title broken by the previous page break;
* a points cell is read as numbered chunks; a run that restarts at ``1.`` belongs to the next
  measure opened in the row (in order), one that goes on (``3.`` after ``2.``) to the current
  measure, and unmarked text at the start either finishes the open point or is the single
  unnumbered point of a new measure;
* a ``1.`` run with no measure to take it makes a measure with no code and no title (its title
  cell was lost in conversion);
* a measure numbered ``(一)`` again inside an item whose list is already under way belongs to
  the *next* item, whose heading the converter placed a row later.

Units are either one list per measure, or (when every row has exactly one unit entry per new
point) one entry per point: :mod:`svcsim.ingest.units` decides per plan and assigns them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from svcsim.ingest.cells import Chunk, headings, normalise_ws, point_chunks
from svcsim.ingest.rows import Row
from svcsim.ingest.units import UNIT_END, RowResult, assign_units, decide_per_point
from svcsim.model import Item, Measure, Point

# UNIT_END and decide_per_point live in svcsim.ingest.units; parse.py and the PDF reader import them from here.
__all__ = ["UNIT_END", "PlanBuilder", "decide_per_point"]


@dataclass
class _PointB:
    n: int
    pieces: list[str]
    units: list[str] = field(default_factory=list)


@dataclass
class _MeasureB:
    code: str
    ordinal: int
    pieces: list[str]
    points: list[_PointB] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    last_number: int = 0  # the source number of the last point, for sequence checks


@dataclass
class _ItemB:
    code: str
    ordinal: int
    pieces: list[str]
    measures: list[_MeasureB] = field(default_factory=list)
    max_ordinal: int = 0  # the highest measure number opened in it, for restart checks


@dataclass
class _Slot:
    """A place a ``1.`` run can go: a new measure, or an item heading with no measure yet."""

    item: _ItemB
    measure: _MeasureB | None


def _join(pieces: list[str]) -> str:
    # Pieces are the parts of one text split by page breaks: joined with no separator.
    return "".join(normalise_ws(p) for p in pieces)


class PlanBuilder:
    """Consumes rows in order; ``finish()`` returns the items as model objects."""

    def __init__(self, *, point_scheme: str, item_level: str | None, measure_level: str | None) -> None:
        self.point_scheme = point_scheme
        self.item_level = item_level
        self.measure_level = measure_level
        self.has_item_codes = item_level is not None
        self.has_measure_codes = measure_level is not None
        self.items: list[_ItemB] = []
        self.last_measure: _MeasureB | None = None
        self.current: _MeasureB | None = None  # the measure whose points may continue
        self.open_point: _PointB | None = None
        self.last_heading: str = ""  # "item" or "measure": what unmarked text in a shared cell continues
        self.pending: list[_Slot] = []
        self.orphans: list[_MeasureB] = []
        self.results: list[RowResult] = []

    # -- titles -------------------------------------------------------------------------
    @property
    def item(self) -> _ItemB | None:
        return self.items[-1] if self.items else None

    def _new_item(self, code: str, ordinal: int, text: str) -> _ItemB:
        item = _ItemB(code, ordinal, [text])
        if self.orphans:
            old = self.item
            orphan_ids = {id(o) for o in self.orphans}
            if old is not None:
                old.measures = [m for m in old.measures if id(m) not in orphan_ids]
                old.max_ordinal = max((m.ordinal for m in old.measures), default=0)
            item.measures.extend(self.orphans)
            item.max_ordinal = max((m.ordinal for m in item.measures), default=0)
            for slot in self.pending:
                if slot.measure is not None and id(slot.measure) in orphan_ids:
                    slot.item = item
            self.orphans = []
        self.items.append(item)
        self.last_heading = "item"
        return item

    def _new_measure(self, code: str, ordinal: int, text: str) -> _MeasureB:
        item = self.item
        if item is None:
            item = self._new_item(_uncoded_item_code(self.items, text), 0, "")
        measure = _MeasureB(code, ordinal, [text])
        if self.orphans or (ordinal == 1 and item.max_ordinal >= 1):
            self.orphans.append(measure)
        item.measures.append(measure)
        item.max_ordinal = max(item.max_ordinal, ordinal)
        self.last_measure = measure
        self.last_heading = "measure"
        return measure

    def _read_titles(self, row: Row) -> tuple[list[_Slot], bool, list[_MeasureB]]:
        """Apply the title cells; return the row's new slots, whether it starts with a
        continuation, and the measures whose titles it touched."""
        slots: list[_Slot] = []
        touched: list[_MeasureB] = []
        continues = False
        roles = ("item", "measure") if len(row.left) == 2 else ("mixed",) * len(row.left)
        for role, cell in zip(roles, row.left):
            for k, h in enumerate(headings(cell, item_level=self.item_level, measure_level=self.measure_level)):
                if h.kind == "item":
                    item = self._new_item(h.code, h.ordinal, h.text)
                    slots.append(_Slot(item, None))
                elif h.kind == "measure" and k == 0 and (late := self._late_measure_title(row, h)) is not None:
                    touched.append(late)
                elif h.kind == "measure":
                    m = self._new_measure(h.code, h.ordinal, h.text)
                    if slots and slots[-1].measure is None and slots[-1].item is self.item:
                        slots[-1] = _Slot(self.item, m)
                    else:
                        slots.append(_Slot(self.item, m))
                    touched.append(m)
                else:
                    target = self._continuation_target(role, row)
                    if target == "item":
                        self.item.pieces.append(h.text)  # type: ignore[union-attr]
                        continues = continues or k == 0
                    elif target == "measure":
                        self.last_measure.pieces.append(h.text)  # type: ignore[union-attr]
                        touched.append(self.last_measure)  # type: ignore[arg-type]
                        continues = continues or k == 0
                    elif target == "new_item":
                        item = self._new_item(_uncoded_item_code(self.items, h.text), 0, h.text)
                        slots.append(_Slot(item, None))
                    else:
                        m = self._new_measure("", 0, h.text)
                        if slots and slots[-1].measure is None and slots[-1].item is self.item:
                            slots[-1] = _Slot(self.item, m)
                        else:
                            slots.append(_Slot(self.item, m))
                        touched.append(m)
        return slots, continues, touched

    def _late_measure_title(self, row: Row, h) -> _MeasureB | None:
        """The measure whose points began before its title: a page break pushed the measure
        heading of a shared title cell ("六、X" then "(一)Y") onto the next page, below the item
        heading and after the first points, which opened an untitled measure. The heading at the
        top of the new page names that measure."""
        m, item = self.current, self.item
        if not row.after_break or m is None or item is None or h.ordinal > 1:
            return None
        if m.code or m.pieces or len(item.measures) != 1 or item.measures[0] is not m:
            return None
        m.code, m.ordinal, m.pieces = h.code, h.ordinal, [h.text]
        item.max_ordinal = max(item.max_ordinal, h.ordinal)
        self.last_measure = m
        self.last_heading = "measure"
        return m

    def _continuation_target(self, role: str, row: Row) -> str:
        """Where unmarked title text goes: an open title, or a new codeless item/measure."""
        if role == "mixed":
            role = self.last_heading or "item"
        if role == "item":
            if self.item is None:
                return "new_item"
            if self.has_item_codes or row.after_break:
                return "item"
            return "new_item"
        if self.last_measure is None:
            return "new_measure"
        if self.has_measure_codes or (row.after_break and not self._points_start_fresh(row)):
            return "measure"
        return "new_measure"

    def _points_start_fresh(self, row: Row) -> bool:
        chunks = point_chunks(row.points, scheme=self.point_scheme, prev=0)
        return bool(chunks) and chunks[0].n == 1

    # -- points -------------------------------------------------------------------------
    def add_row(self, row: Row) -> None:
        own, left_continues, touched = self._read_titles(row)
        carried = self.pending
        if any(s.measure is not None for s in own):
            # A measure left without points by an earlier row (its points cell was empty) does
            # not take this row's points: the row brings its own measure for them. Nor does an item
            # heading that stood in a row of its own (a full-width item row): its measure is here.
            own_items = [s.item for s in own if s.measure is not None]
            carried = [s for s in carried if s.measure is None and all(s.item is not i for i in own_items)]
        available = carried + own
        prev = self.current.last_number if self.current else 0
        chunks = point_chunks(row.points, scheme=self.point_scheme, prev=prev)
        lead: Chunk | None = chunks[0] if chunks and chunks[0].n is None else None
        numbered = chunks[1:] if lead else chunks
        runs: list[list[Chunk]] = []
        for c in numbered:
            if not runs or c.n == 1:
                runs.append([c])
            else:
                runs[-1].append(c)
        continuing = runs[0] if runs and runs[0][0].n != 1 else None
        fresh = runs[1:] if continuing else runs

        new_points: list[_PointB] = []
        receivers: list[_MeasureB] = []
        if lead is not None:
            lead_continues = self.open_point is not None and (
                continuing is not None or left_continues or len(available) <= len(fresh)
            )
            if lead_continues:
                self.open_point.pieces.append(lead.text)  # type: ignore[union-attr]
                if self.current is not None:
                    receivers.append(self.current)
            else:
                fresh = [[Chunk(1, lead.text)]] + fresh
        if continuing:
            measure = self.current or self._implicit_measure()
            for c in continuing:
                new_points.append(self._add_point(measure, c))
            receivers.append(measure)
        for run in fresh:
            measure = self._take_slot(available)
            for c in run:
                new_points.append(self._add_point(measure, c))
            receivers.append(measure)
        used = {id(s) for s in available if s.measure is not None and s.measure.points}
        leftover = [s for s in available if id(s) not in used and not (s.measure and s.measure.points)]
        self.pending = [s for s in leftover if any(s is o for o in own)] if own else leftover

        targets = receivers or touched or ([self.current] if self.current is not None else [])
        new_measures = [s.measure for s in own if s.measure is not None]
        self.results.append(
            RowResult(row.units, new_points, _unique(new_measures or targets), row.after_break, bool(new_measures))
        )

    def _take_slot(self, available: list[_Slot]) -> _MeasureB:
        while available:
            slot = available.pop(0)
            if slot.measure is None:
                measure = _MeasureB("", 0, [])
                slot.item.measures.append(measure)
                slot.measure = measure
                return measure
            if not slot.measure.points:
                return slot.measure
        return self._implicit_measure()

    def _implicit_measure(self) -> _MeasureB:
        """A ``1.`` run with no measure heading to take it: its title was lost."""
        item = self.item or self._new_item("", 0, "")
        measure = _MeasureB("", 0, [])
        item.measures.append(measure)
        return measure

    def _add_point(self, measure: _MeasureB, chunk: Chunk) -> _PointB:
        point = _PointB(len(measure.points) + 1, [chunk.text])
        measure.points.append(point)
        measure.last_number = chunk.n or measure.last_number + 1
        self.current = measure
        self.open_point = point
        return point

    # -- result -------------------------------------------------------------------------
    def finish(self, *, per_point_units: bool) -> tuple[Item, ...]:
        assign_units(self.results, per_point=per_point_units)
        if per_point_units:
            for it in self.items:
                for m in it.measures:
                    m.units = [u for p in m.points for u in p.units]
        if self.orphans:
            # A restarted measure list whose item heading never came: keep it apart rather
            # than give the previous item two measures "(一)".
            old = self.item
            orphan_ids = {id(o) for o in self.orphans}
            if old is not None:
                old.measures = [m for m in old.measures if id(m) not in orphan_ids]
            self.items.append(_ItemB("", 0, [], list(self.orphans)))
            self.orphans = []
        return tuple(
            Item(
                code=it.code,
                title=_join(it.pieces),
                measures=tuple(
                    Measure(
                        code=m.code,
                        title=_join(m.pieces),
                        points=tuple(Point(p.n, _join(p.pieces), tuple(p.units)) for p in m.points),
                        units=tuple(m.units),
                    )
                    for m in it.measures
                ),
            )
            for it in self.items
        )


_PRELIMINARY = re.compile(r"訂定.{0,20}計[畫劃]")


def _uncoded_item_code(items: list[_ItemB], title: str) -> str:
    """``"0"`` for the preliminary 訂定「提升服務計畫」 row that opens many plans, ``""`` for
    any other item written without a code."""
    return "0" if not items and _PRELIMINARY.search(normalise_ws(title)) else ""


def _unique(measures: list[_MeasureB]) -> list[_MeasureB]:
    out: list[_MeasureB] = []
    for m in measures:
        if all(m is not o for o in out):
            out.append(m)
    return out
