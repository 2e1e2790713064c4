"""Cell-level text: HTML stripping, the whitespace rule, and the numbering markers.

A cell of the converted table is raw text with optional HTML fragments (``<p>``, ``<ol><li>``).
This module turns a cell into *segments* (the pieces between block tags) and recognises the
three numbering schemes that give the plan its structure:

* item (執行要項):     ``一、`` ``三.``                 → code ``"一"``
* measure (具體措施):  ``(一)`` ``（四）``              → code ``"(一)"`` (half-width)
* point (執行重點):    ``1.`` ``2、`` or ``(1)`` ``（2）``  → its number

Other plans shift the same ladder of *levels* up or down (:data:`LEVELS`: ``壹、`` › ``一、`` ›
``(一)`` › ``1.`` › ``(1)``), e.g. items ``壹、`` with measures ``一、`` and points ``(一)``, or
items ``一、`` with measures ``1.`` and points ``(1)``. Codes are normalised by *role*, not by
how they were written, so plans stay comparable: an item is always a bare numeral (``貳、`` →
``"二"``) and a measure always ``"(n)"`` (``3.`` → ``"(三)"``).

Example:
    >>> normalise_ws("依據 第 7 條 規定，facebook 連結")
    '依據第 7 條規定，facebook 連結'
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

_WS_RUN = re.compile(r"\s+")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# Only tag-shaped text counts as a tag, so a stray "<" in prose survives.
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_BLOCK_TAG = re.compile(r"</?(?:p|li|ol|ul|div|br|tr|td|th|table|tbody|h[1-6])\b[^<>]*>", re.IGNORECASE)
_LI_OPEN = re.compile(r"<li\b", re.IGNORECASE)
_LIST_OPEN = re.compile(r"<[ou]l\b", re.IGNORECASE)

CN_DIGITS = "零一二三四五六七八九"
_BIG_TO_CN = str.maketrans("壹貳參叄肆伍陸柒捌玖拾", "一二三三四五六七八九十")
_CN_NUMERAL = "[一二三四五六七八九十]+"
_BIG_NUMERAL = "[壹貳參叄肆伍陸柒捌玖拾]+"
_DIGIT = "[0-9０-９]"

# Point numbers: "1." "２．" "3、" (never "4.0" or "Web2.") and the parenthesised "(1)" scheme.
_DOT_NUM = rf"({_DIGIT}{{1,2}})\s*[.．、](?!{_DIGIT})"
_PAREN_NUM = rf"[(（]\s*({_DIGIT}{{1,2}})\s*[)）]"

# The numbering ladder, outermost first. Each pattern's group 1 is the numeral.
LEVELS = ("big", "cn", "cnparen", "dot", "paren")
_LEVEL_NUM = {
    "big": rf"({_BIG_NUMERAL})\s*[、.．]",
    "cn": rf"({_CN_NUMERAL})\s*[、.．]",
    "cnparen": rf"[(（]\s*({_CN_NUMERAL})\s*[)）]",
    "dot": _DOT_NUM,
    "paren": _PAREN_NUM,
}
_LEVEL_START = {k: re.compile(rf"^\s*{v}\s*") for k, v in _LEVEL_NUM.items()}
# A mark in the middle of a title counts only right after a sentence end, so "辦理一、二級"
# or "依第(一)款" inside a title is never split.
_LEVEL_MID = {k: re.compile(rf"(?<=[。；;])\s*{v}\s*") for k, v in _LEVEL_NUM.items()}
ITEM_MARK = _LEVEL_START["cn"]
MEASURE_MARK = _LEVEL_START["cnparen"]
POINT_SCHEMES = {"dot": _DOT_NUM, "paren": _PAREN_NUM, "cnparen": _LEVEL_NUM["cnparen"]}


def level_mark(level: str) -> re.Pattern[str]:
    """The pattern of a numbering mark of ``level`` at the start of a text (group 1: numeral)."""
    return _LEVEL_START[level]


def level_value(level: str, numeral: str) -> int:
    """Value of a numeral written in ``level``'s style (``"貳"`` → 2, ``"１２"`` → 12)."""
    if level in ("dot", "paren"):
        return digit_value(numeral)
    return cn_to_int(numeral.translate(_BIG_TO_CN))


def is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def normalise_ws(text: str) -> str:
    """Apply the gold whitespace rule.

    A whitespace run becomes one space when the character before or after it is an ASCII
    letter or digit, and disappears otherwise (CJK text has no word spaces; PDF conversion
    inserts them at line wraps).

    Example:
        >>> normalise_ws("便捷服務 遞送，資通訊( ICT)服務")
        '便捷服務遞送，資通訊( ICT)服務'
    """
    text = text.strip()

    def repl(m: re.Match[str]) -> str:
        before = text[m.start() - 1]
        after = text[m.end()]
        return " " if is_ascii_alnum(before) or is_ascii_alnum(after) else ""

    return _WS_RUN.sub(repl, text)


def unescape_entities(text: str) -> str:
    """Decode only well-formed ``&name;``/``&#n;`` entities, so ``Q&A`` stays as written."""
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)


def strip_tags(text: str) -> str:
    """Drop every HTML tag (tags count as whitespace) and decode entities."""
    return unescape_entities(_TAG.sub(" ", text))


@dataclass(frozen=True)
class Segment:
    """The text between two block tags of a cell. ``li`` says it opened with ``<li>``, and
    ``list_start`` that this ``<li>`` is the first of its ``<ol>``/``<ul>``."""

    text: str
    li: bool = False
    list_start: bool = False


def segments(cell: str) -> list[Segment]:
    """Split a raw cell into its non-blank segments, tags removed.

    Example:
        >>> [s.text for s in segments("<p>甲</p> <p>2. 乙</p>")]
        ['甲', '2. 乙']
    """
    out: list[Segment] = []
    pos = 0
    li = list_open = False
    for m in _BLOCK_TAG.finditer(cell):
        piece = strip_tags(cell[pos : m.start()])
        if piece.strip():
            out.append(Segment(piece.strip(), li, li and list_open))
            li = False
            list_open = list_open and not out[-1].li
        tag = m.group(0)
        if _LI_OPEN.match(tag):
            li = True
        elif _LIST_OPEN.match(tag):
            list_open = True
        pos = m.end()
    piece = strip_tags(cell[pos:])
    if piece.strip():
        out.append(Segment(piece.strip(), li, li and list_open))
    return out


def cell_text(cell: str) -> str:
    """The whole cell as one normalised string."""
    return normalise_ws(" ".join(s.text for s in segments(cell)))


def cn_to_int(numeral: str) -> int:
    """Value of a Chinese numeral, positional (``"十二"``, ``"一百一十三"``) or digit by digit
    (``"一一三"``). Any run of numeral characters has a value (``"十十"`` reads as 20), so a
    strangely numbered heading never stops a parse.

    Example:
        >>> cn_to_int("二十三"), cn_to_int("一一三"), cn_to_int("一百零五"), cn_to_int("十十")
        (23, 113, 105, 20)

    Raises:
        ValueError: ``numeral`` is empty or holds a character that is no Chinese numeral.
    """
    numeral = numeral.translate(_BIG_TO_CN).replace("〇", "零").replace("○", "零")
    if not numeral or any(ch not in CN_DIGITS and ch not in "十百千" for ch in numeral):
        raise ValueError(f"not a Chinese numeral: {numeral!r}")
    if not any(ch in "十百千" for ch in numeral):
        value = 0
        for ch in numeral:
            value = value * 10 + CN_DIGITS.index(ch)
        return value
    total = current = 0
    for ch in numeral:
        if ch in "十百千":
            total += (current or 1) * {"十": 10, "百": 100, "千": 1000}[ch]
            current = 0
        else:
            current = current * 10 + CN_DIGITS.index(ch)
    return total + current


def int_to_cn(value: int) -> str:
    """The usual way to write a number as a code (``11`` → ``"十一"``, ``20`` → ``"二十"``,
    ``111`` → ``"一百一十一"``); from 1000 on, digit by digit.

    Example:
        >>> int_to_cn(3), int_to_cn(11), int_to_cn(111), int_to_cn(105)
        ('三', '十一', '一百一十一', '一百零五')
    """
    if value < 0:
        raise ValueError(f"negative code number {value}")
    if value < 10:
        return CN_DIGITS[value]
    if value < 100:
        tens, ones = divmod(value, 10)
        return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")
    if value < 1000:
        hundreds, rest = divmod(value, 100)
        if rest == 0:
            tail = ""
        elif rest < 10:
            tail = "零" + CN_DIGITS[rest]
        else:
            tail = CN_DIGITS[rest // 10] + "十" + (CN_DIGITS[rest % 10] if rest % 10 else "")
        return CN_DIGITS[hundreds] + "百" + tail
    return "".join(CN_DIGITS[int(d)] for d in str(value))


def digit_value(digits: str) -> int:
    """Value of a run of half- or full-width digits."""
    return int("".join(str(unicodedata.digit(ch)) for ch in digits))


@dataclass(frozen=True)
class Heading:
    """One piece of a title cell: ``kind`` is ``"item"``, ``"measure"`` or ``"cont"`` (no mark).

    ``code`` is the normalised code (``"一"``, ``"(一)"``) and ``ordinal`` its value; both are
    empty/0 for a continuation.
    """

    kind: str
    code: str
    ordinal: int
    text: str


def _split_mid(text: str, levels: tuple[str, ...]) -> list[str]:
    """Split a segment at item/measure marks that follow a sentence end."""
    cuts = sorted({m.start() for lv in levels for m in _LEVEL_MID[lv].finditer(text)})
    if not cuts:
        return [text]
    pieces, prev = [], 0
    for c in cuts:
        pieces.append(text[prev:c])
        prev = c
    pieces.append(text[prev:])
    return [p for p in pieces if p.strip()]


def headings(cell: str, *, item_level: str | None = "cn", measure_level: str | None = "cnparen") -> list[Heading]:
    """Read a title cell (執行要項 or 具體措施 column) as a list of headings in order.

    ``item_level``/``measure_level`` say how this plan numbers items and measures (see
    :data:`LEVELS`; ``None``: not numbered). Unmarked text at the start is a ``"cont"`` piece:
    the rest of a title broken by a page break, or a title that simply has no code. Unmarked
    text after a heading extends it.

    Example:
        >>> [(h.kind, h.code, h.text) for h in headings("<p>辦理。</p> <p>（四）公開資訊</p>")]
        [('cont', '', '辦理。'), ('measure', '(四)', '公開資訊')]
        >>> [(h.kind, h.code) for h in headings("<p>貳、主動關懷</p><p>三、辦理講習</p>", item_level="big", measure_level="cn")]
        [('item', '二'), ('measure', '(三)')]
    """
    levels = tuple(lv for lv in (measure_level, item_level) if lv)
    out: list[Heading] = []
    for seg in segments(cell):
        for piece in _split_mid(seg.text, levels) if levels else [seg.text]:
            for kind, level in (("measure", measure_level), ("item", item_level)):
                m = _LEVEL_START[level].match(piece) if level else None
                if m:
                    value = level_value(level, m.group(1))  # type: ignore[arg-type]
                    code = f"({int_to_cn(value)})" if kind == "measure" else int_to_cn(value)
                    out.append(Heading(kind, code, value, piece[m.end() :]))
                    break
            else:
                if out:
                    last = out[-1]
                    out[-1] = Heading(last.kind, last.code, last.ordinal, last.text + " " + piece)
                else:
                    out.append(Heading("cont", "", 0, piece))
    return out


@dataclass(frozen=True)
class Chunk:
    """A piece of a points cell: ``n`` is the source number, or ``None`` for unnumbered text."""

    n: int | None
    text: str


def has_point_mark(cell: str, scheme: str) -> bool:
    """Whether some segment of the cell starts with a point number of ``scheme``."""
    rx = re.compile(r"^\s*" + POINT_SCHEMES[scheme])
    return any(rx.match(s.text) for s in segments(cell))


def point_chunks(cell: str, *, scheme: str, prev: int) -> list[Chunk]:
    """Cut a points cell at its point numbers.

    ``prev`` is the number of the point open before this cell, so that a mark in running text
    is only believed when it continues the sequence (``2.`` after point 1) or restarts it after
    a sentence end; marks at the start of a ``<p>``/``<li>`` are always believed. Unnumbered
    text before the first mark becomes a chunk with ``n=None``.

    Example:
        >>> point_chunks("續文。 3. 甲，如 2. 條 4. 乙", scheme="dot", prev=2)
        [Chunk(n=None, text='續文。'), Chunk(n=3, text='甲，如 2.條'), Chunk(n=4, text='乙')]
    """
    start_rx = re.compile(r"^\s*" + POINT_SCHEMES[scheme] + r"\s*")
    mid_rx = re.compile(r"(?<=[\s。；;])" + POINT_SCHEMES[scheme] + r"\s*")
    chunks: list[list] = []  # [n, [texts]]
    last = prev
    auto_li = not has_point_mark(cell, scheme)
    for seg in segments(cell):
        text = seg.text
        m = start_rx.match(text)
        pos = 0
        if m:
            last = level_value(scheme, m.group(1))
            chunks.append([last, []])
            pos = m.end()
        elif seg.li and auto_li:
            # An auto-numbered <li> list with no typed numbers: a new <ol> counts from 1.
            last = 1 if seg.list_start else last + 1
            chunks.append([last, []])
        while True:
            found = None
            for mm in mid_rx.finditer(text, pos):
                n = level_value(scheme, mm.group(1))
                j = mm.start()
                while j > 0 and text[j - 1].isspace():  # no slicing: a long cell stays linear
                    j -= 1
                sentence_end = j == 0 or text[j - 1] in "。；;：:!！?？"
                if n == last + 1 or (n == 1 and sentence_end):
                    found = (mm, n)
                    break
            if found is None:
                break
            mm, n = found
            _add(chunks, text[pos : mm.start()])
            chunks.append([n, []])
            last = n
            pos = mm.end()
        _add(chunks, text[pos:])
    return [Chunk(n, normalise_ws(" ".join(t))) for n, t in chunks if n is not None or "".join(t).strip()]


def _add(chunks: list[list], text: str) -> None:
    if not text.strip():
        return
    if not chunks:
        chunks.append([None, []])
    chunks[-1][1].append(text)
