"""Report sections: a PNG map inline, a cluster table and the innovations, all escaped."""

from __future__ import annotations

import dataclasses

import pytest

pytest.importorskip("svcsim.report.sections")
pytest.importorskip("matplotlib")

from svcsim.clusters import cluster_corpus, score_innovation  # noqa: E402
from svcsim.embedded import EmbeddedCorpus  # noqa: E402
from svcsim.report import ReportSection  # noqa: E402
from svcsim.report.themes import theme_sections  # noqa: E402


def test_three_sections_with_inline_map_and_escaped_text(corpus):
    entries, vecs = corpus
    entries = list(entries)
    entries[-1] = dataclasses.replace(entries[-1], text="<script>alert(1)</script>於夜間延長受理時段", agency="丙&<b>")
    points = EmbeddedCorpus(entries, vecs)
    innovation = score_innovation(points)
    sections = theme_sections(cluster_corpus(points, assign_outliers=True, innovation=innovation), innovation)
    assert [s.id for s in sections] == ["clusters-map", "clusters-table", "innovations"]
    assert all(isinstance(s, ReportSection) for s in sections)
    assert 'src="data:image/png;base64,' in sections[0].html
    body = "".join(s.html for s in sections)
    assert "<script>" not in body and "&lt;script&gt;" in body and "丙&amp;&lt;b&gt;" in body
    assert "單一窗口" in sections[1].html
    assert sections[2].html.count("<tr>") == 1 + min(20, len(entries))
