"""Whatever text or bytes arrive, parsing returns a Plan or raises a one-line InputError /
PlanParseError that names the file; it never raises anything else and never hangs."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svcsim.errors import InputError, PlanParseError
from svcsim.ingest import parse_file, parse_text
from svcsim.model import Plan

HEADER = "執行要項\t具體措施\t執行重點\t執行單位\n"
# Pieces that steer random text into the parser's table and numbering code paths.
PIECES = [HEADER, "\t", "\n", "\n\n", " ", "|", "--\t--\n", "<p>", "</p>", "<ol>", "<li>", "</li>", "<br>", "一、",
          "壹、", "(一)", "（二）", "1. ", "2.", "(1)", "十一、", "便民服務", "訂定「提升服務計畫」", "秘書室 各科室",
          "113年度", "提升服務計畫", "。", "&lt;", "\r\n", "伍、管制考核"]
FUZZ = settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow], derandomize=True)


def check(text: str, name: str = "plan.txt") -> None:
    try:
        plan = parse_text(text, file=name)
    except InputError as exc:
        msg = str(exc)
        assert msg.startswith(f"{name}: ") and "\n" not in msg and len(msg) > len(name) + 10, msg
    else:
        assert isinstance(plan, Plan) and plan.n_points > 0


@pytest.mark.parametrize("bad", [b"\xe4\xb8\x80", None, 42, ["一、"]])
def test_parse_text_rejects_non_str_with_input_error(bad):
    with pytest.raises(InputError, match=r"^x\.txt: parse_text expects the plan's text as str, got \w+; use parse_file"):
        parse_text(bad, file="x.txt")


def test_space_separated_table_is_refused_with_a_fix():
    text = "範例局 113 年度提升服務計畫\n執行要項  具體措施  執行重點  執行單位\n一、便民  (一)簡化  1. 線上申辦  秘書室\n"
    with pytest.raises(PlanParseError, match=r"^p\.txt: .*line 2\) separates its columns with spaces.*tab-separated"):
        parse_text(text, file="p.txt")


def test_closing_section_converted_as_a_row_ends_the_table():
    text = HEADER + "壹、便民\t一、簡化流程\t(一)線上申辦。\t秘書室\n伍、管制考核\t\t\t\n\t\t(一)每季查核。\t\n"
    plan = parse_text(text)
    assert [(m.code, [p.text for p in m.points]) for it in plan.items for m in it.measures] == [("(一)", ["線上申辦。"])]


def test_a_long_cell_full_of_false_marks_stays_fast():
    text = HEADER + "一、甲\t(一)乙\t" + "辦理 9. 事項 " * 20000 + "\t秘書室\n"
    start = time.perf_counter()
    parse_text(text)
    assert time.perf_counter() - start < 5


@FUZZ
@given(st.text(max_size=400))
def test_random_text(text):
    check(text)


@FUZZ
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=60).map("".join))
def test_random_plan_shaped_text(text):
    check(HEADER + text)
    check(text)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "blob.txt"
    path.write_bytes(data)
    try:
        parse_file(path)
    except InputError as exc:
        assert str(exc).startswith(f"{path}: ") and "\n" not in str(exc)


def test_truncated_and_spliced_seeds(shared_dir):
    texts = [p.read_text(encoding="utf-8") for p in sorted((shared_dir / "seeds").glob("*.txt"))]
    for text in texts:
        step = max(1, len(text) // 25)
        for cut in range(0, len(text), step):
            check(text[:cut], "seed.txt")
            check(text[cut:], "seed.txt")
            check(text[: cut // 2] + text[cut:], "seed.txt")


def test_odd_numerals_parse_instead_of_crashing():
    text = "範例局113年度提升服務計畫\n" + HEADER + "一一一、便民\t(十十)簡化\t1. 線上申辦。\t秘書室\n"
    plan = parse_text(text)
    assert [(it.code, m.code) for it in plan.items for m in it.measures] == [("一百一十一", "(二十)")]


def test_an_empty_numbered_point_is_a_parse_error():
    with pytest.raises(PlanParseError, match=r"^p\.txt: item 一 measure \(一\) point 2 is a number with no text"):
        parse_text(HEADER + "一、便民\t(一)簡化\t1. 線上申辦。 2. \t秘書室\n", file="p.txt")


def test_a_lone_surrogate_is_a_parse_error():
    with pytest.raises(PlanParseError, match=r"^p\.txt: contains an unpaired UTF-16 surrogate \(U\+D800, line 2\)"):
        parse_text(HEADER + "一、便民\t(一)簡化\t1. 線上\ud800申辦。\t秘書室\n", file="p.txt")


def test_many_measures_parse_and_oversized_text_is_refused():
    rows = "".join(f"{'一二三四五六七八九'[(i // 9) % 9] + '、便民' if i % 9 == 0 else ''}\t"
                   f"({'一二三四五六七八九'[i % 9]})簡化流程\t1. 線上申辦第{i}件。\t秘書室\n" for i in range(20000))
    plan = parse_text(HEADER + rows)  # 20,000 measures: quadratic code took minutes here
    assert plan.n_points == 20000
    with pytest.raises(PlanParseError, match=r"^big\.txt: has [\d,]+ characters of text, over the 2,000,000"):
        parse_text(HEADER + rows * 4, file="big.txt")
