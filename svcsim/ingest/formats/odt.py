"""OpenDocument .odt → :class:`~svcsim.ingest.document.Document` (content.xml and styles.xml, lxml).

The body's paragraphs, headings, lists and tables are taken in order, also inside sections. A
table's rows come from its header-row group and body alike; every ``table:table-cell`` and
``table:covered-table-cell`` takes one grid position (a spanned cell's text sits in its first
position and the covered positions are empty), ``number-columns-repeated`` and
``number-rows-repeated`` are expanded but bounded (an office suite may write one empty cell
repeated over 1024 columns). Text is what Writer shows: ``text:s`` spaces, ``text:tab`` a space,
``text:line-break`` a new paragraph, other white space collapsed, annotations, tracked deletions
and note bodies left out. List items get the label Writer draws (``"1. "``, ``"（一）"``) from
their list style, counted as Writer counts: per list, continued by ``text:continue-list`` /
``text:continue-numbering``, restarted by ``text:start-value`` (the styles and counters are in
:mod:`svcsim.ingest.formats.odfnum`).

Example:
    >>> import io, zipfile
    >>> ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    ...       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    ...       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    ...       'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"')
    >>> cell = lambda *ps: "<table:table-cell>" + "".join(f"<text:p>{p}</text:p>" for p in ps) + "</table:table-cell>"
    >>> content = (f'<office:document-content {ns}><office:automatic-styles><text:list-style style:name="L1">'
    ...            '<text:list-level-style-number text:level="1" style:num-format="1" style:num-suffix="."/>'
    ...            '</text:list-style></office:automatic-styles><office:body><office:text>'
    ...            '<text:p>範例局 113 年度提升服務計畫</text:p><table:table>'
    ...            '<table:table-row>' + cell("執行要項") + cell("執行重點") + cell("執行單位") + '</table:table-row>'
    ...            '<table:table-row>' + cell("一、便民") + '<table:table-cell><text:list text:style-name="L1">'
    ...            '<text:list-item><text:p>線上申辦</text:p></text:list-item>'
    ...            '<text:list-item><text:p>單一窗口</text:p></text:list-item></text:list></table:table-cell>'
    ...            + cell("資訊室") + '</table:table-row></table:table>'
    ...            '</office:text></office:body></office:document-content>')
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as z:
    ...     z.writestr("mimetype", "application/vnd.oasis.opendocument.text"); z.writestr("content.xml", content)
    >>> doc = read_odt(buf.getvalue(), "plan.odt")
    >>> doc.before, doc.rows[1].cells
    (('範例局 113 年度提升服務計畫',), (('一、便民',), ('1. 線上申辦', '2. 單一窗口'), ('資訊室',)))
"""

from __future__ import annotations

import re

from svcsim.errors import PlanParseError
from svcsim.ingest.document import Document, TableRow, block_paragraphs, document_from_blocks
from svcsim.ingest.formats.docx import NO_TABLE_FOUND
from svcsim.ingest.formats.listnum import NO_NUMBER
from svcsim.ingest.formats.odfnum import ListContext, ListCounter, ListStyles
from svcsim.ingest.formats.package import open_package, parse_xml, read_part
from svcsim.ingest.formats.wordnum import int_value

_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

# Writer's tables have at most a few dozen columns; a spreadsheet-style "1024 repeated empty
# cells" is cut to what holds text. Repeated rows/cells with text are expanded up to these limits.
MAX_COLUMNS = 64
MAX_REPEAT_ROWS = 1000
MAX_SPACES = 1000
_WS = re.compile(r"[ \t\r\n]+")

_P, _H, _LIST, _LIST_ITEM, _LIST_HEADER = (f"{_TEXT}p", f"{_TEXT}h", f"{_TEXT}list", f"{_TEXT}list-item",
                                           f"{_TEXT}list-header")
_SECTION = f"{_TEXT}section"
# Block containers whose paragraphs and tables are part of the flow (sections, index bodies).
_BLOCK_CONTAINERS = {_SECTION, f"{_TEXT}index-body", f"{_TEXT}index-title"}
_TABLE_TABLE, _ROW, _CELL, _COVERED = (f"{_TABLE}table", f"{_TABLE}table-row", f"{_TABLE}table-cell",
                                       f"{_TABLE}covered-table-cell")
_ROW_GROUPS = {f"{_TABLE}{t}" for t in ("table-header-rows", "table-rows", "table-row-group")}
_COLUMN_GROUPS = {f"{_TABLE}{t}" for t in ("table-columns", "table-header-columns", "table-column-group")}
_S, _TAB, _LINE_BREAK = f"{_TEXT}s", f"{_TEXT}tab", f"{_TEXT}line-break"
_NOTE, _NOTE_CITATION, _RUBY, _RUBY_BASE = (f"{_TEXT}note", f"{_TEXT}note-citation", f"{_TEXT}ruby",
                                            f"{_TEXT}ruby-base")
# Inline elements whose content Writer does not show in the line: comments, tracked-change
# marks, a cached list label (we compute our own), frames and shapes (floating text boxes).
_SKIP_INLINE = {f"{_OFFICE}annotation", f"{_OFFICE}annotation-end", f"{_TEXT}soft-page-break",
                f"{_TEXT}number", f"{_TEXT}change", f"{_TEXT}change-start", f"{_TEXT}change-end",
                f"{_TEXT}bookmark", f"{_TEXT}bookmark-start", f"{_TEXT}bookmark-end",
                "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}frame",
                "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}custom-shape"}


def read_odt(data: bytes, source: str) -> Document:
    """Read an OpenDocument text (.odt) plan.

    Raises:
        PlanParseError: the package is damaged, too large, hostile XML, or holds no plan table.
    """
    with open_package(data, source, ".odt") as z:
        content_xml = read_part(z, "content.xml", source, ".odt")
        if content_xml is None:
            raise PlanParseError(source, key="ingest.odt_no_content")
        content = parse_xml(content_xml, source, "content.xml")
        styles_xml = read_part(z, "styles.xml", source, ".odt")
        styles = parse_xml(styles_xml, source, "styles.xml") if styles_xml else None
    text = content.find(f"{_OFFICE}body/{_OFFICE}text")
    if text is None:
        raise PlanParseError(source, key="ingest.odt_no_text")
    try:
        blocks = _Reader(ListStyles(content, styles)).blocks(text)
    except RecursionError:
        raise PlanParseError(source, key="ingest.odt_too_deep") from None
    doc = document_from_blocks(blocks, kind="odt")
    if doc is None:
        if not any(not isinstance(b, str) for b in blocks):
            raise PlanParseError(source, key="ingest.no_table_at_all")
        raise PlanParseError(source, key=NO_TABLE_FOUND)
    return doc


# ------------------------------------------------------------------ the body

class _Reader:
    def __init__(self, styles: ListStyles) -> None:
        self.styles = styles
        self.by_id: dict[str, ListCounter] = {}        # xml:id of a list → its counter
        self.last_by_style: dict[str | None, ListCounter] = {}  # the latest list of each list style
        self.outline = ListCounter()

    def blocks(self, container) -> list:
        out: list = []
        self._blocks(container, out)
        return out

    def _blocks(self, container, out: list) -> None:
        for el in container:
            tag = el.tag
            if tag == _P:
                out.extend(self._paragraph(el, ""))
            elif tag == _H:
                out.extend(self._paragraph(el, self._heading_label(el)))
            elif tag == _LIST:
                self._list(el, out, None)
            elif tag == _TABLE_TABLE:
                out.append(self._table(el))
            elif tag in _BLOCK_CONTAINERS or (isinstance(tag, str) and tag.startswith(_TEXT)
                                              and tag.endswith(("-index", "table-of-content"))):
                self._blocks(el, out)

    # -- lists

    def _list(self, lst, out: list, parent: ListContext | None) -> None:
        style = lst.get(f"{_TEXT}style-name") or (parent.style if parent else None)
        if parent is None:
            continued = lst.get(f"{_TEXT}continue-list")
            if continued and continued in self.by_id:
                counter = self.by_id[continued]
            elif lst.get(f"{_TEXT}continue-numbering") == "true" and style in self.last_by_style:
                counter = self.last_by_style[style]
            else:
                counter = ListCounter()
            self.last_by_style[style] = counter
            ctx = ListContext(counter, 1, style)
        else:
            ctx = ListContext(parent.counter, parent.level + 1, style)
        if lst.get(_XML_ID):
            self.by_id[lst.get(_XML_ID)] = ctx.counter
        levels = self.styles.lists.get(style or "", {})
        for item in lst:
            if item.tag not in (_LIST_ITEM, _LIST_HEADER):
                continue
            start_attr = item.get(f"{_TEXT}start-value")
            start = int_value(start_attr, 1, 0, 10**6) if start_attr is not None else None
            numbered = item.tag == _LIST_ITEM
            first = True
            for child in item:
                if child.tag in (_P, _H):
                    label = ""
                    if first and numbered:
                        ctx.counter.advance(ctx.level, levels, start)
                        label = ctx.counter.label(ctx.level, levels)
                    out.extend(self._paragraph(child, label))
                    first = False
                elif child.tag == _LIST:
                    self._list(child, out, ctx)
                    first = False
                elif child.tag == _TABLE_TABLE:
                    out.append(self._table(child))
                elif child.tag == _SECTION:
                    self._blocks(child, out)

    def _heading_label(self, h) -> str:
        """Outline numbering of a heading that is not in a list (Writer's chapter numbering)."""
        level = int_value(h.get(f"{_TEXT}outline-level"), 0, 0, 10)
        if not level or h.get(f"{_TEXT}is-list-header") == "true" or level not in self.styles.outline:
            return ""
        if self.styles.outline[level].fmt in NO_NUMBER and not (self.styles.outline[level].prefix
                                                                or self.styles.outline[level].suffix):
            return ""
        start = h.get(f"{_TEXT}start-value") if h.get(f"{_TEXT}restart-numbering") == "true" else None
        self.outline.advance(level, self.styles.outline, int_value(start, 1, 0, 10**6) if start is not None else None)
        return self.outline.label(level, self.styles.outline)

    # -- paragraphs

    def _paragraph(self, p, label: str) -> list[str]:
        parts: list[list[str]] = [[]]
        self._inline(p, parts)
        texts = [_WS.sub(" ", "".join(x)).replace("\x00", " ") for x in parts]
        if label and texts[0].strip():  # an empty item shows a bare number: no text
            texts[0] = label + texts[0].lstrip()
        return texts

    def _inline(self, el, parts: list[list[str]]) -> None:
        if el.text:
            parts[-1].append(el.text)
        for child in el:
            tag = child.tag
            if tag == _S:
                # \x00 marks a kept space, so white-space collapsing leaves it alone.
                parts[-1].append("\x00" * int_value(child.get(f"{_TEXT}c"), 1, 1, MAX_SPACES))
            elif tag == _TAB:
                parts[-1].append("\x00")
            elif tag == _LINE_BREAK:
                parts.append([])
            elif tag == _NOTE:
                citation = child.find(_NOTE_CITATION)
                if citation is not None:
                    self._inline(citation, parts)
            elif tag == _RUBY:
                base = child.find(_RUBY_BASE)
                if base is not None:
                    self._inline(base, parts)
            elif tag not in _SKIP_INLINE and isinstance(tag, str):
                self._inline(child, parts)
            if child.tail:
                parts[-1].append(child.tail)

    # -- tables

    def _table(self, tbl) -> list[TableRow]:
        width = min(self._declared_columns(tbl), MAX_COLUMNS)
        rows: list[TableRow] = []
        below: dict[tuple[int, int], int] = {}  # (row, column) covered by a row span → the span it shows
        r = 0
        for tr in self._rows(tbl):
            cells: list[tuple[str, ...]] = []
            spans: list[int] = []
            across = 0  # positions of this row still covered by a cell spanning columns
            for c in tr:
                if c.tag not in (_CELL, _COVERED):
                    continue
                repeat = min(int_value(c.get(f"{_TABLE}number-columns-repeated"), 1, 1, 2**20), MAX_COLUMNS - len(cells))
                content = tuple(self._cell(c)) if c.tag == _CELL else ()
                for _ in range(max(0, repeat)):
                    col = len(cells)
                    if c.tag == _CELL:
                        n = int_value(c.get(f"{_TABLE}number-columns-spanned"), 1, 1, MAX_COLUMNS)
                        for dr in range(1, int_value(c.get(f"{_TABLE}number-rows-spanned"), 1, 1, MAX_REPEAT_ROWS)):
                            for dc in range(n):
                                below[(r + dr, col + dc)] = n if dc == 0 else 0
                        spans.append(n)
                        across = n - 1
                    else:
                        spans.append(0 if across else below.get((r, col), 1))
                        across = max(0, across - 1)
                    cells.append(content)
                if len(cells) >= MAX_COLUMNS:
                    break
            used = max((k + 1 for k, c in enumerate(cells) if c), default=0)
            keep = max(width, used)  # trailing empty positions past the declared columns go
            del cells[keep:], spans[keep:]
            pad = max(0, width - len(cells))
            row = TableRow(tuple(cells) + ((),) * pad, spans=tuple(spans) + (1,) * pad)
            repeat = int_value(tr.get(f"{_TABLE}number-rows-repeated"), 1, 1, 2**20)
            if not any(cells):
                repeat = 1
            rows.extend([row] * min(repeat, MAX_REPEAT_ROWS))
            r += min(repeat, MAX_REPEAT_ROWS)
            if len(rows) >= 100 * MAX_REPEAT_ROWS:
                break
        return rows

    def _declared_columns(self, tbl) -> int:
        n = 0
        stack = list(tbl)
        while stack:
            el = stack.pop()
            if el.tag == f"{_TABLE}table-column":
                n += int_value(el.get(f"{_TABLE}number-columns-repeated"), 1, 1, 2**20)
            elif el.tag in _COLUMN_GROUPS:
                stack.extend(el)
        return n

    def _rows(self, el):
        for child in el:
            if child.tag == _ROW:
                yield child
            elif child.tag in _ROW_GROUPS:
                yield from self._rows(child)

    def _cell(self, cell) -> list[str]:
        """A cell's paragraphs; a table nested in it gives its cells' paragraphs, row by row."""
        out: list = []
        self._blocks(cell, out)
        return block_paragraphs(out)
