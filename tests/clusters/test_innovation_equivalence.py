"""The faster innovation internals give what the straightforward versions gave, value for value."""

from __future__ import annotations

import numpy as np
import pytest

from svcsim.clusters import innovation_words as iw
from svcsim.clusters.innovation_neighbours import _carriers
from svcsim.text.segment import token_spans


@pytest.fixture(autouse=True)
def _home(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("SVCSIM_HOME", str(tmp_path_factory.getbasetemp() / "home"))


def test_carriers_from_one_sort_equal_unique_per_vector():
    rng = np.random.default_rng(0)
    n, m = 2000, 300
    node_of = rng.integers(0, m, n)
    node_of[:m] = np.arange(m)  # every vector carried at least once
    agency = rng.integers(0, 9, n)
    year = rng.choice([2023, 2024, 2025, 10**6], n)
    got = _carriers(node_of, agency, year, m)
    for v in range(m):
        rows = np.flatnonzero(node_of == v)
        want = np.unique(np.stack([agency[rows], year[rows]], axis=1), axis=0)
        assert got[v].dtype == want.dtype and np.array_equal(got[v], want)


def _clause_at(text: str) -> list[int]:  # the per-character loop the parser used before
    out, c = [], 0
    for ch in text:
        out.append(c)
        if ch in iw._CLAUSE_END:
            c += 1
    return out


@pytest.mark.parametrize("text", [
    "建置三維管線圖資，找出高風險管線；並開發勞基法試算程式：與大學合作建置數據平台。",
    "依「臺北市政府資訊公開要點」主動公開，設置無障礙坡道、電梯點字按鈕及導盲磚",
    "提供ＱＲ code 線上申辦，滿意度達90%以上",
    "",
])
def test_parse_clauses_and_verbs_match_the_per_character_rule(text):
    p = iw._parse(text, token_spans(text))
    clause_at = _clause_at(text)
    spans = [(a, b) for a, b in token_spans(text) if iw._content(text[a:b])]
    assert list(p.words) == [text[a:b] for a, b in spans]
    assert list(p.clause) == [clause_at[a] for a, _ in spans]
    verbs: dict[int, str] = {}
    for mt in iw._verb_pattern().finditer(text):
        verbs.setdefault(clause_at[mt.start()], mt.group(0))
    assert p.verb_of == verbs
