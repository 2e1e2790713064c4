"""The pair classifier: stored as JSON, validated on load, symmetric features, cheap import (issue #15)."""

import json
import subprocess
import sys

import numpy as np
import pytest

from svcsim.dupes import PairScan, find_pairs
from svcsim.dupes.features import FEATURES, FeatureContext
from svcsim.dupes.pairmodel import CLASSES, PairModel, fit_pair_model, load_default
from svcsim.embed import HashEncoder
from svcsim.embedded import EmbeddedCorpus
from svcsim.errors import InputError
from svcsim.model import Entry


def _entries(texts):
    return [Entry(id=i, kind="point", agency=f"機關{i}", year=2024, file=f"{i}.txt", item="一", measure=f"({i})",
                  n=1, text=t, plan_id=i) for i, t in enumerate(texts)]


def test_shipped_model_is_json_with_this_feature_set():
    m = load_default()
    assert m.features == FEATURES and m.classes == CLASSES
    assert 0 < m.paraphrase_min < 1 and 0 < m.related_min < 1
    assert "trained_on" in m.meta  # fitted by benchmarks/pairs_eval.py --fit, not the placeholder


def test_round_trip_and_validation(tmp_path):
    m = load_default()
    path = tmp_path / "model.json"
    m.save(path)
    assert PairModel.load(path) == m
    d = json.loads(path.read_text(encoding="utf-8"))
    d["features"] = d["features"][:-1]
    path.write_text(json.dumps(d), encoding="utf-8")
    with pytest.raises(InputError, match="refit"):
        PairModel.load(path)
    path.write_bytes(b"\x80\x04pickle")
    with pytest.raises(InputError, match="cannot read"):
        PairModel.load(path)
    with pytest.raises(InputError, match="version"):
        PairModel.from_json({**m.to_json(), "version": 99})


def test_decision_follows_the_documented_thresholds():
    m = load_default()
    x = np.array([[m.mean[i] for i in range(len(FEATURES))]] * 3)
    p = m.proba(x)
    assert np.allclose(p.sum(axis=1), 1.0)
    para = PairModel(**{**m.__dict__, "paraphrase_min": 0.0})
    never = PairModel(**{**m.__dict__, "paraphrase_min": 1.01, "related_min": 1.01})
    assert para.decide(x) == ["paraphrase"] * 3 and never.decide(x) == [None] * 3


def test_features_are_symmetric():
    texts = ["彙整民眾常見問題，建置「常見問題集」FAQ 於網站。", "將民眾經常詢問之案件整理為常見問題集並上網公告。", "辦理志工訓練"]
    x = HashEncoder(dim=64).encode(texts)
    ctx = FeatureContext(_entries(texts), x)
    assert ctx.features(0, 1, cover_short=0.2) == ctx.features(1, 0, cover_short=0.2)
    f = dict(zip(FEATURES, ctx.features(0, 1, cover_short=0.2)))
    assert f["content_min"] > 0 and f["word_min"] > 0
    assert dict(zip(FEATURES, ctx.features(0, 2, cover_short=0.0)))["word_max"] == 0.0


def test_fit_is_deterministic_and_validates_labels():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, len(FEATURES)))
    y = [CLASSES[i % 3] for i in range(60)]
    assert fit_pair_model(x, y) == fit_pair_model(x, y)
    with pytest.raises(InputError, match="unknown labels"):
        fit_pair_model(x, ["copy"] * 60)


def test_pair_scan_chooses_the_rule():
    texts = ["建置線上申辦系統提供民眾查詢", "建置線上申辦系統提供民眾查詢服務並公告進度", "辦理志工訓練課程"]
    corpus = EmbeddedCorpus(_entries(texts), np.ones((3, 4), dtype=np.float32))  # cosine 1 everywhere
    never = PairModel(**{**load_default().__dict__, "paraphrase_min": 1.01, "related_min": 1.01})
    assert [p for p in find_pairs(corpus, scan=PairScan(pair_model=never)) if p.label in ("paraphrase", "related")] == []
    old = find_pairs(corpus, scan=PairScan(pair_model=None))  # cosine 1 ≥ every fixed cut-off
    assert {p.label for p in old} >= {"paraphrase"}
    with pytest.raises(InputError, match="PairScan.pair_model"):
        PairScan(pair_model="e5")


def test_importing_dupes_loads_neither_sklearn_nor_the_model():
    code = ("import sys, svcsim.dupes; "
            "assert 'sklearn' not in sys.modules and 'jieba' not in sys.modules, sorted(sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True)
