"""List numbers as a word processor shows them: a counter value in a numbering format, put into
the level's label template (Word ``lvlText`` ``"%1."``, ``"(%1)"``, ``"%1、"``; Writer's
``loext:num-list-format`` ``"%1%."`` or prefix + number + suffix).

Formats are named by Word's ``w:numFmt`` values; :func:`odf_format` maps an ODF
``style:num-format`` onto the same names. A format we do not know falls back to decimal, which
keeps the label readable and the structure parser's job possible.

Example:
    >>> format_number(12, "taiwaneseCountingThousand"), format_number(3, "ideographTraditional")
    ('十二', '丙')
    >>> fill_template("（%1）", WORD_PLACEHOLDER, lambda level: format_number(2, "taiwaneseCounting"))
    '（二）'
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Word lvlText refers to level k's number as %k; Writer's num-list-format writes %k%.
WORD_PLACEHOLDER = re.compile(r"%([1-9])")
ODF_PLACEHOLDER = re.compile(r"%([1-9])%")

_CN_DIGITS = "〇一二三四五六七八九"
_CN_ZERO = "零"
_CN_UNITS = ("", "十", "百", "千")
_LEGAL_TRAD_DIGITS = "零壹貳參肆伍陸柒捌玖"
_LEGAL_SIMP_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_LEGAL_UNITS = ("", "拾", "佰", "仟")
_TIAN_GAN = "甲乙丙丁戊己庚辛壬癸"
_DI_ZHI = "子丑寅卯辰巳午未申酉戌亥"
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
# Enclosed forms exist as single characters for small numbers only; larger ones fall back to decimal.
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PARENTHESISED = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
_FULL_STOP = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"
_CIRCLED_IDEOGRAPH = "㊀㊁㊂㊃㊄㊅㊆㊇㊈㊉"
_PAREN_IDEOGRAPH = "㈠㈡㈢㈣㈤㈥㈦㈧㈨㈩"

# Formats that show no number (the label is the template's literal text only).
NO_NUMBER = frozenset({"none", "bullet"})


def format_number(value: int, fmt: str) -> str:
    """``value`` written in Word numbering format ``fmt`` (``"decimal"``, ``"taiwaneseCounting"``…).

    Example:
        >>> [format_number(n, "taiwaneseCounting") for n in (1, 10, 11, 20, 101)]
        ['一', '十', '十一', '二十', '一百零一']
        >>> format_number(27, "upperLetter"), format_number(4, "lowerRoman"), format_number(3, "decimalFullWidth")
        ('AA', 'iv', '３')
    """
    if fmt in NO_NUMBER:
        return ""
    if value < 0:
        return str(value)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(value).translate(_FULLWIDTH)
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt in ("taiwaneseCounting", "taiwaneseCountingThousand", "chineseCounting", "chineseCountingThousand",
               "japaneseCounting", "koreanCounting"):
        return _counting(value, _CN_DIGITS, _CN_UNITS, _CN_ZERO, formal=False)
    if fmt in ("ideographLegalTraditional", "japaneseLegal"):
        return _counting(value, _LEGAL_TRAD_DIGITS, _LEGAL_UNITS, "零", formal=True)
    if fmt == "chineseLegalSimplified":
        return _counting(value, _LEGAL_SIMP_DIGITS, _LEGAL_UNITS, "零", formal=True)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_CN_DIGITS[int(d)] for d in str(value))
    if fmt == "ideographTraditional" and value >= 1:
        return _TIAN_GAN[(value - 1) % len(_TIAN_GAN)]
    if fmt in ("ideographZodiac", "ideographZodiacTraditional") and value >= 1:
        return _DI_ZHI[(value - 1) % len(_DI_ZHI)]
    if fmt in ("upperLetter", "lowerLetter") and value >= 1:
        # Word repeats the letter past Z: 27 → AA, 28 → BB.
        letter = chr(ord("A") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and 1 <= value < 4000:
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    for name, chars in (("decimalEnclosedCircle", _CIRCLED), ("decimalEnclosedCircleChinese", _CIRCLED),
                        ("decimalEnclosedParen", _PARENTHESISED), ("decimalEnclosedFullstop", _FULL_STOP),
                        ("ideographEnclosedCircle", _CIRCLED_IDEOGRAPH), ("ideographParenthesized", _PAREN_IDEOGRAPH)):
        if fmt == name:
            return chars[value - 1] if 1 <= value <= len(chars) else str(value)
    if fmt == "numberInDash":
        return f"- {value} -"
    return str(value)


def _counting(value: int, digits: str, units: tuple[str, ...], zero: str, *, formal: bool) -> str:
    """Chinese counting numerals up to 9999 (一百零一, 二十; informal 十一 but formal 壹拾壹)."""
    if value == 0:
        return digits[0] if not formal else zero
    if value >= 10000:
        return str(value)
    out: list[str] = []
    places = [int(d) for d in str(value)]
    pending_zero = False
    for k, d in enumerate(places):
        unit = units[len(places) - 1 - k]
        if d == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out.append(zero)
            pending_zero = False
        if not (unit == units[1] and d == 1 and not out and not formal):  # 十一, not 一十一
            out.append(digits[d])
        out.append(unit)
    return "".join(out)


def _roman(value: int) -> str:
    out = []
    for n, s in _ROMAN:
        while value >= n:
            out.append(s)
            value -= n
    return "".join(out)


def fill_template(template: str, placeholder: re.Pattern[str], number: Callable[[int], str]) -> str:
    """``template`` with each placeholder replaced by ``number(level)`` (level 0-based)."""
    return placeholder.sub(lambda m: number(int(m.group(1)) - 1), template)


# ODF style:num-format → Word format name. Writer writes its extra formats as a sample list
# ("一, 二, 三, ..."); the first entry is enough to tell them apart.
_ODF_FORMATS = {
    "1": "decimal", "a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman",
    "一": "taiwaneseCounting", "壹": "ideographLegalTraditional", "甲": "ideographTraditional",
    "子": "ideographZodiac", "①": "decimalEnclosedCircle", "⑴": "decimalEnclosedParen",
    "⒈": "decimalEnclosedFullstop", "㊀": "ideographEnclosedCircle", "㈠": "ideographParenthesized",
    "１": "decimalFullWidth", "01": "decimalZero", "〇": "ideographDigital",
}


def odf_format(num_format: str | None) -> str:
    """The Word format name of an ODF ``style:num-format`` (``""`` → ``"none"``).

    Example:
        >>> odf_format("1"), odf_format("一, 二, 三, ..."), odf_format("壹, 贰, 叁, ..."), odf_format("")
        ('decimal', 'taiwaneseCounting', 'chineseLegalSimplified', 'none')
    """
    if num_format is None:
        return "decimal"
    first = num_format.split(",")[0].strip()
    if not first:
        return "none"
    if first == "壹" and "贰" in num_format:
        return "chineseLegalSimplified"
    return _ODF_FORMATS.get(first, "decimal")
