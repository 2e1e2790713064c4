"""Encodings and bad inputs: every failure is a one-line PlanParseError naming the file."""

from __future__ import annotations

import codecs

import pytest

from svcsim.errors import InputError, PlanParseError
from svcsim.ingest import parse_file, read_text

PLAN = (
    "嘉義縣政府示範局 111 年度提升服務計畫\n\n"
    "執行要項\t具體措施\t執行重點\t執行單位\n"
    "一、便民服務\t(一)簡化流程\t1. 線上申辦。 2. 單一窗口。\t資訊室\n"
)


def _write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "encoded",
    [
        PLAN.encode("utf-8"),
        codecs.BOM_UTF8 + PLAN.encode("utf-8"),
        PLAN.encode("utf-16"),  # with BOM
        PLAN.encode("utf-16-le"),
        PLAN.encode("utf-16-be"),
        PLAN.encode("cp950"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16le-no-bom", "utf16be-no-bom", "big5"],
)
def test_encodings_decode_to_the_same_text(tmp_path, encoded):
    path = _write(tmp_path, "plan.txt", encoded)
    assert read_text(path) == PLAN
    plan = parse_file(path)
    assert plan.agency == "嘉義縣政府示範局"
    assert [p.text for p in plan.items[0].measures[0].points] == ["線上申辦。", "單一窗口。"]


def test_content_hash_is_sha256_of_raw_bytes(tmp_path):
    import hashlib

    data = PLAN.encode("cp950")
    assert parse_file(_write(tmp_path, "p.txt", data)).content_hash == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"\n  \n", "empty"),
        (codecs.BOM_UTF8, "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "binary"),
        (bytes(range(256)) * 4, "binary"),
        (b"\x80\x80 \x81 \xff\xff", "UTF-8"),
    ],
    ids=["empty", "blank", "bom-only", "png", "all-bytes", "undecodable"],
)
def test_bad_files_raise_one_line_errors(tmp_path, data, reason):
    path = _write(tmp_path, "bad.txt", data)
    with pytest.raises(PlanParseError) as info:
        parse_file(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path) + ": ")
    assert reason in message


def test_meeting_minutes_are_not_a_plan(tmp_path):
    minutes = (
        "測試局 113 年第 2 次局務會議紀錄\n\n時間：113 年 3 月 1 日\n主席：王局長\n\n"
        "討論事項\t決議\n一、預算案\t照案通過\n"
    )
    path = _write(tmp_path, "minutes.txt", minutes.encode("utf-8"))
    with pytest.raises(PlanParseError, match=r"minutes\.txt: no 執行重點 table found .*is this a service plan\?"):
        parse_file(path)


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        parse_file(tmp_path / "nope.txt")
