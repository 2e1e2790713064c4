"""Every hand-written plan in tests/fixtures/plans with a ``<stem>.expected.json`` beside it parses
to exactly that JSON (the gold shape of ../shared/gold, without ``file``/``content_hash``).

The fixtures are invented plans in the converted-PDF format that the three seeds do not show:
other numbering schemes (壹/一/(一), 一/1./(1)), numerals past 十, headers on several lines,
markdown tables, ``<br>`` cells, CRLF, page breaks that split titles, points and units.
``yonghe_river_district_114`` was written after the parser work, as a held-out check.

Decisions beyond ../shared/gold/NOTES.md, which the expected files follow:

* Codes are normalised by role, not by how they are written: items are bare numerals
  (``壹、``/``貳、`` → ``"一"``/``"二"``) and measures ``"(n)"`` (``一、`` or ``1.`` under such items
  → ``"(一)"``), so the same position compares across plans whatever their numbering.
* An item without a code gets ``""``; ``"0"`` stays reserved for the 訂定「提升服務計畫」 row.
* Per-point units need each unit in its own block (``<p>``, ``<br>``, one row per point); names
  typed in one block ("企劃科 秘書室") are the measure's list even when they match the points in number.
* Tables whose columns are separated by runs of spaces instead of tabs are refused with an error
  (cells contain space runs too, e.g. "各課室  各課室"), not guessed at.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plan_compare import assert_plan_matches

from svcsim.ingest import parse_file

PLANS = Path(__file__).resolve().parents[1] / "fixtures" / "plans"
EXPECTED = sorted(PLANS.glob("*.expected.json"))


def plan_for(expected: Path) -> Path:
    stem = expected.name[: -len(".expected.json")]
    found = [p for p in PLANS.glob(stem + ".*") if not p.name.endswith(".expected.json")]
    assert len(found) == 1, f"{expected.name}: expected exactly one plan file named {stem}.*, found {found}"
    return found[0]


def test_there_are_enough_expected_fixtures():
    assert len(EXPECTED) >= 8


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda p: p.name[: -len(".expected.json")])
def test_fixture_parses_to_expected(expected):
    want = json.loads(expected.read_text(encoding="utf-8"))
    assert_plan_matches(parse_file(plan_for(expected)), want, ignore=("file", "content_hash"))
