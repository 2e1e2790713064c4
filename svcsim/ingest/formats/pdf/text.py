"""Cell text: a cell's lines into paragraphs, and the spaces a line wrap hides, judged from what
the file shows (drawn wrap spaces, the author's CJK/Latin spacing habit, how unit names end)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from svcsim.ingest.cells import is_ascii_alnum
from svcsim.ingest.formats.pdf.geometry import _Char, _Line, _lines, _mark_level, _NO_LINE_START, _Page
from svcsim.ingest.structure import UNIT_END


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
            groups[-1][-1][-1:] not in UNIT_END or len(groups[-1][-1].split(" ")[-1]) < 2)
        short = prev is not None and prev.x1 + _first_token_width(ln, whole_name=whole_name) < right - 0.3 * ln.size
        if prev is not None and not short and _names_line(prev) and _names_line(ln) and \
                groups[-1][-1][-1:] in UNIT_END and len(groups[-1][-1].split(" ")[-1]) > 1 and \
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




def _two_words(left: str, right: str, longest: int) -> bool:
    """Whether the pieces either side of a wrap in a list of names are two names. A piece that
    ends the way unit names end (室, 科, 課, 處…) is a whole name; otherwise a one-character
    piece is a fragment, and two pieces longer together than any name seen whole are two."""
    if len(left) > 1 and left[-1] in UNIT_END and len(right) > 1:
        return True
    if left and left[-1] not in UNIT_END and right and right[-1] in UNIT_END:
        return False
    return min(len(left), len(right)) > 1 and len(left) + len(right) > longest
