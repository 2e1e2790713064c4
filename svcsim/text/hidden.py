"""Characters a reader cannot see: default-ignorable code points, blank fillers, stray combining marks.

A point whose characters are interleaved with variation selectors (U+FE00…), combining grapheme
joiners (U+034F), zero-width spaces or Hangul fillers (U+3164) looks exactly like the plain text on
screen, but defeats a byte-wise comparison. :func:`~svcsim.text.normalize_for_match` drops them for
matching; this module *reports* them, because a drafter who typed them in was probably hiding a copy.

Three kinds:

* ``ignorable`` — Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt, Unicode 15.1):
  soft hyphen, CGJ, zero-width space/joiners, bidi controls, word joiner, variation selectors,
  BOM, tag characters …, except the Hangul fillers, which are reported as ``filler``;
* ``filler`` — letters and symbols that draw as blank space: Hangul fillers (U+3164, U+FFA0,
  U+115F, U+1160), the braille blank (U+2800) and the ideographic half fill space (U+303F);
* ``mark`` — a combining mark (category M) that does not compose with the character before it
  (NFC): accents piled on Chinese characters. ``e`` + U+0301 composes to ``é`` and is not reported.

>>> [(h.index, h.codepoint, h.kind) for h in hidden_chars("設\\ufe00置\\u3164單一")]
[(1, 'U+FE00', 'ignorable'), (3, 'U+3164', 'filler')]
>>> count_hidden("設置單一窗口")
0
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from svcsim.errors import InputError

__all__ = ["HiddenChar", "HiddenKind", "count_hidden", "hidden_chars", "is_default_ignorable"]

HiddenKind = Literal["ignorable", "filler", "mark"]

# Default_Ignorable_Code_Point, DerivedCoreProperties.txt (Unicode 15.1). Python's unicodedata
# does not expose the property, and it is stable by policy (code points are only ever added to it
# from unassigned ranges already listed here).
DEFAULT_IGNORABLE: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)
FILLERS: frozenset[int] = frozenset({0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x303F})


def is_default_ignorable(cp: int) -> bool:
    """Whether code point ``cp`` is Default_Ignorable_Code_Point."""
    return any(lo <= cp <= hi for lo, hi in DEFAULT_IGNORABLE)


@dataclass(frozen=True)
class HiddenChar:
    """One invisible character of a text.

    Attributes:
        index: its offset in the original text.
        codepoint: ``"U+FE00"`` style.
        kind: ``ignorable``, ``filler`` or ``mark`` (see the module docstring).
        name: its Unicode name, or the code point when it has none.
    """

    index: int
    codepoint: str
    kind: HiddenKind
    name: str

    def to_dict(self) -> dict:
        return {"index": self.index, "codepoint": self.codepoint, "kind": self.kind, "name": self.name}


def _kind(text: str, i: int) -> HiddenKind | None:
    cp = ord(text[i])
    if cp in FILLERS:
        return "filler"
    if is_default_ignorable(cp):
        return "ignorable"
    if unicodedata.category(text[i])[0] == "M":
        if i and len(unicodedata.normalize("NFC", text[i - 1 : i + 1])) == 1:
            return None  # a decomposed accent on its letter: visible and ordinary
        return "mark"
    return None


@lru_cache(maxsize=1)
def _suspects() -> re.Pattern[str]:
    """One character class of every code point :func:`_kind` may report (built on first use)."""
    ranges = list(DEFAULT_IGNORABLE) + [(cp, cp) for cp in FILLERS]
    start = None
    # category M, as ranges; marks live only in planes 0, 1 and 14 (~30 ms once)
    for cp in (*range(0x20000), *range(0xE0000, 0xE1000)):
        mark = unicodedata.category(chr(cp))[0] == "M"
        if mark and start is None:
            start = cp
        elif not mark and start is not None:
            ranges.append((start, cp - 1))
            start = None
    cls = "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in sorted(ranges))
    return re.compile(f"[{cls}]")


def hidden_chars(text: str) -> tuple[HiddenChar, ...]:
    """Every invisible character of ``text``, in order.

    Raises:
        InputError: when ``text`` is not a str.

    >>> [h.name for h in hidden_chars("單\\u034f一\\u200b窗口")]
    ['COMBINING GRAPHEME JOINER', 'ZERO WIDTH SPACE']
    """
    if not isinstance(text, str):
        raise InputError("hidden_chars", f"expected str, got {type(text).__name__}")
    out = []
    for m in _suspects().finditer(text):
        i = m.start()
        kind = _kind(text, i)
        if kind is not None:
            cp = ord(text[i])
            out.append(HiddenChar(i, f"U+{cp:04X}", kind, unicodedata.name(text[i], f"U+{cp:04X}")))
    return tuple(out)


def count_hidden(text: str) -> int:
    """``len(hidden_chars(text))``, with a fast path for the usual clean text (one regex search)."""
    if not isinstance(text, str):
        raise InputError("count_hidden", f"expected str, got {type(text).__name__}")
    if _suspects().search(text) is None:
        return 0
    return len(hidden_chars(text))
