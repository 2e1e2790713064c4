"""Text → :class:`~svcsim.model.Plan`: the pipeline header → rows → structure."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from svcsim.errors import PlanParseError
from svcsim.ingest.cells import ITEM_MARK, MEASURE_MARK, has_point_mark, segments
from svcsim.ingest.decode import decode_bytes, read_bytes
from svcsim.ingest.header import read_header
from svcsim.ingest.rows import find_header, table_rows
from svcsim.ingest.structure import PlanBuilder, decide_per_point
from svcsim.model import Plan


def parse_text(text: str, *, file: str = "<text>", content_hash: str = "") -> Plan:
    """Parse the text of one converted 提升服務計畫.

    Args:
        text: the whole document (headings, then the 執行要項/具體措施/執行重點/執行單位 table).
        file: the name recorded in ``Plan.file`` and used in error messages.
        content_hash: recorded as given (``parse_file`` passes the sha256 of the raw bytes).

    Raises:
        PlanParseError: no table with a 執行重點-like header, or a table with no points.

    Example:
        >>> plan = parse_text("範例局 112 年度提升服務計畫\\n執行要項\\t具體措施\\t執行重點\\t執行單位\\n"
        ...                   "一、便民\\t(一)簡化流程\\t1. 線上申辦 2. 單一窗口\\t資訊室\\n")
        >>> plan.agency, plan.year, [p.text for p in plan.items[0].measures[0].points]
        ('範例局', 2023, ['線上申辦', '單一窗口'])
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_text expects str, got {type(text).__name__}; use parse_file for a path or bytes")
    return _parse(text, file=file, content_hash=content_hash, source=file)


def _parse(text: str, *, file: str, content_hash: str, source: str) -> Plan:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    header = find_header(lines)
    rows = table_rows(lines)
    if header is None or not rows:
        raise PlanParseError(
            source,
            "no 執行重點 table found (looked for a header row with 執行重點/執行方法/工作重點/實施方法); is this a service plan?",
        )
    left_segments = [s.text for r in rows for c in r.left for s in segments(c)]
    # "(1)" numbers the points only in a plan that never uses "1."; otherwise they are sub-points.
    uses_paren = not any(has_point_mark(r.points, "dot") for r in rows) and any(has_point_mark(r.points, "paren") for r in rows)
    scheme = "paren" if uses_paren else "dot"
    builder = PlanBuilder(
        point_scheme=scheme,
        has_item_codes=any(ITEM_MARK.match(s) for s in left_segments),
        has_measure_codes=any(MEASURE_MARK.match(s) for s in left_segments),
    )
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


def parse_file(path: str | os.PathLike) -> Plan:
    """Read, decode and parse one plan file (``file`` = its name, ``content_hash`` = sha256 of its bytes)."""
    data = read_bytes(path)
    text = decode_bytes(data, str(path))
    return _parse(text, file=Path(path).name, content_hash=hashlib.sha256(data).hexdigest(), source=str(path))
