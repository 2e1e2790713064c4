"""PDF → :class:`~svcsim.ingest.document.Document`: plans exported from Word, Writer or a browser.

A PDF has no table, only characters and lines at positions, so the reader rebuilds the table:

* **Page furniture** goes first: a line near the top or bottom of a page that is shaped like a
  page number (``- 3 -``, ``第 3 頁，共 10 頁``, ``3/10``, ``3``), or whose text (digits aside)
  recurs at the same height on most pages (a running header or footer).
* **The header row** is the line naming the points column (執行重點/執行方法…, see
  :data:`~svcsim.ingest.document.POINT_HEADERS`).
* **Ruled tables** (vertical rules cross the header row) take their grid from the rules. A cell
  merged down (an item over its measures) has no horizontal rule in its column between the rows,
  and a cell merged across (a full-width item row) no vertical rule: its text goes to the merged
  region's top-left position and the positions it covers stay empty.
* **Unruled tables** take their columns from the gutters: the x ranges that no character of the
  table crosses, one between each two header words (the leftmost, since a hanging list number
  leaves a gap *inside* the column on its right). The table ends at the first line that crosses
  one. Rows start where a title column (left of the points) starts new text: a line opening with
  a numbering mark, or after a vertical gap; a title that runs on past the next row's start
  (an item merged over several measures) stays in the row where it began.
* **Cell text**: lines are joined into paragraphs; a new one starts at a line that opens with a
  numbering mark (壹、 一、 (一) 1. (1)) or after a line that ended short of the cell's right edge
  (the next line's first word would have fitted). Wrapped pieces join with no separator, except
  one space between two ASCII letters/digits.

Every page's table is one block; a row at the top of a later page is marked ``page_break`` so the
structure parser joins a cell the page broke. The modules: ``load`` (opening, limits, characters),
``geometry`` (lines, furniture, the header row), ``tables`` (ruled and unruled grids), ``text``
(cell paragraphs and hidden spaces); this module puts the pages together. Characters come from pdfplumber (pdfminer), which
also gives the ruling lines; ~0.03-0.1 s a page.

Example:
    >>> from pathlib import Path
    >>> doc = read_pdf(Path("plan.pdf").read_bytes(), "plan.pdf")  # doctest: +SKIP
    >>> doc.rows[1].cells  # doctest: +SKIP
    (('一、便民',), ('(一)簡化流程',), ('1. 線上申辦', '2. 單一窗口'), ('資訊室',))
"""

from __future__ import annotations

from svcsim.errors import PlanParseError
from svcsim.ingest.document import Document, TableRow, document_from_blocks
from svcsim.ingest.formats.pdf.geometry import _drop_furniture, _header_band, _is_header_line, _Page
from svcsim.ingest.formats.pdf.load import _load
from svcsim.ingest.formats.pdf.tables import _ruled_columns, _ruled_table, _State, _unruled_table
from svcsim.ingest.formats.pdf.text import _paragraphs, _spacing


__all__ = ["read_pdf"]


def read_pdf(data: bytes, source: str) -> Document:
    """Read a PDF plan (see the module docstring for how the table is rebuilt).

    Raises:
        PlanParseError: the PDF is damaged, password-protected, a scan without a text layer,
            longer than :data:`MAX_PAGES`, or has no 執行重點 table.
    """
    pages = _load(data, source)
    if not any(p.chars for p in pages):
        raise PlanParseError(source, key="ingest.pdf_no_text")
    blocks = _blocks(pages)
    doc = document_from_blocks(blocks, kind="pdf", pages=len(pages))
    if doc is None:
        raise PlanParseError(source, key="ingest.pdf_no_table")
    return doc


def _blocks(pages: list[_Page]) -> list:
    page_lines = _drop_furniture(pages)
    blocks: list = []
    state = _State(spacing=_spacing(pages))
    for page, lines in zip(pages, page_lines):
        if state.ended or not lines:
            blocks.extend(_paragraphs(lines))
            continue
        head = next((k for k, ln in enumerate(lines) if _is_header_line(ln)), None)
        if head is not None:
            lines, head = _header_band(lines, head)
        if not state.started and head is None:
            blocks.extend(_paragraphs(lines))
            continue
        start = head if head is not None else 0
        ruled = _ruled_columns(page, lines[start])
        blocks.extend(_paragraphs(lines[:start]))
        if ruled is not None:
            rows, rest = _ruled_table(page, lines[start:], ruled, state.spacing)
        else:
            rows, rest = _unruled_table(page, lines[start:], head is not None, state)
        if rows is None:  # the table ended at the previous page's end
            state.ended = True
            blocks.extend(_paragraphs(lines[start:]))
            continue
        if state.started and rows:
            rows[0] = TableRow(rows[0].cells, page_break=True, spans=rows[0].spans)
        state.started = True
        blocks.append(rows)
        if rest:
            state.ended = True
            blocks.extend(_paragraphs(rest))
    return blocks
