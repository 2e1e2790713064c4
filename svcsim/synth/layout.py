"""The plan table of a native rendering, independent of the file format; and the oracle.

A :class:`Layout` says how a plan's table is laid out (3 or 4 columns, merged or repeated item
cells, typed or automatic numbering, ruled or not, a repeated header…). :func:`table_rows` turns
a plan into rows of cells of paragraphs, which the Word writer (:mod:`svcsim.synth.native`) and
the web page writer (:mod:`svcsim.synth.webpage`) emit.

:func:`reader_blocks` is what a perfect reader sees in any rendering of ``(plan, layout)``, in the
form :func:`svcsim.ingest.document.document_from_blocks` takes (automatic numbers written into the
text, a merged cell's text in its first grid position, the positions it covers empty), and
:func:`expected_plan` is the plan a reader must give back.

Example:
    >>> from svcsim.synth import generate_corpus
    >>> plan = generate_corpus(n_agencies=1, n_years=1).plans[0]
    >>> blocks = reader_blocks(plan, LAYOUTS["plain4"])
    >>> blocks[0]
    '高雄市政府海濱範例局110 年度提升服務品質執行計畫'
    >>> table = next(b for b in blocks if isinstance(b, list))
    >>> table[0], table[2][0], table[3][0], table[2][2][0][:12]
    ([['執行要項'], ['具體措施'], ['執行重點'], ['執行單位']], ['一、健全基本服務機制，因應服務對象差異提供合宜服務'], [], '1. 為落實便民服務，由')
"""

from __future__ import annotations

import dataclasses
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from svcsim.errors import InputError
from svcsim.model import Item, Measure, Plan
from svcsim.synth.bank_template import BASIS, CONTROL

DEFAULT_HEADERS: dict[int, tuple[str, ...]] = {
    4: ("執行要項", "具體措施", "執行重點", "執行單位"),
    3: ("執行要項及具體措施", "執行重點", "執行單位"),
}
FULL_WIDTH_HEADERS_3 = ("具體措施", "執行重點", "執行單位")
# Share of the text width per column: titles narrow, points wide, units narrow.
COLUMN_WIDTHS: dict[int, tuple[int, ...]] = {4: (15, 20, 50, 15), 3: (28, 55, 17)}
_CN = "一二三四五六七八九"
_MEASURE_CODE = re.compile(r"^\(([一二三四五六七八九十]+)\)$")


@dataclass(frozen=True)
class Layout:
    """How the plan table is laid out. Every combination is valid.

    Attributes:
        columns: 4 = 執行要項 | 具體措施 | 執行重點 | 執行單位. 3 = item and measure titles share the
            first column: the item heading ("一、X") is the first paragraph of its first measure's
            title cell, or, with ``item_row_full_width``, a row of its own spanning the table.
        landscape: A4 landscape instead of portrait.
        headers: the header row's words, one per column; ``None`` takes :data:`DEFAULT_HEADERS`.
        merge_items: (4 columns) the item cell is merged vertically (``w:vMerge``) over its measure
            rows; ``False`` leaves the cells below it empty.
        auto_numbering: points numbered by a Word list (``numPr`` → decimal ``%1.``) instead of
            typed ``"1. "`` text.
        auto_number_measures: measure codes ``(一)`` by a Word list (``taiwaneseCounting``
            ``（%1）``); a measure with no code or an odd code keeps its typed text.
        ruled: table borders drawn; ``False`` draws none (a PDF reader must use x positions).
        repeat_header: the header row repeats at the top of every page (``w:tblHeader``).
        rows_split: rows may break across pages (Word's default); ``False`` sets ``w:cantSplit``.
        per_point_units: ``None`` = as the plan has them; ``True`` = one units paragraph per point
            (every measure needs per-point units or one unit per point); ``False`` = the measure's
            units space-separated in one paragraph.
        font_size: body size in points (the title is 6 pt larger).
        item_row_full_width: each item heading is a row of its own with ``gridSpan`` across the
            table; with 4 columns the measure title then spans the first two columns.
        two_line_title: the agency on one line and ``plan.title`` on the next, as many covers do.
        page_numbers: a centred page number in the footer.
    """

    columns: Literal[3, 4] = 4
    landscape: bool = False
    headers: tuple[str, ...] | None = None
    merge_items: bool = True
    auto_numbering: bool = False
    auto_number_measures: bool = False
    ruled: bool = True
    repeat_header: bool = True
    rows_split: bool = True
    per_point_units: bool | None = None
    font_size: float = 12
    item_row_full_width: bool = False
    two_line_title: bool = False
    page_numbers: bool = True

    def __post_init__(self) -> None:
        if self.columns not in (3, 4):
            raise InputError("Layout.columns", f"must be 3 or 4, got {self.columns!r}")
        if self.headers is not None and len(self.headers) != self.columns:
            raise InputError("Layout.headers", f"needs {self.columns} words (one per column), got {self.headers!r}")
        if not 7 <= self.font_size <= 20:
            raise InputError("Layout.font_size", f"must be between 7 and 20 pt, got {self.font_size!r}")

    def header_words(self) -> tuple[str, ...]:
        """The header row as written."""
        if self.headers is not None:
            return self.headers
        if self.columns == 3 and self.item_row_full_width:
            return FULL_WIDTH_HEADERS_3
        return DEFAULT_HEADERS[self.columns]


LAYOUTS: dict[str, Layout] = {
    "plain4": Layout(),
    "landscape3": Layout(columns=3, landscape=True, headers=("實施要項", "執行方法", "辦理單位"), font_size=11),
    "autonum": Layout(auto_numbering=True, auto_number_measures=True),
    "unruled": Layout(ruled=False, merge_items=False, font_size=11),
    "fullwidth_items": Layout(columns=3, item_row_full_width=True, two_line_title=True),
    "fullwidth4": Layout(item_row_full_width=True, landscape=True, auto_numbering=True),
    "alt_headers": Layout(headers=("工作項目", "具體措施", "工作重點", "權責單位"), repeat_header=False,
                          rows_split=False, two_line_title=True, page_numbers=False),
}
"""Named, realistic variants. Each differs from ``plain4`` in a few ways real plans do."""


@dataclass(frozen=True)
class Para:
    """A paragraph. ``list_kind`` set: automatically numbered with ``number``; ``restart``: the
    list (re)starts here rather than continuing the previous list of that kind."""

    text: str
    list_kind: Literal["", "point", "measure"] = ""
    number: int = 0
    restart: bool = False

    def shown(self) -> str:
        """The text as a reader of the rendered document sees it."""
        if self.list_kind == "point":
            return f"{self.number}. {self.text}"
        if self.list_kind == "measure":
            return f"({_cn(self.number)}){self.text}"
        return self.text


@dataclass(frozen=True)
class Cell:
    paras: tuple[Para, ...] = ()
    span: int = 1
    merge: Literal["", "restart", "continue"] = ""


def _cn(n: int) -> str:
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else "十" if tens == 1 else _CN[tens - 1] + "十") + ("" if ones == 0 else _CN[ones - 1])


def _cn_value(numeral: str) -> int:
    if "十" not in numeral:
        return _CN.index(numeral) + 1
    tens, _, ones = numeral.partition("十")
    return (_CN.index(tens) + 1 if tens else 1) * 10 + (_CN.index(ones) + 1 if ones else 0)


def _per_point(plan: Plan, layout: Layout) -> bool:
    if layout.per_point_units is not None:
        return layout.per_point_units
    return any(p.units for it in plan.items for m in it.measures for p in m.points)


def _point_units(plan: Plan, m: Measure) -> list[tuple[str, ...]]:
    if all(p.units for p in m.points):
        return [p.units for p in m.points]
    if len(m.units) == len(m.points):
        return [(u,) for u in m.units]
    # One paragraph naming several units would read back as several per-point entries.
    raise InputError(plan.file or "plan", f"measure {m.code or m.title[:10]!r} has {len(m.points)} points and "
                     f"{len(m.units)} units, so per-point units are unknown; render it with per_point_units=None")


def _measure_cell(m: Measure, layout: Layout, prev: int) -> Para:
    """The measure title paragraph; ``prev`` is the number of the measure list before it (0: none)."""
    match = _MEASURE_CODE.match(m.code)
    if layout.auto_number_measures and match:
        value = _cn_value(match.group(1))
        return Para(m.title, "measure", value, restart=prev == 0 or value != prev + 1)
    return Para(f"{m.code}{m.title}")


def _points_cell(it: Item, m: Measure, layout: Layout) -> tuple[Para, ...]:
    if it.code == "0":  # the preliminary row's single point carries no number, as in real plans
        return tuple(Para(p.text) for p in m.points)
    if not layout.auto_numbering:
        return tuple(Para(f"{p.n}. {p.text}") for p in m.points)
    out, prev = [], None
    for p in m.points:
        out.append(Para(p.text, "point", p.n, restart=prev is None or p.n != prev + 1))
        prev = p.n
    return tuple(out)


def _units_cell(plan: Plan, m: Measure, per_point: bool) -> tuple[Para, ...]:
    if per_point:
        return tuple(Para(" ".join(u)) for u in _point_units(plan, m))
    return (Para(" ".join(m.units)),) if m.units else ()


def table_rows(plan: Plan, layout: Layout) -> list[list[Cell]]:
    """The table's rows (header first), each a list of cells left to right."""
    per_point = _per_point(plan, layout)
    rows: list[list[Cell]] = [[Cell((Para(w),)) for w in layout.header_words()]]
    wide = layout.item_row_full_width
    for it in plan.items:
        heading = Para(f"{it.code}、{it.title}" if it.code not in ("", "0") else it.title)
        if wide and it.code != "0":
            rows.append([Cell((heading,), span=layout.columns)])
        prev_measure = 0
        for k, m in enumerate(it.measures):
            if it.code == "0":
                # With 3 columns the preliminary row has one title cell: the item's, as in real plans.
                mpara = Para(m.title if layout.columns == 4 else "")
            else:
                mpara = _measure_cell(m, layout, prev_measure)
            prev_measure = mpara.number
            body = [Cell(_points_cell(it, m, layout)), Cell(_units_cell(plan, m, per_point))]
            if layout.columns == 3:
                lead = (heading,) if k == 0 and (not wide or it.code == "0") else ()
                rows.append([Cell(lead + ((mpara,) if mpara.text else ()))] + body)
            elif wide and it.code != "0":
                rows.append([Cell((mpara,), span=2)] + body)
            else:
                merge: Literal["", "restart", "continue"] = ""
                if layout.merge_items and len(it.measures) > 1:
                    merge = "restart" if k == 0 else "continue"
                item_cell = Cell((heading,) if k == 0 else (), merge=merge)
                rows.append([item_cell, Cell((mpara,))] + body)
    return rows


def text_before(plan: Plan) -> list[tuple[str, str]]:
    """The paragraphs above the table as (style, text); style "title", "heading" or ""."""
    roc = plan.roc_year if plan.roc_year is not None else ""
    out = [("heading", "壹、依據")]
    out += [("", f"{_cn(i)}、{b.format(roc=roc)}") for i, b in enumerate(BASIS[:2], 1)]
    out.append(("heading", "貳、計畫目標"))
    out += [("", f"{_cn(i)}、{g}") for i, g in enumerate(plan.goals, 1)]
    out += [("heading", "參、實施對象"), ("", f"{plan.agency}所屬各單位及全體同仁。")]
    out += [("heading", "肆、執行項目"), ("", "各項執行要項、具體措施、執行重點及執行單位如下表：")]
    return out


def title_lines(plan: Plan, layout: Layout) -> list[str]:
    return [plan.agency, plan.title] if layout.two_line_title else [f"{plan.agency}{plan.title}"]


def text_after() -> list[tuple[str, str]]:
    out = [("heading", "伍、管制考核")]
    out += [("heading" if line.startswith("陸、") else "", line) for line in CONTROL]
    return out


def reader_blocks(plan: Plan, layout: Layout = Layout()) -> list[str | list[list[list[str]]]]:
    """What a perfect reader sees in a rendering of ``plan``: paragraphs, then the table as rows
    of cells of paragraphs, then paragraphs, ready for ``document_from_blocks``.

    Automatic numbers appear in the text (``"1. 線上申辦"``, ``"(二)提供…"``); a merged cell's text
    sits in its first grid position and the positions it covers are empty.
    """
    plan = checked_plan(plan, layout)
    blocks: list[str | list[list[list[str]]]] = list(title_lines(plan, layout))
    blocks += [t for _, t in text_before(plan)]
    table = []
    for row in table_rows(plan, layout):
        cells: list[list[str]] = []
        for c in row:
            cells.append([p.shown() for p in c.paras if p.shown()])
            cells += [[] for _ in range(c.span - 1)]
        table.append(cells)
    blocks.append(table)
    blocks += [t for _, t in text_after()]
    return blocks


def expected_plan(plan: Plan, layout: Layout = Layout()) -> Plan:
    """The plan a reader should give back from any rendering of ``plan`` in ``layout``.

    It is ``plan`` itself except: ``layout.per_point_units`` may force the other units
    convention (per-point units live on the points and, concatenated, on the measure;
    measure-level units only on the measure); with 3 columns the preliminary 訂定「提升服務計畫」
    row shows no measure title, so that measure's title is ``""``. ``content_hash`` is cleared
    (it is the rendered file's hash).

    Raises:
        InputError: as :func:`render_docx`.
    """
    plan = checked_plan(plan, layout)
    per_point = _per_point(plan, layout)
    items = []
    for it in plan.items:
        measures = []
        for m in it.measures:
            if per_point:
                units = _point_units(plan, m)
                points = tuple(dataclasses.replace(p, units=u) for p, u in zip(m.points, units))
                m = dataclasses.replace(m, points=points, units=tuple(x for u in units for x in u))
            else:
                m = dataclasses.replace(m, points=tuple(dataclasses.replace(p, units=()) for p in m.points))
            if it.code == "0" and layout.columns == 3:
                m = dataclasses.replace(m, title="")
            measures.append(m)
        items.append(dataclasses.replace(it, measures=tuple(measures)))
    return dataclasses.replace(plan, items=tuple(items), content_hash="")


def checked_plan(plan: Plan, layout: Layout) -> Plan:
    if not isinstance(plan, Plan):
        raise InputError("plan", f"expected a svcsim.model.Plan, got {type(plan).__name__}")
    if not isinstance(layout, Layout):
        raise InputError("layout", f"expected a svcsim.synth.native.Layout, got {type(layout).__name__}")
    for it in plan.items:
        shared = layout.columns == 3 or layout.item_row_full_width
        if shared and it.code != "0" and (not it.code or any(m.title and not m.code for m in it.measures)):
            # One column holds both titles, so only their codes ("一、", "(一)") tell them apart.
            raise InputError(plan.file or "plan", f"item {it.code or it.title[:10]!r} has an item or measure title "
                             "without a code, which a table with items and measures in one column cannot show "
                             "apart; render it with columns=4 and item_row_full_width=False")
        for m in it.measures:
            if it.code == "0" and len(m.points) != 1:
                raise InputError(plan.file or "plan", "the 訂定「提升服務計畫」 row (item 0) must hold exactly one point")
            if any(not p.text for p in m.points):
                raise InputError(plan.file or "plan", f"{it.code}{m.code} has a point with no text; cannot render it")
    return plan



@contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """A temporary name beside ``path`` to write to; renamed onto ``path`` (mode 0644) when the
    block ends without error, removed otherwise, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; a rendered plan is an ordinary shareable file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
