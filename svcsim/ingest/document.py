"""The one representation every reader produces: paragraphs, the plan table, paragraphs.

A reader (PDF, Word, ODF, HTML, text copied from a web page) turns its file into a
:class:`Document`; :func:`svcsim.ingest.parse.parse_document` then finds the roles of the
columns and hands the rows to the structure parser. Readers build one with
:func:`document_from_blocks`, which picks the plan's table out of everything in the file and
stitches a table that the file splits in several (one per PDF page, or a Word table broken by
a paragraph) back into one.

Merged cells are resolved by the reader: a cell's text sits in the top-left grid position it
covers and the positions it covers are empty, which is also how the converted-text form shows
them. Automatic list numbering is written into the paragraph (``"1." + text``), as the reader
of the document sees it.

Example:
    >>> doc = document_from_blocks(
    ...     ["範例局 113 年度提升服務計畫",
    ...      [[["執行要項"], ["執行重點"], ["執行單位"]], [["一、便民"], ["1. 線上申辦"], ["資訊室"]]]],
    ...     kind="docx")
    >>> doc.before, len(doc.rows), doc.rows[1].cells[1]
    (('範例局 113 年度提升服務計畫',), 2, ('1. 線上申辦',))
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Union

DocumentKind = Literal["text", "pdf", "docx", "doc", "odt", "html", "webtext"]

# A cell is its paragraphs, in order; an empty cell is ().
Cell = tuple[str, ...]

# Words that name the points column of the plan table (the table is found by them).
POINT_HEADERS = (
    "執行重點", "執行方法", "執行方式", "工作重點", "實施方法", "實施方式", "執行內容", "具體作法", "執行作法",
    "辦理方式", "辦理方法", "實施內容",
)
ITEM_HEADERS = ("執行要項", "實施要項", "具體措施", "工作項目", "推動策略")
UNIT_HEADERS = ("執行單位", "業務單位", "辦理單位", "主辦單位", "權責單位", "負責單位", "承辦單位", "單位")

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class TableRow:
    """One row of the plan table, cells left to right on the table's grid.

    ``page_break`` says the row is the first on a new page (PDF only): a cell broken by the page
    continues in it, which the structure parser joins. ``spans``, where the reader knows them,
    says how many grid columns each position's cell covers (1; more for a merged-across cell
    whose text sits in that position; 0 for a position it covers), so a title merged across the
    item and measure columns is not taken for an item title.
    """

    cells: tuple[Cell, ...]
    page_break: bool = False
    spans: tuple[int, ...] | None = None

    def texts(self) -> tuple[str, ...]:
        """Each cell as one squashed string (no whitespace), for comparing header rows."""
        return tuple(_SPACE.sub("", "".join(c)) for c in self.cells)


@dataclass(frozen=True)
class Document:
    """A plan file as read: the paragraphs before the plan table, its rows, the paragraphs after.

    ``header_rows`` is how many of the first rows form the table's header (usually 1).
    ``pages`` is the page count where the format has pages (PDF), else ``None``.
    """

    kind: DocumentKind
    before: tuple[str, ...]
    rows: tuple[TableRow, ...]
    after: tuple[str, ...] = ()
    header_rows: int = 1
    pages: int | None = None


# A reader's raw material, in document order: a paragraph (str) or a table (rows of cells of
# paragraphs). Rows may be plain lists; a row given as a TableRow keeps its page_break flag.
Block = Union[str, Sequence[Union[TableRow, Sequence[Sequence[str]]]]]


def is_header_row(texts: Sequence[str]) -> bool:
    """Whether a row's squashed cell texts name a points column: the plan table's header."""
    return any(any(h in t for h in POINT_HEADERS) for t in texts if len(t) <= 12)


def document_from_blocks(
    blocks: Sequence[Block], *, kind: DocumentKind, pages: int | None = None
) -> Document | None:
    """Pick the plan table among ``blocks`` and build the :class:`Document`, or ``None`` when no
    table has a header naming a points column (執行重點/執行方法/工作重點…).

    Tables that follow the plan table with the same number of columns, with only blank
    paragraphs or page furniture between them, continue it. A row equal to the header, repeated
    at the top of a page or of a continuation table, is dropped. The text of any table before
    the plan table (a title box) joins ``before``, one paragraph per cell paragraph.
    """
    tables: list[tuple[int, list[TableRow]]] = []
    for i, block in enumerate(blocks):
        if not isinstance(block, str):
            rows = [r if isinstance(r, TableRow) else TableRow(tuple(tuple(p for p in c) for c in r)) for r in block]
            tables.append((i, [_clean_row(r) for r in rows if r.cells]))
    start = next(
        ((t, r) for t, (i, rows) in enumerate(tables) for r, row in enumerate(rows) if is_header_row(row.texts())),
        None,
    )
    if start is None:
        return None
    t0, r0 = start
    block0, rows0 = tables[t0]
    header, header_rows = _header(rows0, r0)
    width = len(header[0].cells)
    before = block_paragraphs(blocks[:block0]) + _row_paragraphs(rows0[:r0])
    body: list[TableRow] = list(header) + rows0[r0 + header_rows :]
    last_block = block0
    for block_index, rows in tables[t0 + 1 :]:
        between = blocks[last_block + 1 : block_index]
        if any(isinstance(b, str) and b.strip() and not _furniture(b) for b in between):
            break
        if not rows or len(rows[0].cells) != width:
            break
        first = rows[0]
        rows = [r for r in rows if not _same_header(r, header)]
        if rows and not rows[0].page_break and first is not rows[0]:
            rows[0] = TableRow(rows[0].cells, page_break=True, spans=rows[0].spans)
        body.extend(rows)
        last_block = block_index
    body = [r for k, r in enumerate(body) if k < header_rows or not _same_header(r, header)]
    after = block_paragraphs(blocks[last_block + 1 :])
    body = [_pad(r, width) for r in body]
    return Document(
        kind=kind, before=tuple(before), rows=tuple(body), after=tuple(after), header_rows=header_rows, pages=pages
    )


def _header(rows: list[TableRow], r0: int) -> tuple[list[TableRow], int]:
    """The header row, plus a second header row when the first has a merged column group
    (``執行內容`` over ``執行重點 | 執行單位``): such a row is all short header words."""
    header = [rows[r0]]
    if r0 + 1 < len(rows):
        nxt = rows[r0 + 1].texts()
        if is_header_row(nxt) or (
            any(any(h in t for h in UNIT_HEADERS + ITEM_HEADERS) for t in nxt) and all(len(t) <= 8 for t in nxt)
        ):
            header.append(rows[r0 + 1])
    return header, len(header)


def _same_header(row: TableRow, header: list[TableRow]) -> bool:
    return any(row.texts() == h.texts() for h in header)


def _clean_row(row: TableRow) -> TableRow:
    cells = tuple(tuple(p for p in (q.strip() for q in c) if p) for c in row.cells)
    return TableRow(cells, row.page_break, row.spans)


def _pad(row: TableRow, width: int) -> TableRow:
    if len(row.cells) >= width:
        return row
    spans = row.spans + (1,) * (width - len(row.spans)) if row.spans is not None else None
    return TableRow(row.cells + ((),) * (width - len(row.cells)), row.page_break, spans)


_FURNITURE = re.compile(r"^\s*(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*頁(?:\s*[,，/]?\s*共\s*\d+\s*頁)?|\d+\s*/\s*\d+|\d{1,3})\s*$")


def _furniture(paragraph: str) -> bool:
    """A page number between two parts of a table is no text of the plan's."""
    return bool(_FURNITURE.match(paragraph))


def block_paragraphs(blocks: Sequence[Block]) -> list[str]:
    """Every paragraph of ``blocks`` in order, a table's cell by cell, row by row (a table nested in
    a cell, or a title box above the plan table, read as text)."""
    out: list[str] = []
    for b in blocks:
        if isinstance(b, str):
            if b.strip():
                out.append(b.strip())
        else:
            rows = [r if isinstance(r, TableRow) else TableRow(tuple(tuple(c) for c in r)) for r in b]
            out.extend(_row_paragraphs([_clean_row(r) for r in rows]))
    return out


def _row_paragraphs(rows: Sequence[TableRow]) -> list[str]:
    return [p for r in rows for c in r.cells for p in c]
