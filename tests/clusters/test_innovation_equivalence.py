"""The faster innovation internals give what the straightforward versions gave, value for value."""

from __future__ import annotations

import numpy as np
import pytest

from svcsim.clusters import innovation_parse as iw
from svcsim.clusters import innovation_neighbours as inb
from svcsim.clusters.knn import NeighbourMemo, pair_sims
from svcsim.model import Entry
from svcsim.text.segment import token_spans


@pytest.fixture(autouse=True)
def _home(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("SVCSIM_HOME", str(tmp_path_factory.getbasetemp() / "home"))


def _counterparts_loop(entries, x, n_neighbors):
    """The per-row loop nearest_counterparts ran before it was vectorised (carriers per distinct
    vector from np.unique), on the same neighbour lists."""
    agency, year = inb._codes(entries)
    first, node_of = inb._distinct_rows(x)
    u = np.ascontiguousarray(x[first])
    m = u.shape[0]
    k = min(m, n_neighbors + 1)
    memo = NeighbourMemo()
    sims, nbrs = memo.search(u, k, [entries[i].text for i in first])
    self_sim = pair_sims(u.astype(np.float64), np.arange(m), np.arange(m))
    lex = inb._bigram_cosines([entries[i].text for i in first], nbrs, np.arange(m))
    carriers = [np.unique(np.stack([agency[node_of == v], year[node_of == v]], axis=1), axis=0) for v in range(m)]
    n = x.shape[0]
    max_cos, max_lex = np.full(n, np.nan), np.full(n, np.nan)
    exact, own = np.ones(n, dtype=bool), np.zeros(n, dtype=bool)
    for r in range(n):
        v = node_of[r]
        ok = (nbrs[v] >= 0) & (nbrs[v] != v)
        nb, sm, lx = nbrs[v][ok], sims[v][ok], lex[v][ok]
        cand = np.concatenate([carriers[v]] + [carriers[w] for w in nb])
        sizes = [len(carriers[v])] + [len(carriers[w]) for w in nb]
        cand_sim = np.repeat(np.concatenate([[self_sim[v]], sm]), sizes)
        cand_lex = np.repeat(np.concatenate([[1.0], lx]), sizes)
        is_cp = (cand[:, 0] != agency[r]) | ((cand[:, 1] < year[r]) & (year[r] != inb._UNKNOWN_YEAR))
        if is_cp.any():
            j = int(np.argmax(np.where(is_cp, cand_sim, -np.inf)))
            max_cos[r], max_lex[r] = cand_sim[j], cand_lex[is_cp].max()
            own[r] = cand[j, 0] == agency[r]
        elif k < m and sm.size:
            max_cos[r], max_lex[r], exact[r] = sm.min(), lx.min(), False
    return max_cos, max_lex, exact, own


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_vectorised_counterparts_equal_the_per_row_loop(seed):
    rng = np.random.default_rng(seed)
    n_texts, n = 120, 500
    base = rng.standard_normal((n_texts, 8)).astype(np.float32)
    base[60:70] = base[50]  # texts sharing one vector
    base[:30] = base[0] + 0.01 * base[:30]  # a tight group only one agency-year carries: no counterpart near
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    texts = [f"第{t}項：辦理{'甲乙丙丁'[t % 4]}服務{t}" for t in range(n_texts)]
    pick = rng.integers(0, n_texts, n)
    entries = [Entry(id=i, kind="point", agency="S" if t < 30 else f"A{rng.integers(0, 4)}", file="f.txt",
                     item="一", measure="(一)", n=i, text=texts[t],
                     year=2024 if t < 30 else None if rng.random() < 0.1 else int(rng.integers(2022, 2026)))
               for i, t in enumerate(pick.tolist())]
    order = sorted(range(n), key=lambda i: (entries[i].text, entries[i].id))
    es, x = [entries[i] for i in order], base[pick][order]
    got = inb.nearest_counterparts(es, x, 10)
    want = _counterparts_loop(es, x, 10)
    for g, w in zip((got.max_cos, got.max_lex, got.exact, got.own_agency), want):
        assert np.array_equal(g, w, equal_nan=True)
    assert (~got.exact).any() and got.own_agency.any()  # both fallbacks are exercised


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


def test_vectorised_word_signals_equal_the_per_point_loop():
    import dataclasses
    from pathlib import Path

    from svcsim.clusters.innovation_words import word_signals
    from svcsim.ingest import parse_file
    from svcsim.model import entries_from_plans
    from svcsim.synth import generate_points_corpus

    from word_signals_loop import word_signals_loop

    examples = sorted((Path(__file__).resolve().parents[2] / "examples" / "plans").glob("*.txt"))
    plans = [parse_file(p) for p in examples] + list(generate_points_corpus(1500, seed=4).plans)
    es = entries_from_plans(plans, kinds=("point",))
    rng = np.random.default_rng(0)
    es = [dataclasses.replace(e, year=None) if rng.random() < 0.05 else e for e in es]  # some years unknown
    got = word_signals(es)
    want = word_signals_loop(es)
    for name, w in zip(("new_words", "new_practice", "practice", "routine", "routine_words", "specificity"), want):
        g = getattr(got, name)
        assert np.array_equal(g, w) if isinstance(w, np.ndarray) else g == w, name
    assert sum(map(bool, got.practice)) >= 5 and sum(map(bool, got.new_words)) >= 25
