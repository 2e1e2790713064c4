"""The dupes test corpus (tests/dupes/dupes_corpus.py) analysed with the hash encoder, for the report."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dupes"))


@pytest.fixture(scope="session")
def report_plans():
    """The dupes corpus plus an agency (named with markup) that copies the <script> point."""
    from dupes_corpus import PLANS, SCRIPT

    from svcsim.model import Item, Measure, Plan, Point

    hostile = Plan(file="wu_113.txt", agency="戊所<b>", roc_year=113, title="提升服務計畫", items=(
        Item(code="二", title="服務品質", measures=(
            Measure(code="(二)", title="法律諮詢", points=(Point(1, SCRIPT + "，並開放線上預約"),)),)),))
    return [*PLANS, hostile]


@pytest.fixture(scope="session")
def result(report_plans):
    from svcsim.dupes import PairScan, TemplateRule, Thresholds, analyse
    from svcsim.embedded import EmbeddedCorpus
    from svcsim.embed import HashEncoder
    from svcsim.model import entries_from_plans

    entries = entries_from_plans(report_plans)
    vectors = HashEncoder(dim=256).encode([e.text for e in entries])
    lexical = Thresholds(paraphrase=2.0, paraphrase_same_measure=2.0, related=2.0, related_with_overlap=2.0)
    # The planted copy of the script text makes sure hostile text reaches the pairs table.
    return analyse(EmbeddedCorpus(entries, vectors), min_label="near_copy", scan=PairScan(thresholds=lexical, template_rule=TemplateRule(min_agencies=4)))
