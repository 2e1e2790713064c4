"""Text → :class:`~svcsim.model.Plan`: the pipeline header → rows → structure."""

from __future__ import annotations

import hashlib
import html
import os
import re
from dataclasses import dataclass
from pathlib import Path

from svcsim.errors import InputError, PlanParseError
from svcsim.i18n import t
from svcsim.ingest.cells import LEVELS, level_mark, segments
from svcsim.ingest.decode import decode_bytes, read_bytes
from svcsim.ingest.document import POINT_HEADERS, UNIT_HEADERS, Document
from svcsim.ingest.header import read_header
from svcsim.ingest.rows import Row, closing_section, find_header, space_separated_header, table_rows
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
        raise InputError(file, key="ingest.text_not_str", got=type(text).__name__)
    return _parse(text, file=file, content_hash=content_hash, source=file)


# The largest real plan we have seen is ~0.2 MB of text; parsing runs at ~0.5 M characters/s, so this keeps any
# one file to a few seconds and refuses a runaway export (or an attack) with a clear message.
MAX_TEXT_CHARS = 2_000_000


def _parse(text: str, *, file: str, content_hash: str, source: str) -> Plan:
    if len(text) > MAX_TEXT_CHARS:
        raise PlanParseError(source, key="ingest.too_long", n=len(text), limit=MAX_TEXT_CHARS)
    _no_surrogates(text, source)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    header = find_header(lines)
    rows = table_rows(lines)
    if header is None and (spaced := space_separated_header(lines)) is not None:
        raise PlanParseError(source, key="ingest.space_columns", line=spaced + 1)
    if header is None or not rows:
        raise PlanParseError(source, key="ingest.no_table_text")
    return _build(rows, lines[: header.line_index], file=file, content_hash=content_hash, source=source,
                  where=t("ingest.where.line", line=header.line_index + 1))


def parse_document(doc: Document, *, file: str, content_hash: str = "", source: str | None = None) -> Plan:
    """Parse a :class:`~svcsim.ingest.document.Document` that a reader made of a native file.

    The columns take their roles from the header row: the points column is the one named
    執行重點 (or a synonym), the units column the first named 執行單位/單位 right of it, and the (up
    to two) columns left of the points column hold the item and measure titles. Other columns
    (期程, 備註, 項次…) are not part of the plan's structure and are left out.

    Example:
        >>> from svcsim.ingest.document import document_from_blocks
        >>> doc = document_from_blocks(["範例局 113 年度提升服務計畫", [
        ...     [["執行要項"], ["具體措施"], ["執行重點"], ["執行單位"]],
        ...     [["一、便民"], ["(一)簡化流程"], ["1. 線上申辦", "2. 單一窗口"], ["資訊室"]]]], kind="docx")
        >>> plan = parse_document(doc, file="plan.docx")
        >>> plan.agency, [p.text for p in plan.items[0].measures[0].points]
        ('範例局', ['線上申辦', '單一窗口'])
    """
    source = source or file
    for paragraph in (*doc.before, *(p for r in doc.rows for c in r.cells for p in c)):
        _no_surrogates(paragraph, source)
    header = doc.rows[: doc.header_rows]
    names = [_SQUASH.sub("", "".join(t)) for t in zip(*(r.texts() for r in header))]
    p_idx = next((j for j, n in enumerate(names) if any(h in n for h in POINT_HEADERS)), None)
    if p_idx is None:  # document_from_blocks guarantees one; a hand-made Document may not
        raise PlanParseError(source, key="ingest.no_points_column")
    u_idx = next((j for j, n in enumerate(names) if j > p_idx and any(h in n for h in UNIT_HEADERS)), None)
    left_cols = [j for j in range(p_idx) if not _NOT_TITLE.search(names[j])][-2:]
    rows = []
    for k, r in enumerate(doc.rows[doc.header_rows :], start=doc.header_rows + 1):
        def cell(j: int | None, cells=r.cells) -> str:
            return _markup(cells[j]) if j is not None and j < len(cells) else ""

        if not any(r.cells):
            continue
        if closing_section([_markup(c) for c in r.cells]):
            break  # "伍、管制考核" read into the table (a table drawn without rules): the next section
        left = tuple(cell(j) for j in left_cols)
        if len(left_cols) == 2 and r.spans is not None and r.spans[left_cols[0]] > left_cols[1] - left_cols[0]:
            left = (left[0],)  # one title merged across both title columns: item or measure, by its mark
        rows.append(Row(k, left, cell(p_idx), cell(u_idx), r.page_break))
    if not rows:
        raise PlanParseError(source, key="ingest.no_rows")
    return _build(rows, list(doc.before), file=file, content_hash=content_hash, source=source, where=t("ingest.where.table_row_1"))


_SQUASH = re.compile(r"\s+")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_surrogates(text: str, source: str) -> None:
    """A lone UTF-16 surrogate is no character: it cannot be stored or printed, so refuse it here."""
    m = _SURROGATE.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        raise PlanParseError(source, key="ingest.surrogate", code=f"{ord(m.group()):04X}", line=line)
# Columns left of the points that hold no titles: a row number, a date, a note.
_NOT_TITLE = re.compile(r"項次|序號|編號|^序$|^No\.?$", re.IGNORECASE)


def _markup(cell: tuple[str, ...]) -> str:
    """A cell's paragraphs in the cell markup the structure parser reads (one ``<p>`` each)."""
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in cell)


def _build(rows: list[Row], head: list[str], *, file: str, content_hash: str, source: str, where: str) -> Plan:
    item_level, measure_level, point_level = numbering(rows)
    builder = PlanBuilder(point_scheme=point_level, item_level=item_level, measure_level=measure_level)
    for row in rows:
        builder.add_row(row)
    items = builder.finish(per_point_units=decide_per_point(builder.results))
    if not any(m.points for it in items for m in it.measures):
        raise PlanParseError(source, key="ingest.no_points", where=where)
    for it in items:
        for m in it.measures:
            for p in m.points:
                if not p.text:
                    raise PlanParseError(source, key="ingest.empty_point", item=it.code or t("ingest.no_code"),
                                         measure=m.code or t("ingest.no_code"), n=p.n)
    info = read_header(head)
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
    if measure_level in ("cnparen", "dot"):
        # Titles and points sit in different columns, so a plan may number both the same way
        # (measures auto-numbered "1." once their Chinese format is lost in an export): the
        # measure level numbers the points too when it opens more points cells than any other.
        candidates.append(measure_level)
    opened = {
        lv: sum(1 for r in rows if any(level_mark(lv).match(s.text) for s in segments(r.points))) for lv in candidates
    }
    point_level = max(candidates, key=lambda lv: (opened[lv], -candidates.index(lv))) if candidates else "dot"
    if not opened.get(point_level):
        point_level = candidates[0] if candidates else "dot"
    return item_level, measure_level, point_level


@dataclass(frozen=True)
class LoadedPlan:
    """A plan read from a file, with the kind of file it came from (for summaries and errors)."""

    plan: Plan
    kind: str  # "text", "webtext", "pdf", "docx", "odt", "doc" or "html"
    pages: int | None = None


def load_plan(path: str | os.PathLike) -> LoadedPlan:
    """Read one plan file of any supported kind: converted text (.txt/.md), PDF, .docx, .doc,
    .odt or HTML. The kind comes from the file's content, not its extension.

    Raises:
        InputError: the file cannot be opened.
        PlanParseError: the file is damaged, encrypted, a scan, or not a plan.
    """
    return load_bytes(read_bytes(path), str(path))


def load_bytes(data: bytes, source: str) -> LoadedPlan:
    """:func:`load_plan` for a file's bytes already in memory (downloaded, or from an archive);
    ``source`` is its path or name, for ``Plan.file`` and errors.

    Raises:
        PlanParseError: the bytes are damaged, encrypted, a scan, or not a plan.
    """
    from svcsim.ingest.formats import read_document, sniff

    if not isinstance(data, (bytes, bytearray)):
        raise InputError(source, key="ingest.bytes_not_bytes", got=type(data).__name__)
    data = bytes(data)
    name = Path(source).name
    digest = hashlib.sha256(data).hexdigest()
    kind = sniff(data, source)
    if kind == "text":
        text = decode_bytes(data, source)
        try:
            return LoadedPlan(_parse(text, file=name, content_hash=digest, source=source), "text")
        except PlanParseError:
            doc = _webtext(text)
            if doc is None:
                raise
        return LoadedPlan(parse_document(doc, file=name, content_hash=digest, source=source), "webtext")
    doc = read_document(data, source, kind)
    plan = parse_document(doc, file=name, content_hash=digest, source=source)
    return LoadedPlan(plan, kind, doc.pages)


def _webtext(text: str) -> Document | None:
    from svcsim.ingest.formats.webtext import read_webtext

    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if find_header(lines) is not None:  # a real tab table that failed for its own reason
        return None
    return read_webtext(lines)


def parse_file(path: str | os.PathLike) -> Plan:
    """Read, decode and parse one plan file of any supported kind (see :func:`load_plan`):
    ``file`` = its name, ``content_hash`` = sha256 of its bytes."""
    return load_plan(path).plan
