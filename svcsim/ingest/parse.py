"""Text → :class:`~svcsim.model.Plan`: the pipeline header → rows → structure."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from svcsim.errors import InputError, PlanParseError
from svcsim.ingest.cells import LEVELS, level_mark, segments
from svcsim.ingest.decode import decode_bytes, read_bytes
from svcsim.ingest.header import read_header
from svcsim.ingest.rows import Row, find_header, space_separated_header, table_rows
from svcsim.ingest.structure import PlanBuilder, decide_per_point
from svcsim.model import Plan


def parse_text(text: str, *, file: str = "<text>", content_hash: str = "") -> Plan:
    """Parse the text of one converted 提升服務計畫.

    Args:
        text: the whole document (headings, then the 執行要項/具體措施/執行重點/執行單位 table).
        file: the name recorded in ``Plan.file`` and used in error messages.
        content_hash: recorded as given (``parse_file`` passes the sha256 of the raw bytes).

    Raises:
        InputError: ``text`` is not a str.
        PlanParseError: no table with a 執行重點-like header, or a table with no points.

    Example:
        >>> plan = parse_text("範例局 112 年度提升服務計畫\\n執行要項\\t具體措施\\t執行重點\\t執行單位\\n"
        ...                   "一、便民\\t(一)簡化流程\\t1. 線上申辦 2. 單一窗口\\t資訊室\\n")
        >>> plan.agency, plan.year, [p.text for p in plan.items[0].measures[0].points]
        ('範例局', 2023, ['線上申辦', '單一窗口'])
    """
    if not isinstance(text, str):
        raise InputError(
            file, f"parse_text expects the plan's text as str, got {type(text).__name__}; use parse_file for a path or bytes"
        )
    return _parse(text, file=file, content_hash=content_hash, source=file)


def _parse(text: str, *, file: str, content_hash: str, source: str) -> Plan:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    header = find_header(lines)
    rows = table_rows(lines)
    if header is None and (spaced := space_separated_header(lines)) is not None:
        raise PlanParseError(
            source,
            f"the 執行重點 table header (line {spaced + 1}) separates its columns with spaces, not tabs or |; "
            "spaces also occur inside cells, so the columns are ambiguous: re-export the plan with tab-separated cells",
        )
    if header is None or not rows:
        raise PlanParseError(
            source,
            "no 執行重點 table found (looked for a header row with 執行重點/執行方法/工作重點/實施方法); is this a service plan?",
        )
    item_level, measure_level, point_level = numbering(rows)
    builder = PlanBuilder(point_scheme=point_level, item_level=item_level, measure_level=measure_level)
    for row in rows:
        builder.add_row(row)
    items = builder.finish(per_point_units=decide_per_point(builder.results))
    if not any(m.points for it in items for m in it.measures):
        raise PlanParseError(
            source, f"the 執行重點 table (line {header.line_index + 1}) has no points; is the points column empty?"
        )
    info = read_header(lines[: header.line_index])
    return Plan(
        file=file,
        agency=info.agency,
        roc_year=info.roc_year,
        title=info.title,
        goals=info.goals,
        items=items,
        content_hash=content_hash,
    )


def numbering(rows: list[Row]) -> tuple[str | None, str | None, str]:
    """How this plan numbers its items, measures and points (levels of :data:`LEVELS`).

    Items take the outermost of ``壹、``/``一、`` found at the start of a title segment, and
    measures the next level below that occurs in the title cells. Points take, among the levels
    below the measures, the one that opens the most points cells: so ``(1)`` numbers the points
    only in a plan that (almost) never opens a cell with ``1.``, and is a sub-point otherwise.

    Example:
        >>> from svcsim.ingest.rows import Row
        >>> numbering([Row(1, ("貳、關懷", "一、講習"), "(一)每年 4 場。", "", False)])
        ('big', 'cn', 'cnparen')
    """
    left = [s.text for r in rows for c in r.left for s in segments(c)]

    def used(level: str) -> bool:
        return any(level_mark(level).match(t) for t in left)

    item_level = next((lv for lv in ("big", "cn") if used(lv)), None)
    below = LEVELS[LEVELS.index(item_level) + 1 :] if item_level else ("cnparen", "dot")
    measure_level = next((lv for lv in below if lv in ("cn", "cnparen", "dot") and used(lv)), None)
    start = LEVELS.index(measure_level or item_level or "cn") + 1
    candidates = [lv for lv in LEVELS[start:] if lv in ("cnparen", "dot", "paren")]
    opened = {
        lv: sum(1 for r in rows if any(level_mark(lv).match(s.text) for s in segments(r.points))) for lv in candidates
    }
    point_level = max(candidates, key=lambda lv: (opened[lv], -candidates.index(lv))) if candidates else "dot"
    return item_level, measure_level, point_level


def parse_file(path: str | os.PathLike) -> Plan:
    """Read, decode and parse one plan file (``file`` = its name, ``content_hash`` = sha256 of its bytes)."""
    data = read_bytes(path)
    text = decode_bytes(data, str(path))
    return _parse(text, file=Path(path).name, content_hash=hashlib.sha256(data).hexdigest(), source=str(path))
