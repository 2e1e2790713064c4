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
structure parser joins a cell the page broke. Characters come from pdfplumber (pdfminer), which
also gives the ruling lines; ~0.03-0.1 s a page.

Example:
    >>> from pathlib import Path
    >>> doc = read_pdf(Path("plan.pdf").read_bytes(), "plan.pdf")  # doctest: +SKIP
    >>> doc.rows[1].cells  # doctest: +SKIP
    (('一、便民',), ('(一)簡化流程',), ('1. 線上申辦', '2. 單一窗口'), ('資訊室',))
"""

from __future__ import annotations

import io
import logging
import re
import statistics
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from svcsim.errors import PlanParseError
from svcsim.ingest.cells import LEVELS, is_ascii_alnum, level_mark
from svcsim.ingest.document import ITEM_HEADERS, POINT_HEADERS, UNIT_HEADERS, Document, TableRow, document_from_blocks

# A real plan has a few dozen pages; more is another kind of document (or a hostile one).
MAX_PAGES = 500
# pdfminer can crawl through a damaged file for minutes; a plan reads in well under a second.
TIME_BUDGET_S = 60.0

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*頁(?:\s*[,，/]?\s*共\s*\d+\s*頁)?|\d+\s*/\s*\d+|\d{1,3}"
    r"|(?:page|p\.)\s*\d+(?:\s*(?:of|/)\s*\d+)?)\s*$",
    re.IGNORECASE,
)
_MARKS = [level_mark(lv) for lv in LEVELS]
# Punctuation that may not start a line: a layout engine pulls the character before it down too.
_NO_LINE_START = set("，。、；：！？）」』】〉》,.;:!?)]}%")
# Browsers map some CJK glyphs back to radicals (⾼ for 高, ⺠ for 民); NFKC fixes the Kangxi
# block, this the few in the supplement whose glyph is a common unified character.
_RADICALS = str.maketrans("⺠⻑⻄⻆⻘⻝⻣⻤⺟⺩⺫⺬⻁⺝⺌", "民長西角青食骨鬼母王目示虎月小")


@dataclass
class _Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass
class _Line:
    chars: list[_Char]
    top: float = field(init=False)
    bottom: float = field(init=False)
    x0: float = field(init=False)
    x1: float = field(init=False)

    def __post_init__(self) -> None:
        self.chars.sort(key=lambda c: c.x0)
        self.top = min(c.top for c in self.chars)
        self.bottom = max(c.bottom for c in self.chars)
        self.x0 = min(c.x0 for c in self.chars)
        self.x1 = max(c.x1 for c in self.chars if c.text.strip()) if self.text().strip() else self.chars[-1].x1

    @property
    def size(self) -> float:
        return max(c.size for c in self.chars)

    def text(self) -> str:
        out: list[str] = []
        prev: _Char | None = None
        for c in self.chars:
            # A gap with no space character in it is a space (some producers position words).
            # LibreOffice also widens CJK|Latin boundaries by 0.2 em (its "autospacing"): no space.
            if prev is not None and c.x0 - prev.x1 > 0.24 * c.size and prev.text != " " and c.text != " ":
                out.append(" ")
            out.append(c.text)
            prev = c
        return "".join(out)


@dataclass
class _Page:
    number: int
    width: float
    height: float
    chars: list[_Char]
    h_edges: list[tuple[float, float, float]]  # (y, x0, x1)
    v_edges: list[tuple[float, float, float]]  # (x, top, bottom)
    images: int = 0


def read_pdf(data: bytes, source: str) -> Document:
    """Read a PDF plan (see the module docstring for how the table is rebuilt).

    Raises:
        PlanParseError: the PDF is damaged, password-protected, a scan without a text layer,
            longer than :data:`MAX_PAGES`, or has no 執行重點 table.
    """
    pages = _load(data, source)
    if not any(p.chars for p in pages):
        raise PlanParseError(
            source, "has no text layer (a scanned PDF?); run OCR on it first (e.g. ocrmypdf) and ingest the result"
        )
    blocks = _blocks(pages)
    doc = document_from_blocks(blocks, kind="pdf", pages=len(pages))
    if doc is None:
        raise PlanParseError(
            source, "no 執行重點 table found (looked for a header row with 執行重點/執行方法/工作重點/實施方法 "
            "in the PDF's text); is this a service plan?"
        )
    return doc


# --- loading -------------------------------------------------------------------------------------


def _load(data: bytes, source: str) -> list[_Page]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    started = time.monotonic()
    quiet = _QuietPdfminer()
    with quiet:
        try:
            pdf = pdfplumber.open(io.BytesIO(data))
        except Exception as exc:  # pdfminer raises a zoo of types on damaged files
            # pdfplumber wraps pdfminer's error in its own PdfminerException.
            inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc.__cause__ or exc
            if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)) or isinstance(
                exc, (PDFPasswordIncorrect, PDFEncryptionError)
            ):
                raise PlanParseError(
                    source, f"is password-protected (encrypted PDF: {type(inner).__name__}); save an unprotected "
                    "copy (print to PDF, or qpdf --decrypt with the password) and ingest that"
                ) from None
            raise PlanParseError(source, f"is a damaged PDF that cannot be opened ({_describe(exc)}); "
                                 "re-export or re-download it") from None
        try:
            n = _page_count(pdf, source)
            pages: list[_Page] = []
            for i, page in enumerate(pdf.pages):
                if time.monotonic() - started > TIME_BUDGET_S:
                    raise PlanParseError(source, f"took over {TIME_BUDGET_S:.0f} s to read ({i} of {n} pages); "
                                         "the PDF is probably damaged: re-export it")
                pages.append(_read_page(page, i + 1))
                page.close()
            return pages
        except PlanParseError:
            raise
        except Exception as exc:
            raise PlanParseError(source, f"is a damaged PDF: its pages cannot be read ({_describe(exc)}); "
                                 "re-export or re-download it") from None
        finally:
            try:
                pdf.close()
            except Exception:  # noqa: BLE001 - closing re-reads a damaged page tree; the error is already told
                pass


def _page_count(pdf, source: str) -> int:
    try:
        n = len(pdf.pages)
    except Exception as exc:
        raise PlanParseError(source, f"is a damaged PDF: its page tree cannot be read ({_describe(exc)}); "
                             "re-export or re-download it") from None
    if n > MAX_PAGES:
        raise PlanParseError(source, f"has {n} pages, over the {MAX_PAGES}-page limit for a plan; "
                             "split out the plan's pages")
    if n == 0:
        raise PlanParseError(source, "is a PDF with no pages; re-export it")
    return n


def _describe(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text[:120]}" if text else type(exc).__name__


class _QuietPdfminer:
    """pdfminer warns on every glyph of some fonts ("Could not get FontBBox"). With no logging set
    up those land on stderr through logging's last resort, so while reading, and only when the
    application has not configured the logger itself, hold it at ERROR."""

    def __enter__(self) -> None:
        self.logger = logging.getLogger("pdfminer")
        self.level = self.logger.level
        if self.level == logging.NOTSET:
            self.logger.setLevel(logging.ERROR)

    def __exit__(self, *exc) -> None:
        self.logger.setLevel(self.level)


def _read_page(page, number: int) -> _Page:
    chars = []
    for c in page.chars:
        text = c["text"]
        if len(text) == 1 and ("\u2f00" <= text <= "\u2fdf"):
            text = unicodedata.normalize("NFKC", text)
        text = text.translate(_RADICALS)
        if not text or text in "\u200b\ufeff":
            continue
        if text.isspace():
            text = " "
        chars.append(_Char(text, c["x0"], c["x1"], c["top"], c["bottom"], c.get("size") or (c["bottom"] - c["top"])))
    h: list[tuple[float, float, float]] = []
    v: list[tuple[float, float, float]] = []
    for e in page.edges:
        if e["orientation"] == "h" and e["x1"] - e["x0"] >= 2:
            h.append((e["top"], e["x0"], e["x1"]))
        elif e["orientation"] == "v" and e["bottom"] - e["top"] >= 2:
            v.append((e["x0"], e["top"], e["bottom"]))
    return _Page(number, float(page.width), float(page.height), chars, h, v, len(page.images))


# --- lines and furniture -------------------------------------------------------------------------


def _lines(chars: list[_Char]) -> list[_Line]:
    """Group characters into lines: a character joins the line its vertical middle falls in."""
    lines: list[list[_Char]] = []
    bands: list[tuple[float, float]] = []
    for c in sorted(chars, key=lambda c: (c.top, c.x0)):
        mid = (c.top + c.bottom) / 2
        if lines and bands[-1][0] <= mid <= bands[-1][1]:
            lines[-1].append(c)
            if c.text != " ":
                bands[-1] = (min(bands[-1][0], c.top), max(bands[-1][1], c.bottom))
        else:
            lines.append([c])
            bands.append((c.top, c.bottom))
    return [_Line(chs) for chs in lines if any(c.text != " " for c in chs)]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _drop_furniture(pages: list[_Page]) -> list[list[_Line]]:
    """Each page's lines without page numbers and running headers/footers."""
    page_lines = [_lines(p.chars) for p in pages]
    def margin(p: _Page, line: _Line) -> bool:
        return line.bottom < p.height * 0.15 or line.top > p.height * 0.85

    def key(line: _Line) -> str:
        return re.sub(r"\d+", "#", _squash(line.text()))

    seen: Counter[str] = Counter()
    for p, lines in zip(pages, page_lines):
        seen.update({key(ln) for ln in lines if margin(p, ln)})
    recurring = {k for k, n in seen.items() if len(pages) >= 2 and n >= max(2, len(pages) / 2)}
    out = []
    for p, lines in zip(pages, page_lines):
        kept = []
        for k, ln in enumerate(lines):
            edge = k < 2 or k >= len(lines) - 2
            text = ln.text()
            near_header = any(_has_point_header(o.text()) and abs(o.top - ln.top) < 2.5 * ln.size
                              for o in lines[max(0, k - 2) : k + 3])
            if margin(p, ln) and (
                (edge and _PAGE_NUMBER.match(text))
                # A wrapped header cell ("執行要" over "項") recurs on every page too, beside the header.
                or (key(ln) in recurring and not _has_point_header(text) and not near_header)
            ):
                continue
            kept.append(ln)
        out.append(kept)
    return out


def _has_point_header(text: str) -> bool:
    s = _squash(text)
    return any(h in s for h in POINT_HEADERS)


def _header_words(line: _Line) -> list[tuple[float, float, str]]:
    """The x-clusters of a line (split where the gap is at least a character wide)."""
    words: list[list[_Char]] = []
    for c in line.chars:
        if c.text == " ":
            continue
        if words and c.x0 - words[-1][-1].x1 < 0.9 * c.size:
            words[-1].append(c)
        else:
            words.append([c])
    return [(w[0].x0, w[-1].x1, "".join(c.text for c in w)) for w in words]


_HEADER_WORDS = POINT_HEADERS + ITEM_HEADERS + UNIT_HEADERS


def _header_band(lines: list[_Line], head: int) -> tuple[list[_Line], int]:
    """One line for a header row whose words wrap in narrow columns ("執行要" over "項", beside a
    vertically centred "執行重點"): the short fragments just above and below the header line join
    it, so every column has its anchor and no fragment is read as a body row."""
    size = lines[head].size

    def fragment(ln: _Line, near: _Line) -> bool:
        words = _header_words(ln)
        close = min(abs(ln.top - near.bottom), abs(near.top - ln.bottom)) < 0.8 * size or \
            (ln.top < near.bottom and near.top < ln.bottom)
        return close and bool(words) and all(any(t in h for h in _HEADER_WORDS) for _, _, t in words)

    lo = hi = head
    while lo > 0 and fragment(lines[lo - 1], lines[lo]):
        lo -= 1
    while hi + 1 < len(lines) and fragment(lines[hi + 1], lines[hi]):
        hi += 1
    if lo == hi:
        return lines, head
    merged = _Line([c for ln in lines[lo : hi + 1] for c in ln.chars])
    return lines[:lo] + [merged] + lines[hi + 1 :], lo


def _is_header_line(line: _Line) -> bool:
    return any(len(t) <= 12 and any(h in t for h in POINT_HEADERS) for _, _, t in _header_words(line))


# --- the table, page by page ---------------------------------------------------------------------


@dataclass
class _State:
    columns: list[float] | None = None  # unruled: boundaries between columns (x)
    anchors: list[tuple[float, float, str]] | None = None
    point_col: int = 0
    started: bool = False
    ended: bool = False
    right_edges: list[float] | None = None
    spacing: "_Spacing" = None  # type: ignore[assignment]


@dataclass(frozen=True)
class _Spacing:
    """What the file shows of its spaces, for the wraps where a space leaves no trace.

    ``wrap_spaces_drawn``: the producer draws the space a line wraps on (seen somewhere in it).
    ``mixed_space``: the author's habit between CJK and Latin letters or digits ("第 7 條" rather
    than "第7條"), counted where both sides sit on one line.
    """

    wrap_spaces_drawn: bool = False
    mixed_space: bool = True


def _spacing(pages: list[_Page]) -> _Spacing:
    spaced = tight = 0
    for page in pages:
        for line in _lines(page.chars):
            prev: _Char | None = None
            gap_space = False
            for c in line.chars:
                if c.text == " ":
                    gap_space = True
                    continue
                # Neighbours within one cell only: a wider gap is a column gutter.
                if prev is not None and (is_ascii_alnum(prev.text) != is_ascii_alnum(c.text)) and \
                        _is_cjk(prev.text if not is_ascii_alnum(prev.text) else c.text) and \
                        c.x0 - prev.x1 < 0.6 * c.size:
                    if gap_space or c.x0 - prev.x1 > 0.24 * c.size:
                        spaced += 1
                    else:
                        tight += 1
                prev, gap_space = c, False
    return _Spacing(wrap_spaces_drawn=any(_draws_line_end_spaces(p) for p in pages), mixed_space=spaced >= tight)


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


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


def _draws_line_end_spaces(page: _Page) -> bool:
    """Whether the producer draws the space on which a line wraps: a space character that ends
    its line, right of every other character on it (LibreOffice draws it, in drawing order even
    before the line's text; some producers never do)."""
    for line in _lines(page.chars):
        text = [c for c in line.chars if c.text != " "]
        if text and any(c.text == " " and c.x0 >= max(t.x1 for t in text) - 0.5 for c in line.chars):
            return True
    return False


def _paragraphs(lines: list[_Line]) -> list[str]:
    if not lines:
        return []
    right = max(ln.x1 for ln in lines)
    return _join(lines, right)


# --- ruled ---------------------------------------------------------------------------------------

_TOL = 2.0


def _cluster(values: list[float], tol: float = _TOL) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _ruled_columns(page: _Page, first: _Line) -> tuple[float, float, float] | None:
    """(left, right, top) of a ruled table whose vertical rules cross ``first`` (its first line)."""
    mid = (first.top + first.bottom) / 2
    xs = [x for x, t, b in page.v_edges if t - _TOL <= mid <= b + _TOL]
    if len(_cluster(xs)) < 3:
        return None
    left, right = min(xs), max(xs)
    if first.x0 < left - _TOL or first.x1 > right + _TOL:
        # The line is wider than the ruled box: rules of something else (a side bar, a frame).
        if not any(left <= c.x0 <= right for c in first.chars):
            return None
    tops = [t for x, t, b in page.v_edges if abs(x - left) <= _TOL and t - _TOL <= mid <= b + _TOL]
    return left, right, min(tops)


def _ruled_table(page: _Page, lines: list[_Line], box: tuple[float, float, float], spacing: _Spacing):
    left, right, top = box
    v = [e for e in page.v_edges if left - _TOL <= e[0] <= right + _TOL and e[2] >= top - _TOL]
    bottom = max(b for x, t, b in v if abs(x - left) <= _TOL or abs(x - right) <= _TOL)
    v = [e for e in v if e[1] <= bottom + _TOL]
    h = [e for e in page.h_edges if top - _TOL <= e[0] <= bottom + _TOL and e[2] >= left - _TOL
         and e[1] <= right + _TOL]
    xs = [x for x in _cluster([e[0] for e in v])]
    xs = [x for k, x in enumerate(xs) if k == 0 or x - xs[k - 1] > 3]
    ys = _cluster([top, bottom] + [e[0] for e in h])
    ys = [y for k, y in enumerate(ys) if k == 0 or y - ys[k - 1] > 3]
    ncol, nrow = len(xs) - 1, len(ys) - 1

    def hline(y: float, x: float) -> bool:
        return any(abs(ey - y) <= _TOL and x0 - 1 <= x <= x1 + 1 for ey, x0, x1 in h)

    def vline(x: float, y: float) -> bool:
        return any(abs(ex - x) <= _TOL and t - 1 <= y <= b + 1 for ex, t, b in v)

    owner: list[list[tuple[int, int]]] = []
    for r in range(nrow):
        row = []
        ymid = (ys[r] + ys[r + 1]) / 2
        for c in range(ncol):
            xmid = (xs[c] + xs[c + 1]) / 2
            if r > 0 and not hline(ys[r], xmid):
                row.append(owner[r - 1][c])
            elif c > 0 and not vline(xs[c], ymid):
                row.append(row[c - 1])
            else:
                row.append((r, c))
        owner.append(row)

    inside: list[_Line] = []
    rest: list[_Line] = []
    for ln in lines:
        (inside if ln.top < bottom - _TOL else rest).append(ln)
    cells: dict[tuple[int, int], list[_Char]] = {}
    for ln in inside:
        for ch in ln.chars:
            cx, cy = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
            c = _index(xs, cx)
            r = _index(ys, cy)
            if c is None or r is None:
                continue
            cells.setdefault(owner[r][c], []).append(ch)
    # Text may not run past a cell's right rule, less the padding it keeps on the left.
    rows: list[TableRow] = []
    for r in range(nrow):
        row_cells = []
        spans = tuple(sum(1 for k in range(ncol) if owner[r][k] == (r, c)) for c in range(ncol))
        for c in range(ncol):
            o = owner[r][c]
            if o != (r, c) or o not in cells:
                row_cells.append(())
                continue
            chars = cells[o]
            span_right = max(xs[k + 1] for k in range(ncol) if owner[r][k] == o)
            pad = max(0.0, min(ch.x0 for ch in chars) - xs[c])
            row_cells.append(tuple(_join(_lines(chars), span_right - min(pad, 12.0), spacing)))
        if any(row_cells):
            rows.append(TableRow(tuple(row_cells), spans=spans))
    return rows, rest


def _index(bounds: list[float], v: float) -> int | None:
    for k in range(len(bounds) - 1):
        if bounds[k] <= v < bounds[k + 1]:
            return k
    return None


# --- unruled -------------------------------------------------------------------------------------


def _unruled_table(page: _Page, lines: list[_Line], has_header: bool, state: _State):
    """Rows of a table drawn without rules; ``(None, lines)`` when these lines are no table."""
    if has_header:
        anchors = _header_words(lines[0])
        state.anchors = anchors
        state.point_col = next(k for k, a in enumerate(anchors) if any(h in a[2] for h in POINT_HEADERS))
    elif state.anchors is None:
        return None, lines
    anchors = state.anchors
    table, rest, bounds = _grow(lines, anchors, state.columns if not has_header else None)
    if bounds is None:
        return None, lines
    state.columns = bounds
    size = statistics.median(c.size for ln in table for c in ln.chars)
    xs = [-1e9] + bounds + [1e9]
    cols: list[list[_Char]] = [[] for _ in range(len(xs) - 1)]
    for ln in table:
        for ch in ln.chars:
            k = _index(xs, (ch.x0 + ch.x1) / 2)
            cols[k].append(ch)
    col_lines = [_lines(chs) for chs in cols]
    if state.right_edges is None or has_header:
        state.right_edges = _right_edges(col_lines, bounds, page, size)
    header_bottom = lines[0].bottom if has_header else None
    pitch = _pitch(col_lines, size)
    starts = _row_starts(col_lines, state.point_col, header_bottom, size, pitch)
    top = table[0].top
    if has_header:
        # The first line under the header starts a row even unmarked: it may continue a cell
        # the page broke.
        body = [ln.top for ln in table if ln.top > header_bottom]
        first = [min(body)] if body else []
        starts = [top] + first + [s for s in starts if body and s > first[0] + 0.5 * size]
    elif not starts or starts[0] > top + 0.5 * size:
        starts = [top] + starts
    nrows = len(starts)
    rows_chars: list[list[list[_Line]]] = [[[] for _ in cols] for _ in range(nrows)]
    for k, cl in enumerate(col_lines):
        title = k < state.point_col
        block_row = 0
        prev: _Line | None = None
        for ln in cl:
            r = max(i for i, s in enumerate(starts) if s <= ln.top + 0.5 * size) if ln.top + 0.5 * size >= starts[0] else 0
            if title and prev is not None and not _opens_block(ln, prev, size, pitch) and r > block_row and (
                header_bottom is None or prev.top > header_bottom
            ):
                r = block_row  # a title running on past the next row's start (a merged item cell)
            block_row = r
            rows_chars[r][k].append(ln)
            prev = ln
    rows = []
    for r in range(nrows):
        cells = tuple(tuple(_join(rows_chars[r][k], state.right_edges[k], state.spacing)) if rows_chars[r][k] else ()
                      for k in range(len(cols)))
        if any(cells):
            rows.append(TableRow(cells))
    return rows, rest


def _grow(lines: list[_Line], anchors, fixed: list[float] | None):
    """Take lines top-down while a gutter survives between every two header words; return the
    table lines, the rest, and the column boundaries."""
    covered: list[tuple[float, float]] = []
    table: list[_Line] = []
    size = statistics.median(c.size for ln in lines for c in ln.chars) if lines else 10.0

    def gutters(cov: list[tuple[float, float]]) -> list[float] | None:
        merged = _merge(cov)
        bounds = []
        for a, b in zip(anchors, anchors[1:]):
            lo, hi = a[1], b[0]
            # A gutter is wider than LibreOffice's 0.2 em CJK/Latin autospacing ("至少 3次" near
            # a column's right edge), which is a gap inside a column, not between two.
            gaps = [(x0, x1) for x0, x1 in _gaps(merged, lo, hi) if x1 - x0 >= max(2.0, 0.3 * size)]
            if not gaps:
                return None
            x0, x1 = gaps[0]
            bounds.append((x0 + x1) / 2)
        return bounds

    bounds = fixed
    outer: int | None = None  # the outermost numbering level opening a line in the first column
    for k, ln in enumerate(lines):
        # Spaces count: one never sits in a gutter, and a trailing one belongs to its cell.
        spans = [(c.x0 + 0.2, c.x1 - 0.2) for c in ln.chars]
        if fixed is not None:
            if any(x0 < b < x1 for x0, x1 in spans for b in fixed):
                return table, lines[k:], (fixed if table else None)
            trial = fixed
        else:
            trial = gutters(covered + spans)
            if trial is None:
                return table, lines[k:], bounds
        # Which column the line starts in is judged with the gutters this line leaves: before
        # the first item text arrives, the first gutter spans the empty item column too.
        level = _mark_level(ln.text())
        if k > 0 and level is not None and trial and ln.x0 < trial[0]:
            # A heading numbered outside the items (伍、 after items 一、…) is the next section.
            if outer is not None and LEVELS.index(level) < outer:
                return table, lines[k:], bounds
            outer = LEVELS.index(level) if outer is None else min(outer, LEVELS.index(level))
        if fixed is None:
            covered += spans
        bounds = trial
        table.append(ln)
    return table, [], bounds


def _merge(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[list[float]] = []
    for x0, x1 in sorted(spans):
        if out and x0 <= out[-1][1]:
            out[-1][1] = max(out[-1][1], x1)
        else:
            out.append([x0, x1])
    return [(a, b) for a, b in out]


def _gaps(merged: list[tuple[float, float]], lo: float, hi: float) -> list[tuple[float, float]]:
    gaps = []
    cur = lo
    for x0, x1 in merged:
        if x1 <= lo:
            continue
        if x0 >= hi:
            break
        if x0 > cur:
            gaps.append((cur, x0))
        cur = max(cur, x1)
    if cur < hi:
        gaps.append((cur, hi))
    return gaps


def _right_edges(col_lines: list[list[_Line]], bounds: list[float], page: _Page, size: float) -> list[float]:
    """Where each column's text may reach: its widest line, or up to the next column's text less
    the tightest gutter (a column of short lines never shows its edge)."""
    lefts = [min((ln.x0 for ln in cl), default=None) for cl in col_lines]
    rights = [max((ln.x1 for ln in cl), default=0.0) for cl in col_lines]
    gutter = min((lefts[k + 1] - rights[k] for k in range(len(bounds)) if lefts[k + 1] is not None), default=size)
    gutter = max(gutter, 0.0)
    edges = []
    for k in range(len(col_lines)):
        if k + 1 < len(col_lines) and lefts[k + 1] is not None:
            edges.append(max(rights[k], lefts[k + 1] - gutter))
        else:
            # Nothing marks where the last column ends: its widest line is the best witness.
            edges.append(rights[k])
    return edges


def _mark_level(text: str) -> str | None:
    return next((lv for lv in LEVELS if level_mark(lv).match(text)), None)


def _opens_block(ln: _Line, prev: _Line, size: float, pitch: float) -> bool:
    """A title line opens new text: it starts with a numbering mark, or a gap of half a line
    or more separates it from the line above (the paddings of two rows)."""
    return _mark_level(ln.text()) is not None or ln.top - prev.top > pitch + 0.5 * size


def _pitch(col_lines: list[list[_Line]], size: float) -> float:
    steps = [b.top - a.top for cl in col_lines for a, b in zip(cl, cl[1:]) if 0 < b.top - a.top < 3 * size]
    return statistics.median(steps) if steps else 1.2 * size


def _row_starts(col_lines: list[list[_Line]], point_col: int, header_bottom: float | None, size: float,
                pitch: float) -> list[float]:
    """Where rows start: a title column starts new text, or the points column starts at point 1."""
    below = (lambda ln: ln.top > header_bottom) if header_bottom is not None else (lambda ln: True)
    starts: list[float] = []
    for k in range(point_col):
        prev = None
        for ln in col_lines[k]:
            if not below(ln):
                continue
            if prev is None or _opens_block(ln, prev, size, pitch):
                starts.append(ln.top)
            prev = ln
    points = [ln for ln in col_lines[point_col] if below(ln)] if point_col < len(col_lines) else []
    level = next((lv for ln in points if (lv := _mark_level(ln.text())) is not None), None)
    if level is not None:
        for ln in points:
            m = level_mark(level).match(ln.text())
            if m and m.group(1) in ("1", "１", "一"):
                starts.append(ln.top)
    out: list[float] = []
    for s in sorted(starts):
        if not out or s - out[-1] > 0.5 * size:
            out.append(s)
    return out


# --- cell text -----------------------------------------------------------------------------------


_SENTENCE_PUNCT = set("，。；：、,;:！？!?「」（）()")


def _names_line(line: _Line) -> bool:
    """A line of names (a units cell): no sentence punctuation, no numbering mark."""
    return not any(c.text in _SENTENCE_PUNCT for c in line.chars) and _mark_level(line.text()) is None


def _first_token_width(line: _Line, *, whole_name: bool = False) -> float:
    """The width of what the line starts with that could not have been broken off onto the line
    above: one CJK character in running text, a Latin word, or with ``whole_name`` (a list of
    names with no sentence punctuation, like a units cell) the whole first name, since word-aware
    line breaking keeps "市場管理處" together."""
    chars = [c for c in line.chars if c.text != " "]
    if not chars:
        return 0.0
    if whole_name and not any(c.text in _SENTENCE_PUNCT for c in line.chars):
        k = 1
        while k < len(chars) and chars[k].x0 - chars[k - 1].x1 < 0.24 * chars[k].size and \
                not any(c.text == " " and chars[k - 1].x1 - 0.5 <= c.x0 <= chars[k].x0 for c in line.chars):
            k += 1
        return chars[k - 1].x1 - chars[0].x0
    k = 1
    if is_ascii_alnum(chars[0].text):
        while k < len(chars) and is_ascii_alnum(chars[k].text) and chars[k].x0 - chars[k - 1].x1 < 0.2 * chars[k].size:
            k += 1
    while k < len(chars) and chars[k].text in _NO_LINE_START:
        k += 1
    return chars[k - 1].x1 - chars[0].x0


def _join(lines: list[_Line], right: float, spacing: _Spacing = _Spacing()) -> list[str]:
    """Lines of one cell (or of the text around the table) → paragraphs. ``spacing``: what the
    file draws the space that ends a wrapped line when it fits (seen elsewhere in it)."""
    groups: list[list[str]] = []
    prev: _Line | None = None
    for ln in sorted(lines, key=lambda ln: ln.top):
        raw = ln.text()
        text = raw.strip()
        if not text:
            continue
        # A names line (units) that stops inside a name ("市場" of 市場管理處) wrapped the whole
        # name; one that ends a name (…室/科/課) was cut where the next name would not fit.
        whole_name = prev is not None and bool(groups) and (
            groups[-1][-1][-1:] not in _UNIT_END or len(groups[-1][-1].split(" ")[-1]) < 2)
        short = prev is not None and prev.x1 + _first_token_width(ln, whole_name=whole_name) < right - 0.3 * ln.size
        if prev is not None and not short and _names_line(prev) and _names_line(ln) and \
                groups[-1][-1][-1:] in _UNIT_END and len(groups[-1][-1].split(" ")[-1]) > 1 and \
                len(text.split(" ")[0]) > 1:
            # A column too narrow to show a short line: a line that ends a unit name and one that
            # starts another are two entries (one unit per point, or a list wrapped at its space).
            short = True
        if short and is_ascii_alnum(groups[-1][-1][-1]) and is_ascii_alnum(text[0]) and _mark_level(text) is None:
            # A Latin word broken with room to spare: an over-long unbreakable run, never a space.
            groups[-1][-1] += "\0"
        elif prev is None or short or _mark_level(text) is not None:
            groups.append([text])
            prev = ln
            continue
        # A space drawn at the wrap (some producers keep it) is a space of the text.
        elif raw[0] == " " or prev.text().endswith(" "):
            groups[-1][-1] += " "
        elif (spacing.wrap_spaces_drawn and (is_ascii_alnum(groups[-1][-1][-1]) or is_ascii_alnum(text[0]))
              and right - prev.x1 > 0.35 * ln.size):
            # The producer draws the space a line wraps on when it fits (seen elsewhere in this
            # file), there was room for one, and none is drawn: the text had no space. (A space
            # that would overhang the cell is never drawn, so a full line proves nothing.)
            groups[-1][-1] += "\0"
        groups[-1].append(text)
        prev = ln
    return [_stitch(g, spacing.mixed_space) for g in groups]


_CJK_LIST_SPACE = re.compile(r"[^\x00-\x7f] +[^\x00-\x7f]")


def _stitch(pieces: list[str], mixed_space: bool = True) -> str:
    """Join the wrapped lines of one paragraph.

    A CJK line wrap leaves no trace of a space that fell on it, which matters in a list of names
    separated by spaces (``產業服務科 工業輔導科``): there two pieces join into one word only when the
    result is no longer than the longest word seen whole in the list, else the space comes back.
    """
    out = pieces[0]
    listed = any(_CJK_LIST_SPACE.search(p) for p in pieces)
    whole: list[int] = []
    if listed:
        for k, p in enumerate(pieces):
            words = p.strip().split(" ")
            lo = 1 if k > 0 else 0
            hi = len(words) - 1 if k < len(pieces) - 1 else len(words)
            whole += [len(w) for w in words[lo:hi] if w]
    longest = max(whole, default=0)
    for p in pieces[1:]:
        if out[-1] in " \0":
            sep = ""
        elif is_ascii_alnum(out[-1]) and is_ascii_alnum(p[0]):
            sep = " "  # Latin text wraps at spaces
        elif not is_ascii_alnum(out[-1]) and not _is_cjk(out[-1]):
            sep = ""  # after full-width punctuation (、，「) nobody types a space
        elif is_ascii_alnum(out[-1]) or is_ascii_alnum(p[0]):
            # CJK beside Latin or digits: the wrap hides whether a space was there, so follow the
            # document's own habit where it shows ("第 7 條" or "第7條").
            sep = " " if mixed_space else ""
        elif listed and longest and _two_words(out.split(" ")[-1], p.split(" ")[0], longest):
            sep = " "
        else:
            sep = ""
        out = out + sep + p
    return out.replace("\0", "")


# The last character of an organisational unit's name (秘書室, 資訊科, 民政課, 市場管理處, 各單位…).
_UNIT_END = set("室科課處股所局組隊站館會心院署廠位")


def _two_words(left: str, right: str, longest: int) -> bool:
    """Whether the pieces either side of a wrap in a list of names are two names. A piece that
    ends the way unit names end (室, 科, 課, 處…) is a whole name; otherwise a one-character
    piece is a fragment, and two pieces longer together than any name seen whole are two."""
    if len(left) > 1 and left[-1] in _UNIT_END and len(right) > 1:
        return True
    if left and left[-1] not in _UNIT_END and right and right[-1] in _UNIT_END:
        return False
    return min(len(left), len(right)) > 1 and len(left) + len(right) > longest
