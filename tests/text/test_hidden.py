"""Invisible characters are reported (which, where) and ignored by matching."""

from __future__ import annotations

import random

import pytest

from svcsim.errors import InputError
from svcsim.synth.obfuscate import EVASIONS
from svcsim.text import match_key, normalize_for_match
from svcsim.text.hidden import count_hidden, hidden_chars

SRC = "本局每年至少2次檢視作業流程與標準作業流程圖，刪減不必要的步驟，推動簡政便民。"


@pytest.mark.parametrize("name, kind", [("variation_selectors", "ignorable"), ("grapheme_joiners", "ignorable"),
                                        ("zero_width", "ignorable"), ("hangul_fillers", "filler"),
                                        ("combining_accents", "mark")])
def test_every_hidden_character_is_reported_with_its_offset(name, kind):
    text = EVASIONS[name](SRC, random.Random(1))
    found = hidden_chars(text)
    added = len(text) - len(SRC)
    assert len(found) == added == count_hidden(text)
    assert {h.kind for h in found} == {kind}
    for h in found:
        assert f"U+{ord(text[h.index]):04X}" == h.codepoint
        assert text[h.index] not in SRC


def test_clean_text_and_ordinary_accents_are_not_reported():
    assert hidden_chars(SRC) == ()
    assert count_hidden("ISO 9001 認證，café 與 cafe\u0301 皆可") == 0  # e + U+0301 composes to é
    assert count_hidden("設\u0301置") == 1  # an accent on a Chinese character does not


def test_named_code_points():
    text = "單\u034f一\ufe00窗\U000E0100口\u3164\u2800"
    assert [(h.index, h.codepoint, h.name) for h in hidden_chars(text)] == [
        (1, "U+034F", "COMBINING GRAPHEME JOINER"), (3, "U+FE00", "VARIATION SELECTOR-1"),
        (5, "U+E0100", "VARIATION SELECTOR-17"), (7, "U+3164", "HANGUL FILLER"), (8, "U+2800", "BRAILLE PATTERN BLANK")]


@pytest.mark.parametrize("name", sorted(EVASIONS))
def test_evasions_normalise_to_the_source_and_spans_point_at_its_characters(name):
    text = EVASIONS[name](SRC, random.Random(2))
    assert match_key(text) == match_key(SRC)
    nt = normalize_for_match(text)
    key = match_key(SRC)
    i = key.index(match_key("標準作業流程圖"))
    a, b = nt.span_to_original(i, i + 7)
    # the original characters under the span are the seven the user sees, hidden ones in between
    seen = "".join(c for c in text[a:b] if count_hidden(c) == 0 and match_key(c))
    assert match_key(seen) == match_key("標準作業流程圖")
    assert match_key(text[a]) == match_key("標")
    assert match_key(text[:a]) == key[:i]


def test_bad_input_is_a_clear_error():
    with pytest.raises(InputError, match="expected str"):
        hidden_chars(None)
