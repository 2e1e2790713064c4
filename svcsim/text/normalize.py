"""Normalisation for matching, keeping a map back to the original text.

Two plans that say the same thing rarely agree on the bytes: one writes ``１９９９``, the other
``1999``; one ``臺中``, the other ``台中``; punctuation and line breaks move around. And a drafter
who wants to hide a copy can add characters nobody sees: a variation selector or a combining
grapheme joiner after every character, Hangul fillers or zero-width spaces between them, accents on
the Chinese characters, or run the text through a Simplified converter. Matching therefore runs on
a *normalised* text, while every span we report must still point into the text the user sees.
:class:`NormText` carries both, plus ``offsets`` from one to the other.

Per original character: drop default-ignorable code points and blank fillers
(:mod:`svcsim.text.hidden`), full-width → half-width, NFKC, drop combining marks (and the accents
of precomposed letters), whitespace, punctuation and decorative symbols, fold variants
(:data:`VARIANTS`) and Simplified characters (OpenCC ``t2s``, which maps one character to one
character), lowercase Latin.

>>> nt = normalize_for_match("設置「單一窗口」，提供１９９９專線。")
>>> nt.text
'設置單一窗口提供1999專線'
>>> nt.span_to_original(2, 6)            # 單一窗口
(3, 7)
>>> normalize_for_match("设\ufe00置\u3164单\u034f一窗口").text   # Simplified, with hidden characters
'設置單一窗口'
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import compress

from svcsim.errors import InputError
from svcsim.text.hidden import FILLERS, is_default_ignorable

__all__ = ["NormText", "VARIANTS", "fold_width", "match_key", "normalize_for_match"]


# Variant folding. Every entry is a pair of characters that Taiwanese government text uses
# interchangeably (official vs. common form, or an old/Japanese form that OCR and old templates
# produce) that OpenCC's t2s does not already fold (吿/告, 衞/衛, 値/值 …). The target is the form most
# common in current plans. The Simplified fold (:func:`_fold_han`) goes further and also merges
# characters that Simplified writes alike (週/周, 幹/干, 颱/台): a copy run through a converter must
# still match, and a run of ≥ 4 equal characters stays evidence of copying.
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


def _fold_char(ch: str) -> str:
    """The normalised form of one original character ('' when it is dropped)."""
    if _invisible(ord(ch)):
        return ""
    ch = fold_width(ch)
    # NFKC catches what width folding does not: compatibility ideographs (U+F900…), circled and
    # parenthesised numbers (①, ㈠) and ligatures; it may expand one char into several.
    ch = unicodedata.normalize("NFKC", ch)
    out = []
    for c in ch:
        if _invisible(ord(c)):  # NFKC turns U+FFA0 into the Hangul filler U+3164
            continue
        cat = unicodedata.category(c)
        if cat[0] == "M":
            continue  # combining accents, variation selectors, CGJ
        if unicodedata.decomposition(c) and not c.isascii():
            # é and its decomposed spelling e + U+0301 must agree: drop the marks of the letter too
            bare = "".join(x for x in unicodedata.normalize("NFD", c) if unicodedata.category(x)[0] != "M")
            if bare and bare != c:
                out.append(_fold_char(unicodedata.normalize("NFC", bare)))
                continue
        if c in _KEEP_CHARS:
            out.append(c)
            continue
        if cat[0] in "PZC" or c.isspace():
            continue
        if cat[0] == "S" and cat not in _KEEP_SYMBOL_CATEGORIES:
            continue  # bullets and decorations: ○●■※→★
        if cat == "Lo":
            c = _fold_han(VARIANTS.get(c, c))
        out.append(c.lower())
    return "".join(out)


def _invisible(cp: int) -> bool:
    return cp in FILLERS or is_default_ignorable(cp)


@lru_cache(maxsize=1)
def _converters():
    import opencc

    return opencc.OpenCC("t2s"), opencc.OpenCC("s2tw")


def _fold_han(c: str) -> str:
    """One form per Simplified/Traditional class: 線, 线 → 線; 臺, 台, 颱 → 台.

    The class is the ``t2s`` image (a copy pushed through any Simplified converter matches
    exactly); it is *written* in Taiwan's standard form (``s2tw``, then :data:`VARIANTS`) so the
    normalised text still reads as Traditional. Some distinct Traditional characters share a class
    (後/后, 髮/發, 颱/台): runs of ≥ 4 equal classes are no weaker evidence of copying for that.
    """
    t2s, s2tw = _converters()
    s = t2s.convert(c)
    if len(s) != 1:
        return c  # never seen: t2s maps every character to one; kept so offsets stay exact
    r = s2tw.convert(s)
    r = VARIANTS.get(r, r) if len(r) == 1 else s
    return r if t2s.convert(r) == s else s


class _Table(dict):
    """Per-character fold results, filled on first sight (one entry per distinct character).

    ``str.translate`` and ``map`` look characters up in C, so a text is normalised without a
    Python-level loop; the dict is capped so hostile input with every code point cannot grow it.
    """

    def __init__(self, key) -> None:
        super().__init__()
        self._key = key

    def __missing__(self, k):
        v = self._key(k)
        if len(self) < _TABLE_CAP:
            with _table_lock:
                self[k] = v
        return v


def _extends(ch: str) -> bool:
    """A dropped character that attaches to the one before it (combining mark, VS, ZWJ)."""
    return not _LEN[ch] and (ch == "\u200d" or unicodedata.category(ch)[0] == "M")


_TABLE_CAP = 1 << 17
_table_lock = threading.Lock()
_FOLD = _Table(lambda cp: _fold_char(chr(cp)))  # ord -> folded str, for str.translate
_LEN = _Table(lambda ch: len(_FOLD[ord(ch)]))  # char -> length of its folded form


@dataclass(frozen=True)
class NormText:
    """A normalised text and the way back to its original.

    Attributes:
        original: the text as given.
        text: the normalised text used for matching.
        offsets: ``offsets[i]`` is the index in ``original`` of normalised character ``i``;
            non-decreasing, ``len(offsets) == len(text)``. Computed on first use: most callers
            only want ``text`` (the grouping key of a whole corpus), and offsets cost as much again.
    """

    original: str
    text: str

    @cached_property
    def offsets(self) -> tuple[int, ...]:
        text = self.original
        offsets = tuple(compress(range(len(text)), map(_LEN.__getitem__, text)))
        if len(offsets) != len(self.text):  # a character became several (NFKC: ㈠, ㍿): one offset each
            offsets = tuple(i for i, ch in enumerate(text) for _ in range(_LEN[ch]))
        return offsets

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
        stop = self.offsets[end - 1] + 1
        # A combining mark or variation selector belongs to the character before it: a span that
        # ends on 設 also covers the U+FE00 after it, so a highlight never splits a grapheme.
        original = self.original
        while stop < len(original) and _extends(original[stop]):
            stop += 1
        return self.offsets[start], stop


def normalize_for_match(text: str) -> NormText:
    """Normalise ``text`` for matching, remembering where each character came from.

    Steps, per original character: drop invisible characters (default-ignorable code points such
    as U+FE00 or U+200B, Hangul fillers), full-width → half-width, NFKC, drop combining marks,
    whitespace, punctuation (、，。；：「」『』（）() …) and decorative symbols, fold variants
    (:data:`VARIANTS`, e.g. 臺→台) and Simplified characters (线→線), lowercase Latin.

    Raises:
        InputError: when ``text`` is not a str.

    >>> normalize_for_match("臺北市 ＡＰＰ「線上申辦」").text
    '台北市app線上申辦'
    """
    if not isinstance(text, str):
        raise InputError("normalize_for_match", f"expected str, got {type(text).__name__}")
    return NormText(original=text, text=text.translate(_FOLD))


def match_key(text: str) -> str:
    """The normalised text alone: ``normalize_for_match(text).text``.

    >>> match_key("臺中市　１９９９") == match_key("台中市1999")
    True
    """
    if not isinstance(text, str):
        raise InputError("match_key", f"expected str, got {type(text).__name__}")
    return text.translate(_FOLD)
