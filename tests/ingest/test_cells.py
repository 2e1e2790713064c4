from __future__ import annotations

import pytest

from svcsim.ingest.cells import Chunk, cn_to_int, headings, int_to_cn, normalise_ws, point_chunks, segments


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("依據 第 7 條 規定", "依據第 7 條規定"),
        ("相關 facebook 連結", "相關 facebook 連結"),
        ("提供 i-Taiwan 免費上網", "提供 i-Taiwan 免費上網"),
        ("資通訊( ICT)服務", "資通訊( ICT)服務"),
        ("達 1A 等級", "達 1A 等級"),
        ("便捷服務 遞送", "便捷服務遞送"),
        ("(FAQ) 管理", "(FAQ)管理"),
        ("Web2. 營運", "Web2.營運"),
        ("環境 (1) 營造", "環境(1)營造"),
        ("  前後\t空白\n ", "前後空白"),
    ],
)
def test_whitespace_rule(raw, want):
    assert normalise_ws(raw) == want


def test_cn_numerals():
    assert [cn_to_int(n) for n in ["一", "九", "十", "十一", "二十", "二十三"]] == [1, 9, 10, 11, 20, 23]


def test_segments_drop_tags_and_split_blocks():
    assert [s.text for s in segments('<ol style="x"> <li>1. 甲</li> <li>2. <b>乙</b></li> </ol>')] == ["1. 甲", "2.  乙"]


def test_headings_recognise_item_measure_and_continuation():
    got = [(h.kind, h.code, h.ordinal, h.text) for h in headings("<p>策略。</p> <p>（十二）公開資訊</p> <p>三. 探查民意</p>")]
    assert got == [("cont", "", 0, "策略。"), ("measure", "(十二)", 12, "公開資訊"), ("item", "三", 3, "探查民意")]


def test_measure_mark_after_sentence_end_in_plain_text_splits():
    got = [(h.code, h.text) for h in headings("(一)簡化流程。 (二)線上申辦")]
    assert got == [("(一)", "簡化流程。"), ("(二)", "線上申辦")]


def test_point_chunks_continue_and_restart():
    got = point_chunks("<p>接續。</p> <p>3. 甲</p> <p>1. 乙 2. 丙</p>", scheme="dot", prev=2)
    assert got == [Chunk(None, "接續。"), Chunk(3, "甲"), Chunk(1, "乙"), Chunk(2, "丙")]


def test_nested_paren_numbers_stay_in_their_point():
    got = point_chunks("1. 分為：(1) 甲 (2) 乙。 2. 丙", scheme="dot", prev=0)
    assert got == [Chunk(1, "分為：(1)甲(2)乙。"), Chunk(2, "丙")]


def test_out_of_sequence_number_in_running_text_is_text():
    assert point_chunks("1. 受理 5. 類案件", scheme="dot", prev=0) == [Chunk(1, "受理 5.類案件")]


def test_full_width_digits_are_point_marks():
    assert point_chunks("１．甲 ２．乙", scheme="dot", prev=0) == [Chunk(1, "甲"), Chunk(2, "乙")]


def test_headings_normalise_codes_by_role_whatever_the_level():
    got = [(h.kind, h.code, h.ordinal) for h in headings("<p>拾壹、關懷</p> <p>三、講習</p>", item_level="big", measure_level="cn")]
    assert got == [("item", "十一", 11), ("measure", "(三)", 3)]
    got = [(h.kind, h.code) for h in headings("<p>一、供水</p><p>2.縮短修漏時間。</p>", item_level="cn", measure_level="dot")]
    assert got == [("item", "一"), ("measure", "(二)")]


def test_cn_numerals_positional_and_digitwise():
    assert [cn_to_int(n) for n in ["一一三", "一百一十三", "一百零五", "一百十", "壹拾貳"]] == [113, 113, 105, 110, 12]
    assert [int_to_cn(n) for n in [1, 10, 11, 20, 23]] == ["一", "十", "十一", "二十", "二十三"]


def test_chinese_paren_points():
    got = point_chunks("(一)甲。 (二)乙，依(一)辦理", scheme="cnparen", prev=0)
    assert got == [Chunk(1, "甲。"), Chunk(2, "乙，依(一)辦理")]


def test_auto_numbered_lists_restart_per_list():
    got = point_chunks("<ol><li>甲</li><li>乙</li></ol><ol><li>丙</li></ol>", scheme="dot", prev=5)
    assert [c.n for c in got] == [1, 2, 1]
