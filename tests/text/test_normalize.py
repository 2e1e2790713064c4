"""Normalisation: offsets round-trip, width folding, variant folding, punctuation dropped."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from svcsim.errors import InputError
from svcsim.text import fold_width, match_key, normalize_for_match

# Mixed alphabet the plans actually contain: CJK, full/half-width Latin and digits, CJK and
# ASCII punctuation, whitespace, circled numbers and variant characters.
_ALPHABET = list("設置單一窗口臺台啓啟裏裡線上申辦服務ＡＢｃ１２３ABcz09、，。；：「」『』（）()！? \t\n　①㈠%+")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=40))
def test_offsets_map_each_char_to_a_source_char(s):
    nt = normalize_for_match(s)
    assert nt.original == s
    assert len(nt.offsets) == len(nt.text)
    assert list(nt.offsets) == sorted(nt.offsets)
    for i, ch in enumerate(nt.text):
        # the source char, normalised alone, must produce the normalised char
        assert ch in match_key(s[nt.offsets[i]])


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=40), st.data())
def test_span_round_trip(s, data):
    nt = normalize_for_match(s)
    n = len(nt.text)
    start = data.draw(st.integers(0, n))
    end = data.draw(st.integers(start, n))
    a, b = nt.span_to_original(start, end)
    assert 0 <= a <= b <= len(s)
    # the original span, normalised again, gives back exactly the normalised slice
    assert match_key(s[a:b]) == nt.text[start:end]


def test_span_points_at_the_words_the_user_sees():
    s = "一、設置「單一窗口」，提供１９９９專線。"
    nt = normalize_for_match(s)
    i = nt.text.index("單一窗口")
    a, b = nt.span_to_original(i, i + 4)
    assert s[a:b] == "單一窗口"
    j = nt.text.index("1999")
    a, b = nt.span_to_original(j, j + 4)
    assert s[a:b] == "１９９９"


def test_span_outside_text_is_a_clear_error():
    nt = normalize_for_match("單一窗口")
    with pytest.raises(InputError, match="outside the normalised text of length 4"):
        nt.span_to_original(2, 9)
    with pytest.raises(InputError):
        nt.span_to_original(3, 2)


def test_empty_span_and_empty_text():
    nt = normalize_for_match("「窗口」")
    assert nt.span_to_original(0, 0) == (1, 1)
    assert nt.span_to_original(2, 2) == (4, 4)
    assert normalize_for_match("").text == ""
    assert normalize_for_match("，。 「」").offsets == ()


def test_width_folding_keeps_length():
    assert fold_width("ＩＳＯ９００１　認證（ＱＲ）") == "ISO9001 認證(QR)"
    s = "全形ＡＢＣ１２３　與半形"
    assert len(fold_width(s)) == len(s)
    assert fold_width("已是半形 abc") == "已是半形 abc"


def test_variants_fold_for_matching():
    assert match_key("臺北市") == match_key("台北市") == "台北市"
    assert match_key("啓動") == match_key("啟動")
    assert match_key("這裏") == match_key("這裡")
    # Simplified writes 颱/台 alike (台风), so a converted copy of 颱風 must match it: they share a class
    assert match_key("颱風") == match_key("台風") == match_key("台风")


def test_drops_punctuation_whitespace_and_lowercases():
    assert match_key("（一）建立  業務、標準;作業：流程。") == "一建立業務標準作業流程"
    assert match_key("ＡＰＰ App app") == "appappapp"
    assert match_key("①滿意度 10%") == "1滿意度10%"


def test_rejects_non_str():
    with pytest.raises(InputError, match="expected str"):
        normalize_for_match(["單一窗口"])  # type: ignore[arg-type]


def test_invisible_characters_are_dropped_for_matching():
    s = "單一窗口"
    for mark in ("\ufe00", "\ufe0f", "\U000E0100", "\U000E01EF", "\u034f", "\u0301", "\u200b", "\u00ad", "\u2060"):
        assert match_key(mark.join(s) + mark) == s, hex(ord(mark))
    for filler in ("\u3164", "\uffa0", "\u115f", "\u1160", "\u2800", "\u303f"):
        assert match_key(filler.join(s)) == s, hex(ord(filler))


def test_simplified_and_traditional_fold_to_one_form():
    assert match_key("设置单一窗口，推动简政便民") == match_key("設置單一窗口，推動簡政便民") == "設置單一窗口推動簡政便民"
    assert match_key("台湾") == match_key("臺灣") == match_key("台灣")


def test_accented_letters_match_their_decomposed_spelling():
    assert match_key("café") == match_key("cafe\u0301") == "cafe"


def test_span_ends_after_the_marks_of_its_last_character():
    s = "設\ufe00置\ufe00單\ufe00一\ufe00"
    nt = normalize_for_match(s)
    assert nt.text == "設置單一"
    assert nt.span_to_original(0, 2) == (0, 4)  # 設+VS+置+VS: the highlight does not split 置︀
    assert nt.span_to_original(3, 4) == (6, 8)  # the last character's selector comes along


def test_offsets_are_exact_when_a_character_expands():
    nt = normalize_for_match("㈠①設置")
    assert nt.text == "一1設置"
    assert nt.offsets == (0, 1, 2, 3)
    nt = normalize_for_match("㍿單一")
    assert nt.text[-2:] == "單一" and nt.offsets[-2:] == (1, 2) and set(nt.offsets[:-2]) == {0}
