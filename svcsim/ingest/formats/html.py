"""HTML pages → :class:`~svcsim.ingest.document.Document`: an agency's web page with the plan
table pasted into its CMS, or a Writer/Word "save as HTML".

The page is parsed with lxml's HTML parser. Scripts, styles, navigation, forms and asides are
dropped; when the plan table sits inside an ``<article>``/``<main>`` region, only that region's
text counts as the plan's (a menu that says "提升服務計畫專區" is not the title). ``rowspan`` and
``colspan`` are resolved onto the table's grid, a layout table that only holds other tables is
looked through, and an ``<ol>`` without typed numbers gets the numbers a browser would show.

Example:
    >>> page = ("<html><body><nav>首頁 | 提升服務計畫專區</nav><main><h1>範例局113年度提升服務計畫</h1>"
    ...         "<table><tr><th>執行要項</th><th>執行重點</th><th>執行單位</th></tr>"
    ...         "<tr><td>一、便民</td><td><ol><li>線上申辦</li><li>單一窗口</li></ol></td><td>資訊室</td></tr>"
    ...         "</table></main></body></html>")
    >>> doc = read_html(page.encode(), "plan.html")
    >>> doc.before, doc.rows[1].cells
    (('範例局113年度提升服務計畫',), (('一、便民',), ('1.線上申辦', '2.單一窗口'), ('資訊室',)))
"""

from __future__ import annotations

import re

from svcsim.errors import PlanParseError
from svcsim.ingest.document import Document, TableRow, document_from_blocks, is_header_row

_DROP = ("script", "style", "noscript", "template", "nav", "aside", "form", "iframe", "object", "button", "select",
         "svg", "canvas", "head", "title")
_BLOCK = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
          "section", "article", "main", "header", "footer", "address", "figure", "figcaption", "caption", "hr",
          "center", "tr", "td", "th", "table", "tbody", "thead", "tfoot", "body"}
_WS = re.compile(r"[ \t\n\r\f\v]+")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
# Enough for any real page; a bigger "page" is refused rather than parsed for minutes.
MAX_BYTES = 50 * 1024 * 1024
_MAX_SPAN = 1000


def read_html(data: bytes, source: str) -> Document:
    """Read an HTML plan page.

    Raises:
        PlanParseError: the page has no table with a 執行重點-like header, or cannot be decoded.
    """
    import lxml.html

    if len(data) > MAX_BYTES:
        raise PlanParseError(source, key="ingest.html_too_big", mb=len(data) // 2**20, limit=MAX_BYTES // 2**20)
    text = _decode(data, source)
    try:
        root = lxml.html.document_fromstring(text)
    except Exception as exc:  # lxml raises ParserError/ValueError on empty or hostile markup
        raise PlanParseError(source, key="ingest.html_bad", detail=exc) from None
    for el in root.iter(*_DROP):
        if el.getparent() is not None:
            el.drop_tree()
    for el in list(root.iter("header", "footer")):
        # A site banner or footer, unless it belongs to the article (its title lives there).
        if el.getparent() is not None and not any(a.tag in ("article", "main") for a in el.iterancestors()):
            el.drop_tree()
    plan_table = next((t for t in root.iter("table") if _is_plan_table(t)), None)
    scope = root
    if plan_table is not None:
        scope = next((a for a in plan_table.iterancestors() if a.tag in ("article", "main") or a.get("role") == "main"),
                     root)
    blocks = _Walker().blocks(scope)
    doc = document_from_blocks(blocks, kind="html")
    if doc is None:
        has_table = any(True for _ in root.iter("table"))
        raise PlanParseError(source, key="ingest.html_no_plan_table" if has_table else "ingest.html_no_table")
    return doc


def _decode(data: bytes, source: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    m = _CHARSET.search(data[:4096])
    candidates = [m.group(1).decode("ascii").lower()] if m else []
    for enc in candidates + ["utf-8", "cp950", "big5hkscs"]:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    raise PlanParseError(source, key="ingest.html_encoding")


def _is_plan_table(table) -> bool:
    """A table whose own rows (not a nested table's) include a header naming a points column."""
    if any(True for _ in table.iterdescendants("table")):
        return False
    for tr in _own_rows(table)[:5]:
        if is_header_row([_WS.sub("", c.text_content()) for c in tr if c.tag in ("td", "th")]):
            return True
    return False


def _own_rows(table) -> list:
    rows = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if c.tag == "tr")
    return rows


class _Walker:
    """Collects the blocks of a region in document order: paragraphs, and tables as grids."""

    def blocks(self, scope) -> list:
        self.out: list = []
        self.buf: list[str] = []
        self._walk(scope)
        self._flush()
        return self.out

    def _flush(self) -> None:
        text = _WS.sub(" ", "".join(self.buf)).strip()
        if text:
            self.out.append(text)
        self.buf = []

    def _walk(self, el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "table" and not any(True for _ in el.iterdescendants("table")):
            self._flush()
            self.out.append(_grid(el))
            if el.tail:
                self.buf.append(el.tail)
            return
        block = tag in _BLOCK or tag == "br"
        if block:
            self._flush()
        if el.text and tag:
            self.buf.append(el.text)
        for child in el:
            self._walk(child)
        if block:
            self._flush()
        if el.tail:
            self.buf.append(el.tail)


def _grid(table) -> list[TableRow]:
    """The table's rows on its grid, ``rowspan``/``colspan`` resolved (text in the first position)."""
    grid: list[list[tuple[str, ...] | None]] = []
    spans: list[list[int]] = []
    for r, tr in enumerate(_own_rows(table)):
        while len(grid) <= r:
            grid.append([])
            spans.append([])
        row = grid[r]
        col = 0
        for cell in (c for c in tr if c.tag in ("td", "th")):
            while col < len(row) and row[col] is not None:
                col += 1
            rowspan = _span(cell.get("rowspan"))
            colspan = _span(cell.get("colspan"))
            paragraphs = _cell_paragraphs(cell)
            for dr in range(rowspan):
                while len(grid) <= r + dr:
                    grid.append([])
                    spans.append([])
                target = grid[r + dr]
                while len(target) < col + colspan:
                    target.append(None)
                    spans[r + dr].append(1)
                for dc in range(colspan):
                    target[col + dc] = paragraphs if (dr == 0 and dc == 0) else ()
                    spans[r + dr][col + dc] = colspan if dc == 0 else 0
            col += colspan
    width = max((len(r) for r in grid), default=0)
    return [TableRow(tuple(c if c is not None else () for c in row) + ((),) * (width - len(row)),
                     spans=tuple(span) + (1,) * (width - len(span)))
            for row, span in zip(grid, spans)]


def _span(value: str | None) -> int:
    try:
        n = int((value or "1").strip())
    except ValueError:
        return 1
    return min(max(n, 1), _MAX_SPAN)


def _cell_paragraphs(cell) -> tuple[str, ...]:
    paragraphs: list[str] = []
    buf: list[str] = []
    label_of_next: list[str] = []  # an <li>'s number, for the first paragraph inside it (<li><p>…)

    def flush() -> None:
        text = _WS.sub(" ", "".join(buf)).strip()
        if text:
            paragraphs.append("".join(label_of_next) + text)
            label_of_next.clear()
        buf.clear()

    def walk(el, label: str = "") -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag in _BLOCK or tag == "br"
        if block:
            flush()
        if label:
            label_of_next[:] = [label]
        if el.text and tag:
            buf.append(el.text)
        if tag == "ol":
            n = _span(el.get("start")) if (el.get("start") or "").strip().isdigit() else 1
            style = (el.get("type") or "1") + " " + (el.get("style") or "")
            for child in el:
                if child.tag == "li":
                    value = (child.get("value") or "").strip()
                    if value.isdigit():  # <li value="k">: Writer numbers a list continued from another cell so
                        n = _span(value)
                    walk(child, _ol_label(n, style))
                    n += 1
                else:
                    walk(child)
        else:
            for child in el:
                walk(child)
        if block:
            flush()
        if el.tail:
            buf.append(el.tail)

    walk(cell)
    flush()
    return tuple(paragraphs)


_CN = "零一二三四五六七八九"


def _ol_label(n: int, style: str) -> str:
    """What a browser shows before the n-th ``<li>`` of an ``<ol>`` of this type/style."""
    if "cjk-ideographic" in style or "trad-chinese" in style:
        return (_cn(n) + "、") if n < 100 else f"{n}."
    kind = style.split()[0] if style.split() else "1"
    if kind == "a" and n <= 26:
        return chr(ord("a") + n - 1) + "."
    if kind == "A" and n <= 26:
        return chr(ord("A") + n - 1) + "."
    return f"{n}."


def _cn(n: int) -> str:
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")
