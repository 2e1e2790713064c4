"""Title, agency and year in the header variants real conversions produce."""

from __future__ import annotations

import pytest

from svcsim.ingest.header import read_header


@pytest.mark.parametrize(
    "lines, agency, roc_year, title",
    [
        (["臺南市範例局 113 年度提升服務計畫"], "臺南市範例局", 113, "113 年度提升服務計畫"),
        (["臺南市範例局民國113年提升服務計畫"], "臺南市範例局", 113, "民國113年提升服務計畫"),
        (["臺南市範例局", "一一三年度提升服務計畫"], "臺南市範例局", 113, "一一三年度提升服務計畫"),
        (["臺南市範例局", "中華民國一百一十三年度提升服務計畫"], "臺南市範例局", 113, "中華民國一百一十三年度提升服務計畫"),
        (["# 臺南市範例區公所", "", "# 113年度", "", "# 提升服務品質計畫"], "臺南市範例區公所", 113, "113年度提升服務品質計畫"),
        (["臺南市範例局2024年度提升服務計畫"], "臺南市範例局", 113, "2024年度提升服務計畫"),
        (["臺南市範例局提升服務計畫"], "臺南市範例局", None, "提升服務計畫"),
    ],
)
def test_title_variants(lines, agency, roc_year, title):
    info = read_header(lines)
    assert (info.agency, info.roc_year, info.title) == (agency, roc_year, title)


def test_every_year_word_is_not_a_year():
    assert read_header(["範例局每年提升服務計畫"]).roc_year is None
