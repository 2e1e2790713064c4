"""A header row repeated at the top of a page (PDF exports repeat it on every page) is dropped,
in the converted-text form and in every native reader's Document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plan_compare import assert_plan_matches

from svcsim.ingest import parse_text
from svcsim.ingest.document import TableRow, document_from_blocks
from svcsim.ingest.rows import find_header

PLANS = Path(__file__).resolve().parents[1] / "fixtures" / "plans"
CASES = sorted(p for p in PLANS.glob("*.expected.json"))


@pytest.mark.parametrize("expected", CASES, ids=lambda p: p.name.split(".")[0])
def test_header_repeated_after_each_page_break_changes_nothing(expected):
    source = next(p for p in PLANS.glob(expected.name.split(".")[0] + ".*") if not p.name.endswith(".json"))
    lines = source.read_text(encoding="utf-8").replace("\r\n", "\n").split("\n")
    header = find_header(lines)
    if header is None:
        pytest.skip("not a tab/pipe table")
    head = lines[header.line_index]
    out = lines[: header.line_index + 1]
    for line in lines[header.line_index + 1 :]:
        out.append(line)
        if not line.strip():
            out.append(head)  # the next page starts with the header again
    plan = parse_text("\n".join(out), file=source.name)
    assert_plan_matches(plan, json.loads(expected.read_text(encoding="utf-8")),
                        ignore=("content_hash", "file", "title", "goals"))


def test_document_drops_repeats_and_stitches_page_tables():
    head = [["執行要項"], ["具體措施"], ["執行重點"], ["執行單位"]]
    page1 = [head, [["一、便民"], ["(一)簡化"], ["1. 線上申辦，"], ["資訊室"]]]
    page2 = [TableRow(tuple(tuple(c) for c in head), page_break=True), [[], [], ["全程免臨櫃。"], []]]
    doc = document_from_blocks(["範例局113年度提升服務計畫", page1, "- 2 -", page2, "伍、管制考核"], kind="pdf")
    assert [r.texts() for r in doc.rows] == [("執行要項", "具體措施", "執行重點", "執行單位"),
                                             ("一、便民", "(一)簡化", "1.線上申辦，", "資訊室"),
                                             ("", "", "全程免臨櫃。", "")]
    assert [r.page_break for r in doc.rows] == [False, False, True]
    assert doc.after == ("伍、管制考核",)


def test_a_table_after_real_text_is_not_stitched():
    head = [["執行要項"], ["執行重點"], ["執行單位"]]
    other = [["年度"], ["經費"], ["備註"]]
    doc = document_from_blocks([[head, [["一、甲"], ["1. 乙"], ["丙"]]], "陸、經費", [other]], kind="docx")
    assert len(doc.rows) == 2 and doc.after[0] == "陸、經費"
