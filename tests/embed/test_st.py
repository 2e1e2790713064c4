"""The sentence-transformers encoder, on the tiny real all-MiniLM-L6-v2 (English, 256 tokens)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from svcsim.embed.base import Encoder
from svcsim.errors import InputError, ModelError

ROOT = Path(__file__).resolve().parents[2]
WORDS = ("the city office improves counter service with online forms and a single window for "
         "citizens who apply for permits and certificates ").split()


def _long_text(n_words: int) -> str:
    return " ".join(WORDS[i % len(WORDS)] + ("" if i % 7 else f" item{i}") for i in range(n_words))


def test_protocol_shape_dtype_norm(minilm):
    assert isinstance(minilm, Encoder)
    v = minilm.encode(["online application", "single service window", "x"])
    assert v.shape == (3, 384) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert minilm.encode([]).shape == (0, 384)


def test_order_restored_after_length_sorting(minilm):
    texts = ["a", _long_text(60), "counter service", _long_text(20), "permits"]
    batched = minilm.encode(texts, batch_size=2)
    single = np.vstack([minilm.encode([t]) for t in texts])
    np.testing.assert_allclose(batched, single, atol=1e-5)


def test_bare_string_and_bad_kind_rejected(minilm):
    with pytest.raises(InputError, match="single str"):
        minilm.encode("online application")
    with pytest.raises(InputError, match="kind"):
        minilm.encode(["x"], kind="doc")


def test_long_text_is_windowed_not_truncated(minilm):
    text = _long_text(400)
    wins = minilm.windows([text])
    assert len(wins) >= 3 and all(len(w.ids) <= minilm.max_tokens for w in wins)
    n_content = len(minilm._tok(text, add_special_tokens=False, verbose=False)["input_ids"])
    assert sum(w.weight for w in wins) == n_content  # every token counted exactly once
    full = minilm.encode([text])[0]
    # same result as embedding the windows by hand and averaging them by weight
    import torch

    def embed_ids(ids):
        feats = {"input_ids": torch.tensor([ids]), "attention_mask": torch.ones(1, len(ids), dtype=torch.long)}
        with torch.inference_mode():
            v = minilm._model(feats)["sentence_embedding"][0].numpy()
        return v / np.linalg.norm(v)

    parts = [embed_ids(list(w.ids)) for w in wins]
    manual = sum(w.weight * p for w, p in zip(wins, parts))
    manual /= np.linalg.norm(manual)
    np.testing.assert_allclose(full, manual, atol=1e-5)
    # ...and different from the silently truncated first window
    assert float(full @ parts[0]) < 0.999


def test_fingerprint_stable_and_sensitive_to_prompts(minilm, minilm_dir, tmp_path):
    from svcsim.embed.st import load_encoder

    again = load_encoder(str(minilm_dir))
    assert again.fingerprint == minilm.fingerprint and minilm.name == "model"
    copy = tmp_path / "minilm-prompted"
    copy.mkdir()
    for item in minilm_dir.iterdir():
        if item.name != "config_sentence_transformers.json":
            (copy / item.name).symlink_to(item)
    cfg = json.loads((minilm_dir / "config_sentence_transformers.json").read_text())
    cfg["prompts"] = {"query": "query: ", "passage": "passage: "}
    (copy / "config_sentence_transformers.json").write_text(json.dumps(cfg))
    prompted = load_encoder(str(copy))
    assert prompted.fingerprint != minilm.fingerprint
    assert prompted.prompt("query") == "query: "
    q, p = prompted.encode(["single window"], kind="query"), prompted.encode(["single window"], kind="passage")
    assert float(q[0] @ p[0]) < 0.9999  # the prompts really reach the model


def test_missing_model_says_how_to_fix(tmp_path, monkeypatch):
    from svcsim.embed.st import load_encoder

    monkeypatch.setenv("SVCSIM_LANG", "en")  # the English wording; test_chinese_first covers the Chinese
    with pytest.raises(ModelError, match="svcsim model install") as err:
        load_encoder(str(tmp_path / "nope"))
    assert "SVCSIM_MODEL" in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(ModelError, match="not installed locally"):
        load_encoder("someone/not-a-cached-model-xyz")
    with pytest.raises(ModelError, match="not a sentence-transformers"):
        load_encoder(str(tmp_path))


def test_importing_embed_does_not_import_torch():
    code = ("import sys, svcsim.embed, svcsim.embed.st, svcsim.embed.e5.install, svcsim.embed.e5.convert, "
            "svcsim.cli.model; bad = [m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_cli_info_json_and_error(minilm_dir, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), SVCSIM_HOME=str(tmp_path), SVCSIM_MODEL=str(minilm_dir))
    cmd = [sys.executable, "-m", "svcsim", "model", "info", "--json"]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    assert info["dim"] == 384 and info["max_tokens"] == 256 and info["path"] == str(minilm_dir)
    env["SVCSIM_MODEL"] = str(tmp_path / "missing")
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert proc.returncode == 2
    # the error frame follows the language (Chinese unless SVCSIM_LANG or the locale says English)
    assert proc.stderr.strip().startswith(("svcsim：錯誤：", "svcsim: error:")), proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    env["SVCSIM_LANG"] = "zh"
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stderr.startswith("svcsim：錯誤："), proc.stderr


def test_int8_quantisation_close_to_fp32_with_own_fingerprint(minilm, minilm_dir):
    from svcsim.embed.st import load_encoder

    q8 = load_encoder(str(minilm_dir), quantize="int8")
    texts = ["online application for permits", "single service window", _long_text(30)]
    cos = np.sum(q8.encode(texts) * minilm.encode(texts), axis=1)
    assert cos.min() > 0.98 and q8.fingerprint != minilm.fingerprint and q8.quantize == "int8"
    with pytest.raises(InputError, match="quantize"):
        load_encoder(str(minilm_dir), quantize="int4")


def test_precision_choice_and_errors(monkeypatch):
    from svcsim.embed import st

    monkeypatch.setattr(st, "native_bf16", lambda: True)
    assert st.resolve_precision("auto", None, "cpu") == "bf16"
    assert st.resolve_precision("auto", "int8", "cpu") == "fp32"  # int8 replaces the bf16 speed-up
    assert st.resolve_precision("auto", None, "cuda") == "fp32"
    monkeypatch.setattr(st, "native_bf16", lambda: False)
    assert st.resolve_precision("auto", None, "cpu") == "fp32"  # emulated bf16 would be slower
    assert st.resolve_precision("bf16", None, "cpu") == "bf16"  # asked for explicitly
    monkeypatch.setenv("SVCSIM_PRECISION", "FP32")
    assert st.resolve_precision(None, None, "cpu") == "fp32"
    monkeypatch.setenv("SVCSIM_PRECISION", "half")
    with pytest.raises(InputError, match="SVCSIM_PRECISION"):
        st.resolve_precision(None, None, "cpu")
    with pytest.raises(InputError, match="int8"):
        st.resolve_precision("bf16", "int8", "cpu")
