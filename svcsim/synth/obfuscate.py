"""Known edits that turn a copied 執行重點 into a disguised copy, plus the parser's text form.

Each obfuscation returns a new text that *differs* from its input in one intended way, or
``None`` when the input offers nothing to edit (no ASCII run, no agency word…), so the caller
can pick another. Outputs are in :func:`normal_form`, the form the parser gives back.

:data:`EVASIONS` are the hostile edits: the text still *reads* as the original, but its characters
differ (invisible code points after or between the characters, accents, Simplified characters,
full-width forms). :func:`bury` hides a verbatim copy inside other text. They are kept apart from
:data:`OBFUSCATIONS`, which the corpus generator draws from.

>>> import random
>>> agency_swap("本局定期檢討作業流程，提升效率。", random.Random(0), target="本所")
'本所定期檢討作業流程，提升效率。'
"""

from __future__ import annotations

import random
import re
from typing import Callable, Literal

from svcsim.synth.bank_points import INSERT_CLAUSES, SYNONYMS
from svcsim.synth.bank_template import SELF_WORDS

Obfuscation = Literal[
    "none", "whitespace_width", "agency_swap", "insert_clause", "delete_clause",
    "synonym_swap", "reorder_clauses",
]
Evasion = Literal[
    "variation_selectors", "grapheme_joiners", "combining_accents", "hangul_fillers", "zero_width",
    "simplified", "full_width",
]

_WS = re.compile(r"\s+")
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
_ASCII_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-]*")
_CLAUSE_SEP = re.compile(r"[，；]")


def normal_form(text: str) -> str:
    """The parser's whitespace convention: a run of whitespace becomes one space when the
    character before or after it is an ASCII letter or digit, and disappears otherwise.

    >>> normal_form("每年至少  1次， 便捷服務 遞送")
    '每年至少 1次，便捷服務遞送'
    """

    def repl(m: re.Match[str]) -> str:
        s, e = m.start(), m.end()
        before = text[s - 1] if s > 0 else ""
        after = text[e] if e < len(text) else ""
        if not before or not after:
            return ""
        return " " if _ASCII_ALNUM.match(before) or _ASCII_ALNUM.match(after) else ""

    return _WS.sub(repl, text)


def split_clauses(text: str) -> tuple[list[str], list[str], str]:
    """Split ``text`` into clauses, the separators between them, and the final punctuation."""
    end = text[-1] if text and text[-1] in "。；" else ""
    body = text[: len(text) - len(end)]
    clauses = _CLAUSE_SEP.split(body)
    seps = _CLAUSE_SEP.findall(body)
    return clauses, seps, end


def _join(clauses: list[str], seps: list[str], end: str) -> str:
    out = clauses[0]
    for sep, c in zip(seps, clauses[1:]):
        out += sep + c
    return out + end


def whitespace_width(text: str, rng: random.Random) -> str | None:
    """Fold some ASCII letters/digits to full width and toggle the spaces around ASCII runs.

    A copy edited this way is still a ``copy``: equal after removing whitespace and NFKC folding.
    """
    runs = list(_ASCII_RUN.finditer(text))
    if not runs:
        return None
    out, last = [], 0
    for i, m in enumerate(runs):
        out.append(text[last: m.start()])
        run = m.group()
        if i == 0 or rng.random() < 0.5:  # at least one run is widened, so the text always changes
            run = "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in run)
        else:
            before = text[m.start() - 1] if m.start() else ""
            after = text[m.end()] if m.end() < len(text) else ""
            if before and before != " ":
                run = " " + run
            if after and after != " ":
                run = run + " "
        out.append(run)
        last = m.end()
    out.append(text[last:])
    return normal_form("".join(out))


def agency_swap(text: str, rng: random.Random, *, target: str | None = None) -> str | None:
    """Replace the agency's word for itself (本局→本所 …) everywhere it occurs."""
    found = [w for w in SELF_WORDS if w in text]
    if not found:
        return None
    src = found[0]
    choices = [w for w in SELF_WORDS if w != src and w not in text]
    dst = target if target and target != src else rng.choice(choices)
    return text.replace(src, dst)


def insert_clause(text: str, rng: random.Random) -> str | None:
    """Add one generic clause at a clause boundary (never first, so the opening stays)."""
    clauses, seps, end = split_clauses(text)
    extra = rng.choice([c for c in INSERT_CLAUSES if c not in text])
    at = rng.randint(1, len(clauses))
    clauses.insert(at, extra)
    seps.insert(at - 1, "，")
    return _join(clauses, seps, end)


def delete_clause(text: str, rng: random.Random) -> str | None:
    """Drop the shortest clause (keeping the first), so the rest still shares long runs."""
    clauses, seps, end = split_clauses(text)
    if len(clauses) < 3:
        return None
    at = min(range(1, len(clauses)), key=lambda i: (len(clauses[i]), i))
    del clauses[at]
    del seps[at - 1]
    return _join(clauses, seps, end)


UNLISTED: dict[str, tuple[str, ...]] = {
    "作業": ("工作",),
    "流程": ("程序",),
    "案件": ("個案",),
    "措施": ("作為",),
    "管道": ("途徑", "通路"),
    "機制": ("制度",),
    "效率": ("效能",),
    "需求": ("需要",),
    "意見": ("建言",),
    "表單": ("表格",),
    "規劃": ("策劃",),
    "追蹤": ("追查",),
    "回應": ("回覆",),
    "公告": ("公布",),
    "品質": ("水準",),
    "環境": ("場域",),
}
"""Synonyms a drafter uses that svcsim's detection table (``svcsim/text/data/synonyms.txt``) does *not*
hold, so a benchmark of synonym-edited copies also measures the swaps no list anticipates."""


def synonym_swap(text: str, rng: random.Random, *, k: int | None = None) -> str | None:
    """Swap words for synonyms: by default the hard edit, else up to ``k`` bank synonyms (加強→強化 …).

    The default (``k=None``, what a disguised copy gets): one swap per 15 characters plus two, at
    non-overlapping places, drawing from the bank's synonyms and from :data:`UNLISTED` ones
    (流程→程序 …), so a 15-character point gets three and keeps few verbatim runs. With ``k`` given:
    up to ``k`` swaps from the bank only (the generator's year-over-year and title edits, unchanged
    so that seeded corpora and ``examples/`` stay as they were). The clause structure is kept.
    """
    if k is not None:
        present = [w for w in SYNONYMS if w in text]
        if not present:
            return None
        rng.shuffle(present)
        out = text
        for w in present[:k]:
            out = out.replace(w, rng.choice(SYNONYMS[w]), 1)
        return out if out != text else None
    k = 2 + len(text) // 15
    table = {**UNLISTED, **SYNONYMS}
    present = sorted((w for w in table if w in text), key=lambda w: (-len(w), w))
    if not present:
        return None
    rng.shuffle(present)
    taken: list[tuple[int, int, str]] = []
    for w in present:
        if len(taken) == k:
            break
        at = text.find(w)
        if any(at < e and s < at + len(w) for s, e, _ in taken):
            continue
        taken.append((at, at + len(w), rng.choice(table[w])))
    out = text
    for s, e, new in sorted(taken, reverse=True):
        out = out[:s] + new + out[e:]
    return out if out != text else None


def reorder_clauses(text: str, rng: random.Random) -> str | None:
    """Swap two clauses; the sentence-final punctuation stays last."""
    clauses, seps, end = split_clauses(text)
    if len(clauses) < 2 or len(set(clauses)) < 2:
        return None
    i, j = rng.sample(range(len(clauses)), 2)
    while clauses[i] == clauses[j]:
        i, j = rng.sample(range(len(clauses)), 2)
    clauses[i], clauses[j] = clauses[j], clauses[i]
    return _join(clauses, seps, end)


OBFUSCATIONS: dict[str, Callable[..., str | None]] = {
    "whitespace_width": whitespace_width,
    "agency_swap": agency_swap,
    "insert_clause": insert_clause,
    "delete_clause": delete_clause,
    "synonym_swap": synonym_swap,
    "reorder_clauses": reorder_clauses,
}


# ---------------------------------------------------------------------------------- evasions

_VS = [chr(c) for c in range(0xFE00, 0xFE10)] + [chr(c) for c in range(0xE0100, 0xE01F0)]
_ACCENTS = [chr(c) for c in range(0x0300, 0x0370) if c != 0x034F]
_FILLERS = ["\u3164", "\uffa0", "\u115f", "\u1160"]
_ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]


def _after_each(text: str, marks: list[str], rng: random.Random) -> str | None:
    if not text:
        return None
    return "".join(ch + rng.choice(marks) for ch in text)


def _between(text: str, marks: list[str], rng: random.Random) -> str | None:
    if len(text) < 2:
        return None
    return text[0] + "".join(rng.choice(marks) + ch for ch in text[1:])


def variation_selectors(text: str, rng: random.Random) -> str | None:
    """A variation selector (U+FE00–FE0F, U+E0100–E01EF) after every character: invisible."""
    return _after_each(text, _VS, rng)


def grapheme_joiners(text: str, rng: random.Random) -> str | None:
    """A combining grapheme joiner (U+034F) after every character: invisible."""
    return _after_each(text, ["\u034f"], rng)


def combining_accents(text: str, rng: random.Random) -> str | None:
    """A combining accent (U+0300–U+036F) on every character."""
    return _after_each(text, _ACCENTS, rng)


def hangul_fillers(text: str, rng: random.Random) -> str | None:
    """A Hangul filler (U+3164, U+FFA0, U+115F, U+1160) between the characters: blank letters."""
    return _between(text, _FILLERS, rng)


def zero_width(text: str, rng: random.Random) -> str | None:
    """Zero-width spaces, joiners, word joiners or BOMs between the characters."""
    return _between(text, _ZERO_WIDTH, rng)


def simplified(text: str, rng: random.Random) -> str | None:
    """The text through OpenCC's phrase-aware Traditional → Simplified conversion."""
    import opencc

    out = opencc.OpenCC("t2s").convert(text)
    return out if out != text else None


def full_width(text: str, rng: random.Random) -> str | None:
    """Every printable ASCII character in its full-width form (U+FF01–FF5E), spaces ideographic."""
    out = "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    return out if out != text else None


def bury(text: str, rng: random.Random, *, before: str, after: str = "") -> str:
    """The copy, verbatim, between other text: ``before + text + after``."""
    return before + text + after


EVASIONS: dict[str, Callable[[str, random.Random], str | None]] = {
    "variation_selectors": variation_selectors,
    "grapheme_joiners": grapheme_joiners,
    "combining_accents": combining_accents,
    "hangul_fillers": hangul_fillers,
    "zero_width": zero_width,
    "simplified": simplified,
    "full_width": full_width,
}
