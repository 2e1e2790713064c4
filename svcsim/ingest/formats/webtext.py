"""Text copied from a web page: every table cell on its own line, no tabs.

Selecting a plan's table in a browser and pasting it into a text file gives one line per cell
paragraph: the header words each on a line, then 一、… / (一)… / 1. … / units, row after row.
The row boundaries are gone, so they are rebuilt from the numbering ladder: an item or measure
heading opens a row, point lines fill its points cell, and the short unmarked lines after the
points are its units. Unmarked lines that are not unit-like continue the open point.

Example:
    >>> lines = ["範例局113年度提升服務計畫", "執行要項", "具體措施", "執行重點", "執行單位",
    ...          "一、便民", "(一)簡化流程", "1. 線上申辦。", "2. 單一窗口。", "資訊室"]
    >>> doc = read_webtext(lines)
    >>> [r.cells for r in doc.rows[1:]]
    [(('一、便民',), ('(一)簡化流程',), ('1. 線上申辦。', '2. 單一窗口。'), ('資訊室',))]
"""

from __future__ import annotations

import re

from svcsim.ingest.cells import level_mark, strip_tags
from svcsim.ingest.rows import CLOSING
from svcsim.ingest.document import ITEM_HEADERS, POINT_HEADERS, UNIT_HEADERS, Document, TableRow, document_from_blocks

_HEADER_WORDS = POINT_HEADERS + ITEM_HEADERS + UNIT_HEADERS
_SENTENCE = re.compile(r"[，。；：、,;:]")


def read_webtext(lines: list[str]) -> Document | None:
    """A :class:`Document` from one-cell-per-line text, or ``None`` when the lines hold no run of
    header words (執行要項 / 具體措施 / 執行重點 / 執行單位, each alone on its line)."""
    clean = [strip_tags(line).strip() for line in lines]
    start = _header_run(clean)
    if start is None:
        return None
    first, last = start
    header = [c for c in clean[first : last + 1] if c]
    levels = _levels(clean[last + 1 :])
    if levels is None:
        return None
    item_level, measure_level, point_level = levels
    rows: list[list[list[str]]] = []
    p_idx = next(j for j, h in enumerate(header) if any(w in h for w in POINT_HEADERS))
    has_measure_col = p_idx >= 2
    has_units = any(any(w in h for w in UNIT_HEADERS) for h in header[p_idx + 1 :])
    after: list[str] = []
    state = "title"  # what the previous line was: title / points / units
    for k in range(last + 1, len(clean)):
        text = clean[k]
        if not text:
            continue
        if CLOSING.match(text):
            after = [c for c in clean[k:] if c]
            break
        kind = _kind(text, item_level, measure_level, point_level)
        if kind == "item":
            rows.append([[text], [], [], []])
            state = "title"
        elif kind == "measure":
            if not rows or state != "title" or rows[-1][1] or (not has_measure_col and rows[-1][2]):
                rows.append([[], [text], [], []])
            else:
                rows[-1][1].append(text)
            state = "title"
        elif kind == "point":
            if not rows:
                rows.append([[], [], [], []])
            elif state == "units":
                rows.append([[], [], [], []])
            rows[-1][2].append(text)
            state = "points"
        else:
            if not rows or state == "units" and _title_like(text):
                # An unnumbered title (the preliminary 訂定「提升服務計畫」 row has no code) opens a row.
                rows.append([[text], [], [], []])
                state = "title"
            elif state == "title":
                row = rows[-1]
                if has_measure_col and row[0] and not row[1]:
                    row[1].append(text)  # one line per cell: after the item cell comes the measure cell
                elif _unit_like(text):
                    row[3].append(text)  # a measure with no points, only its units
                    state = "units"
                else:
                    row[1 if row[1] else 0].append(text)
            elif state == "points" and not _unit_like(text):
                rows[-1][2].append(text)
            else:
                rows[-1][3].append(text)
                state = "units"
    if not rows:
        return None
    # The rebuilt grid: the titles (item and measure apart, or sharing one cell), points, units.
    titles = [header[p_idx - 2], header[p_idx - 1]] if has_measure_col else [header[p_idx - 1] if p_idx else "執行要項"]
    head = TableRow(tuple((h,) for h in [*titles, header[p_idx], *(["執行單位"] if has_units else [])]))
    grid = []
    for r in rows:
        left = [tuple(r[0]), tuple(r[1])] if has_measure_col else [tuple(r[0] + r[1])]
        grid.append(TableRow((*left, tuple(r[2]), *([tuple(r[3])] if has_units else []))))
    before = [c for c in clean[:first] if c]
    return document_from_blocks([*before, [head, *grid], *after], kind="webtext")


def _header_run(clean: list[str]) -> tuple[int, int] | None:
    """First and last line of the first run of ≥ 3 header-word lines that names a points column."""
    k = 0
    while k < len(clean):
        if _is_header_word(clean[k]):
            j = k
            while j + 1 < len(clean) and (_is_header_word(clean[j + 1]) or not clean[j + 1]):
                j += 1
            while not clean[j]:
                j -= 1
            words = [c for c in clean[k : j + 1] if c]
            if len(words) >= 3 and any(any(h in w for h in POINT_HEADERS) for w in words):
                return k, j
            k = j + 1
        else:
            k += 1
    return None


def _is_header_word(text: str) -> bool:
    squashed = re.sub(r"\s+", "", text)
    return 0 < len(squashed) <= 8 and any(h in squashed for h in _HEADER_WORDS)


def _levels(body: list[str]) -> tuple[str | None, str | None, str] | None:
    """The item, measure and point levels of the ladder, from the marks the lines start with."""
    used = [lv for lv in ("big", "cn", "cnparen", "dot", "paren") if any(level_mark(lv).match(t) for t in body)]
    if not used:
        return None
    titles = [lv for lv in used if lv in ("big", "cn", "cnparen")]
    if not titles:
        return None, None, used[0]
    item = titles[0]
    below = [lv for lv in used if lv != item and ("big", "cn", "cnparen", "dot", "paren").index(lv) >
             ("big", "cn", "cnparen", "dot", "paren").index(item)]
    if not below:
        return None, None, item
    if len(below) == 1:
        return item, None, below[0]
    return item, below[0], below[1]


def _kind(text: str, item: str | None, measure: str | None, point: str) -> str:
    if item and level_mark(item).match(text):
        return "item"
    if measure and level_mark(measure).match(text):
        return "measure"
    if level_mark(point).match(text):
        return "point"
    return "other"


def _title_like(text: str) -> bool:
    """After a row's units, an unmarked line is a new (codeless) title only when it reads like
    one: a phrase with sentence punctuation or a quoted name, longer than a unit list."""
    return bool(_SENTENCE.search(text) or "「" in text) and not _unit_like(text)


def _unit_like(text: str) -> bool:
    """Unit names are short and carry no sentence punctuation; point text does."""
    return not _SENTENCE.search(text) and all(len(tok) <= 12 for tok in text.split()) and len(text) <= 40
