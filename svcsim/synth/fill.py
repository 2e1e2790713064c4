"""Filling phrase-bank templates: slot values, ASCII spacing habits, innovative product names."""

from __future__ import annotations

import random
import re

from svcsim.synth.bank_points import (
    INNOVATIVE_NAME_A,
    INNOVATIVE_NAME_B,
    LEADS,
    PARTNERS,
    SLOTS,
    SYNONYMS,
    TAILS,
)
from svcsim.synth.bank_template import AgencyKind
from svcsim.synth.obfuscate import normal_form

_SLOT = re.compile(r"\{(\w+)\}")
_ASCII_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-]*")


def fill(template: str, rng: random.Random, kind: AgencyKind, units: tuple[str, ...], topic: str,
         *, spaced: bool) -> str:
    """Fill every ``{slot}`` of ``template`` and return the text in the parser's normal form.

    ``spaced`` is the drafter's habit: write ``每年至少 2 次`` (True) or ``每年至少2次`` (False).
    """

    def value(m: re.Match[str]) -> str:
        slot = m.group(1)
        if slot == "ag":
            return kind.self_word
        if slot == "unit":
            return rng.choice(units)
        if slot == "topic":
            return topic
        if slot == "n":
            return str(rng.randint(1, 4))
        if slot == "n2":
            return str(rng.randint(5, 120))
        if slot == "pct":
            return str(rng.randint(15, 60))
        if slot == "big":
            return str(rng.randint(12, 480) * 100)
        if slot == "partner":
            return rng.choice(PARTNERS)
        if slot == "name":
            return rng.choice(INNOVATIVE_NAME_A) + rng.choice(INNOVATIVE_NAME_B)
        return rng.choice(SLOTS[slot])

    text = template
    for _ in range(3):  # slot values may themselves hold slots ({freq} → 每年至少{n}次)
        new = _SLOT.sub(value, text)
        if new == text:
            break
        text = new
    return normal_form(space_ascii(text) if spaced else text)


def vary(template: str, rng: random.Random) -> str:
    """Dress a generic template the way drafters do: maybe a lead-in, an extra last clause, a synonym."""
    if rng.random() < 0.35:
        template = rng.choice(LEADS) + template
    if rng.random() < 0.45:
        template = template[:-1] + "，" + rng.choice(TAILS) + template[-1]
    if rng.random() < 0.3:
        words = [w for w in SYNONYMS if w in template]
        if words:
            w = rng.choice(words)
            template = template.replace(w, rng.choice(SYNONYMS[w]), 1)
    return template


def space_ascii(text: str) -> str:
    """Put one space between every ASCII run and a neighbouring CJK ideograph (2次 → 2 次)."""

    def repl(m: re.Match[str]) -> str:
        s, e = m.start(), m.end()
        left = " " if s > 0 and _is_han(text[s - 1]) else ""
        right = " " if e < len(text) and _is_han(text[e]) else ""
        return left + m.group() + right

    return _ASCII_RUN.sub(repl, text)


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"
