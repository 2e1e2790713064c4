"""The numpy encoder gives the torch encoder's vectors, so it may share the model's fingerprint, and
a query is embedded without importing torch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from svcsim.embed.numpy_bert import numpy_encoder_for, read_safetensors

ROOT = Path(__file__).resolve().parents[2]


def _st_folder(tmp_path: Path, *, modules=None, config=None, pooling=None) -> Path:
    d = tmp_path / "m"
    (d / "1_Pooling").mkdir(parents=True)
    st = "sentence_transformers.models."
    mods = modules or [{"path": "", "type": st + "Transformer"}, {"path": "1_Pooling", "type": st + "Pooling"},
                       {"path": "2_Normalize", "type": st + "Normalize"}]
    (d / "modules.json").write_text(json.dumps(mods))
    cfg = {"model_type": "bert", "hidden_act": "gelu", "hidden_size": 8, "num_attention_heads": 2,
           "num_hidden_layers": 1, "max_position_embeddings": 16, **(config or {})}
    (d / "config.json").write_text(json.dumps(cfg))
    (d / "1_Pooling" / "config.json").write_text(json.dumps(
        {"word_embedding_dimension": 8, "pooling_mode_mean_tokens": True, **(pooling or {})}))
    (d / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 16}))
    return d


@pytest.mark.parametrize("change", [
    {"config": {"model_type": "xlm-roberta"}},
    {"config": {"hidden_act": "gelu_new"}},
    {"config": {"position_embedding_type": "relative_key"}},
    {"pooling": {"pooling_mode_max_tokens": True}},
    {"modules": [{"path": "", "type": "sentence_transformers.models.Transformer"},
                 {"path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                 {"path": "2_Dense", "type": "sentence_transformers.models.Dense"}]},
])
def test_layouts_it_cannot_reproduce_are_left_to_torch(tmp_path, change):
    assert numpy_encoder_for(_st_folder(tmp_path, **change), name="m", fingerprint="f") is None


def test_a_folder_without_weights_or_tokenizer_is_left_to_torch(tmp_path):
    assert numpy_encoder_for(_st_folder(tmp_path), name="m", fingerprint="f") is None


def test_safetensors_are_read_memory_mapped_and_only_float32(tmp_path):
    save_file = pytest.importorskip("safetensors.numpy").save_file
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    save_file({"a": a, "b": np.ones(5, np.float32)}, str(tmp_path / "w.safetensors"))
    got = read_safetensors(tmp_path / "w.safetensors")
    assert np.array_equal(got["a"], a) and got["b"].shape == (5,) and not got["a"].flags.writeable
    save_file({"a": a.astype(np.float16)}, str(tmp_path / "h.safetensors"))
    assert read_safetensors(tmp_path / "h.safetensors") == {}
    (tmp_path / "bad.safetensors").write_bytes(b"\xff" * 16)
    with pytest.raises(ValueError, match="not a safetensors file"):
        read_safetensors(tmp_path / "bad.safetensors")


def _texts() -> list[str]:
    from e5_sentences import OWN_SENTENCES

    from svcsim.ingest import parse_file

    texts = [t for t in OWN_SENTENCES if t]
    for f in sorted((ROOT / "examples" / "plans").glob("*.txt")):
        for item in parse_file(f).items:
            for m in item.measures:
                texts += [m.title, *(p.text for p in m.points)]
    texts = list(dict.fromkeys(texts))[:200]
    return [*texts, "民眾申辦案件全程線上處理，" * 120]  # a text longer than the 512-token window


@pytest.mark.slow
def test_numpy_vectors_equal_the_torch_encoders(e5_dir, e5_encoder):
    light = numpy_encoder_for(e5_dir, name="e5", fingerprint=e5_encoder.fingerprint)
    assert light is not None and light.dim == e5_encoder.dim and light.max_tokens == e5_encoder.max_tokens
    texts = _texts()
    assert len(texts) >= 150
    assert [w.ids for w in light.windows(texts)] == [w.ids for w in e5_encoder.windows(texts)]
    for kind in ("passage", "query"):
        a = light.encode(texts, kind=kind)
        b = e5_encoder.encode(texts, kind=kind)
        cos = (a * b).sum(1)
        assert cos.min() >= 0.9999, (kind, float(cos.min()))


@pytest.mark.slow
def test_minilm_vectors_equal_the_torch_encoders(minilm_dir, minilm):
    light = numpy_encoder_for(minilm_dir, name="minilm", fingerprint=minilm.fingerprint)
    if light is None:
        pytest.skip("this MiniLM folder has no tokenizer.json or fp32 safetensors")
    texts = ["Set up a single service window.", "Online applications are processed end to end.",
             "word " * 400]
    cos = (light.encode(texts) * minilm.encode(texts)).sum(1)
    assert cos.min() >= 0.9999


@pytest.mark.slow
def test_a_query_is_embedded_without_torch_and_shares_the_fingerprint():
    code = ("import sys; from svcsim.embed import load_encoder; e = load_encoder(lazy=True); "
            "v = e.encode(['設置單一窗口'], kind='query'); "
            "print(v.shape[1], round(float((v * v).sum()), 4), e.loaded, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["384", "1.0", "False", "False"]


@pytest.mark.slow
def test_suggestions_are_the_same_with_the_numpy_and_the_torch_encoder(tmp_path):
    from svcsim.embed import load_encoder
    from svcsim.ingest.into import ingest_paths
    from svcsim.store import Corpus
    from svcsim.suggest import Suggester

    drafts = _texts()[:40:2]
    with Corpus.open(tmp_path / "c.db", create=True) as corpus:
        ingest_paths(corpus, [ROOT / "examples" / "plans"])
        torch_enc = load_encoder(precision="fp32")
        heavy = Suggester.build(corpus, torch_enc)  # the corpus is embedded and indexed with torch
        lazy = load_encoder(lazy=True)
        assert lazy.fingerprint == torch_enc.fingerprint
        light = Suggester.load(corpus, lazy)
        for d in drafts:
            a = [s.entry.id for s in light.suggest(d, k=5).suggestions]
            b = [s.entry.id for s in heavy.suggest(d, k=5).suggestions]
            assert a == b, d
        assert not lazy.loaded  # every draft went through numpy


def test_the_lazy_encoder_embeds_a_few_texts_without_loading_and_more_with_the_model(tmp_path):
    from svcsim.embed import HashEncoder
    from svcsim.embed.lazy import LazyEncoder

    loads = []

    def load():
        loads.append(1)
        enc = HashEncoder(dim=16)
        enc.fingerprint = "fp"
        return enc

    def light(fingerprint="fp"):
        enc = HashEncoder(dim=16)
        enc.fingerprint = fingerprint
        return enc

    lazy = LazyEncoder(name="m", path=tmp_path, dim=16, fingerprint="fp", load=load, light=light, light_max_texts=3)
    assert lazy.encode(["設置單一窗口"] * 3).shape == (3, 16) and not loads and not lazy.loaded
    assert lazy.encode(["設置單一窗口"] * 4).shape == (4, 16) and loads == [1] and lazy.loaded
    other = LazyEncoder(name="m", path=tmp_path, dim=16, fingerprint="fp", load=load,
                        light=lambda: light("another model"))
    other.encode(["設置單一窗口"])
    assert other.loaded and loads == [1, 1]  # a light encoder of another fingerprint is never used
