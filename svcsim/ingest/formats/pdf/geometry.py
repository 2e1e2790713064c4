"""Characters, lines and pages of a PDF, and what is not the plan: page furniture, the header
row (its words may wrap in their cells), numbering marks at a line's start."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from svcsim.ingest.cells import LEVELS, level_mark
from svcsim.ingest.document import ITEM_HEADERS, POINT_HEADERS, UNIT_HEADERS


_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*頁(?:\s*[,，/]?\s*共\s*\d+\s*頁)?|\d+\s*/\s*\d+|\d{1,3}"
    r"|(?:page|p\.)\s*\d+(?:\s*(?:of|/)\s*\d+)?)\s*$",
    re.IGNORECASE,
)


_MARKS = [level_mark(lv) for lv in LEVELS]


# Punctuation that may not start a line: a layout engine pulls the character before it down too.
_NO_LINE_START = set("，。、；：！？）」』】〉》,.;:!?)]}%")


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


def _mark_level(text: str) -> str | None:
    return next((lv for lv in LEVELS if level_mark(lv).match(text)), None)
