"""Normalisation for matching, keeping a map back to the original text.

Two plans that say the same thing rarely agree on the bytes: one writes ``１９９９``, the other
``1999``; one ``臺中``, the other ``台中``; punctuation and line breaks move around. Matching
therefore runs on a *normalised* text, while every span we report must still point into the
text the user sees. :class:`NormText` carries both, plus ``offsets`` from one to the other.

>>> nt = normalize_for_match("設置「單一窗口」，提供１９９９專線。")
>>> nt.text
'設置單一窗口提供1999專線'
>>> nt.span_to_original(2, 6)            # 單一窗口
(3, 7)
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from svcsim.errors import InputError

__all__ = ["NormText", "VARIANTS", "fold_width", "match_key", "normalize_for_match"]


# Variant folding. Every entry is a pair of characters that Taiwanese government text uses
# interchangeably (official vs. common form, or an old/Japanese form that OCR and old templates
# produce). Only characters whose two forms never distinguish meaning are folded, so 台/臺 is here
# but 周/週, 干/幹 or 颱/台 (typhoon) are not. The target is the form most common in current plans.
VARIANTS: dict[str, str] = {
    "臺": "台",
    "啓": "啟",
    "啔": "啟",
    "裏": "裡",
    "綫": "線",
    "衆": "眾",
    "爲": "為",
    "眞": "真",
    "册": "冊",
    "敎": "教",
    "歳": "歲",
    "户": "戶",
    "内": "內",
    "吿": "告",
    "脱": "脫",
    "説": "說",
    "峯": "峰",
    "羣": "群",
    "衞": "衛",
    "汙": "污",
    "泄": "洩",
    "録": "錄",
    "値": "值",
    "卽": "即",
    "旣": "既",
    "黄": "黃",
    "着": "著",
    "鈎": "鉤",
    "滙": "匯",
    "牀": "床",
    "粧": "妝",
    "蔴": "麻",
    "麪": "麵",
    "鷄": "雞",
    "舘": "館",
    "祕": "秘",
}

# Symbols kept although they are not letters: they change meaning ("10%", "A+B", "$100").
_KEEP_SYMBOL_CATEGORIES = frozenset({"Sm", "Sc"})
_KEEP_CHARS = frozenset("%‰")  # Unicode files these under punctuation (Po)


def fold_width(text: str) -> str:
    """Fold full-width ASCII (U+FF01–U+FF5E) and the ideographic space to half-width.

    One character in, one character out, so offsets into the result are offsets into the input.

    >>> fold_width("ＩＳＯ９００１　認證")
    'ISO9001 認證'
    """
    return text.translate(_WIDTH_TABLE)


_WIDTH_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH_TABLE[0x3000] = 0x20


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """The normalised form of one original character ('' when it is dropped)."""
    ch = fold_width(ch)
    # NFKC catches what width folding does not: compatibility ideographs (U+F900…), circled and
    # parenthesised numbers (①, ㈠) and ligatures; it may expand one char into several.
    ch = unicodedata.normalize("NFKC", ch)
    out = []
    for c in ch:
        cat = unicodedata.category(c)
        if c in _KEEP_CHARS:
            out.append(c)
            continue
        if cat[0] in "PZC" or c.isspace():
            continue
        if cat[0] == "S" and cat not in _KEEP_SYMBOL_CATEGORIES:
            continue  # bullets and decorations: ○●■※→★
        c = VARIANTS.get(c, c)
        out.append(c.lower())
    return "".join(out)


@dataclass(frozen=True)
class NormText:
    """A normalised text and the way back to its original.

    Attributes:
        original: the text as given.
        text: the normalised text used for matching.
        offsets: ``offsets[i]`` is the index in ``original`` of normalised character ``i``;
            non-decreasing, ``len(offsets) == len(text)``.
    """

    original: str
    text: str
    offsets: tuple[int, ...]

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Half-open normalised span -> half-open span of the original text covering it.

        An empty span maps to an empty span at the matching original position.

        Args:
            start: first normalised index (inclusive).
            end: last normalised index (exclusive).

        Raises:
            InputError: when ``0 <= start <= end <= len(text)`` does not hold.

        >>> normalize_for_match("單一 窗口").span_to_original(1, 3)
        (1, 4)
        """
        n = len(self.text)
        if not (0 <= start <= end <= n):
            raise InputError(
                "span_to_original",
                f"span ({start}, {end}) is outside the normalised text of length {n}; "
                f"pass 0 <= start <= end <= {n}",
            )
        if start == end:
            pos = self.offsets[start] if start < n else len(self.original)
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


def normalize_for_match(text: str) -> NormText:
    """Normalise ``text`` for matching, remembering where each character came from.

    Steps, per original character: full-width → half-width, NFKC, drop whitespace, punctuation
    (、，。；：「」『』（）() …) and decorative symbols, fold variants (:data:`VARIANTS`, e.g.
    臺→台), lowercase Latin.

    Raises:
        InputError: when ``text`` is not a str.

    >>> normalize_for_match("臺北市 ＡＰＰ「線上申辦」").text
    '台北市app線上申辦'
    """
    if not isinstance(text, str):
        raise InputError("normalize_for_match", f"expected str, got {type(text).__name__}")
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        for c in folded:
            chars.append(c)
            offsets.append(i)
    return NormText(original=text, text="".join(chars), offsets=tuple(offsets))


def match_key(text: str) -> str:
    """The normalised text alone: ``normalize_for_match(text).text``.

    >>> match_key("臺中市　１９９９") == match_key("台中市1999")
    True
    """
    return normalize_for_match(text).text
