"""The real model on the three seed plans: known innovative points in the top decile, sane clusters.

Reads ../shared/gold (skipped when absent); the points are located by position, never by text.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from svcsim.embedded import EmbeddedCorpus

SHARED = Path(__file__).resolve().parents[3] / "shared"
# (file prefix, item, measure, n): the 3-D pipeline map, the labour-law calculator app, AED placement
TARGETS = (("000_", "六", "(一)", 3), ("003_", "六", "(二)", 1), ("001_", "五", "(一)", 4))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (SHARED / "gold").is_dir(), reason="../shared/gold not found beside the project"),
]


@pytest.fixture(scope="module")
def seed():
    from svcsim.embed import load_encoder
    from svcsim.model import Plan, entries_from_plans

    plans = [Plan.from_dict(json.loads(p.read_text(encoding="utf-8"))) for p in sorted((SHARED / "gold").glob("*.json"))]
    entries = entries_from_plans(plans, kinds=("point",))
    return entries, load_encoder().encode([e.text for e in entries], kind="passage")


def test_known_innovations_rank_in_the_top_decile(seed):
    from svcsim.clusters import score_innovation

    entries, vecs = seed
    scores = score_innovation(EmbeddedCorpus(entries, vecs))
    rank = {(s.entry.file[:4], s.entry.item, s.entry.measure, s.entry.n): r for r, s in enumerate(scores, start=1)}
    decile = math.ceil(len(scores) / 10)
    got = {t: rank[t] for t in TARGETS}
    assert all(r <= decile for r in got.values()), f"ranks {got}, top decile is 1–{decile}"
    # the template opening row is the least innovative kind of text
    assert all(s.entry.item != "0" for s in scores[: len(scores) // 2])


@pytest.mark.parametrize("method", ["agglomerative", "hdbscan"])
def test_real_model_clusters_are_labelled_and_not_one_blob(seed, method):
    from svcsim.clusters import cluster_corpus
    from svcsim.text.segment import is_stopword

    entries, vecs = seed
    r = cluster_corpus(EmbeddedCorpus(entries, vecs), method=method)
    assert len(r.clusters) >= 10
    assert max(c.size for c in r.clusters) <= len(entries) // 4
    assert len(r.outliers) / len(entries) <= (0.25 if method == "agglomerative" else 0.5)
    for c in r.clusters:
        assert c.keywords and all(len(k) >= 2 and not is_stopword(k) for k in c.keywords)
    assert -1 not in cluster_corpus(EmbeddedCorpus(entries, vecs), method=method, assign_outliers=True).labels
