"""A BERTScore-style soft alignment of two texts, measured for the pair classifier and not shipped.

``python benchmarks/pairs_eval.py --no-synthetic --align [--align-layer L] [--k 40]`` adds these
features to the leave-one-plan-out sweep (issue #15; results in ``benchmarks/RESULTS.md``). Nothing
here is used by svcsim: the features did not beat the shipped ones, and the scan would need a
second forward pass per text, since the embedding cache holds only sentence vectors.
"""

from __future__ import annotations

from collections import Counter

import numpy as np




class TokenVectors:
    """BERTScore-style soft alignment of two texts over the encoder's contextual token vectors.

    Each text is run once through the default model with the ``"passage: "`` prompt, as the scan
    embeds points, and ``output_value="token_embeddings"``; the special tokens, the prompt's tokens and
    tokens with no letter, digit or CJK character (「, 」, a lone ``▁``) are dropped. Units are
    either those sub-word tokens (IDF from the texts of one kind, one vote per distinct text) or jieba
    content words (:func:`svcsim.text.segment.tokenize`, length ≥ 2, stop words dropped, as
    :class:`~svcsim.dupes.features.FeatureContext` counts them), each the mean of the token vectors
    it overlaps, weighted by the context's word IDF. Greedy matching: every unit of one text takes
    its best cosine in the other; the two weighted means are recall and precision. ``layer``: the
    hidden states of that layer (0 = the embedding layer) instead of the last one, as BERTScore
    prefers a middle layer (the last is pulled towards the sentence's meaning as a whole).
    """

    def __init__(self, entries, *, batch_size: int = 32, layer: int | None = None):
        import time

        import torch
        from sentence_transformers import SentenceTransformer

        from svcsim.embed.e5.install import ensure_default_model

        torch.manual_seed(0)
        folder = ensure_default_model(progress=False)
        model = SentenceTransformer(str(folder), device="cpu", local_files_only=True,
                                    model_kwargs={"dtype": torch.float32})
        model.eval()
        prompt = model.prompts["passage"]
        texts = sorted({e.text for e in entries})
        t0 = time.perf_counter()
        tok = model.tokenizer
        if layer is None:
            embs = model.encode(texts, prompt_name="passage", output_value="token_embeddings", batch_size=batch_size,
                                convert_to_numpy=False)
        else:
            embs = []
            with torch.inference_mode():
                for i in range(0, len(texts), batch_size):
                    batch = tok([prompt + t for t in texts[i:i + batch_size]], padding=True, truncation=True,
                                max_length=model.max_seq_length, return_tensors="pt")
                    hidden = model[0].auto_model(**batch, output_hidden_states=True).hidden_states[layer]
                    embs += [h[: int(m.sum())] for h, m in zip(hidden, batch["attention_mask"])]
        self.encode_seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        model.encode(texts, prompt_name="passage", batch_size=batch_size)
        self.pooled_seconds = time.perf_counter() - t0  # the same forward pass as the scan's vectors, for scale
        self.units: dict[str, tuple[np.ndarray, list[int], list[tuple[int, int]]]] = {}
        for text, emb in zip(texts, embs):
            enc = tok(prompt + text, return_offsets_mapping=True, add_special_tokens=True, truncation=True,
                      max_length=model.max_seq_length)
            emb = emb.float().numpy()
            if emb.shape[0] != len(enc["input_ids"]):
                raise RuntimeError(f"{text!r}: {emb.shape[0]} token vectors for {len(enc['input_ids'])} tokens")
            keep, spans, ids = [], [], []
            for j, ((a, b), i) in enumerate(zip(enc["offset_mapping"], enc["input_ids"])):
                if b <= len(prompt) or b <= a or not any(ch.isalnum() for ch in (prompt + text)[a:b]):
                    continue
                keep.append(j)
                spans.append((max(a, len(prompt)) - len(prompt), b - len(prompt)))
                ids.append(int(i))
            v = emb[keep]
            v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
            self.units[text] = (v.astype(np.float32), ids, spans)
        self._words: dict[str, tuple[np.ndarray, list[str]]] = {}

    def token_idf(self, texts) -> dict[int, float]:
        """IDF of token ids over distinct ``texts`` (the texts of one kind)."""
        import math

        df: Counter = Counter()
        distinct = set(texts)
        for t in distinct:
            df.update(set(self.units[t][1]))
        n = max(len(distinct), 1)
        return {i: math.log((n + 1) / (c + 1)) + 1.0 for i, c in df.items()}

    def words(self, text: str) -> tuple[np.ndarray, list[str]]:
        w = self._words.get(text)
        if w is None:
            from svcsim.text.normalize import match_key
            from svcsim.text.segment import is_stopword, tokenize

            v, _, spans = self.units[text]
            vecs, keys = [], []
            for t in tokenize(text):
                k = match_key(t.word)
                if len(k) < 2 or is_stopword(k):
                    continue
                rows = [j for j, (a, b) in enumerate(spans) if a < t.end and b > t.start]
                if not rows:
                    continue
                m = v[rows].mean(0)
                vecs.append(m / max(float(np.linalg.norm(m)), 1e-12))
                keys.append(k)
            w = self._words[text] = (np.array(vecs, dtype=np.float32).reshape(-1, v.shape[1]), keys)
        return w


def _greedy(a: np.ndarray, b: np.ndarray, wa: np.ndarray, wb: np.ndarray) -> tuple[float, float, float]:
    """(min, max, F) of the two greedy-matching means (0 when a side is empty)."""
    if len(a) == 0 or len(b) == 0:
        return 0.0, 0.0, 0.0
    s = a @ b.T
    r = float((s.max(1) * wa).sum() / wa.sum())
    p = float((s.max(0) * wb).sum() / wb.sum())
    lo, hi = sorted((r, p))
    return lo, hi, 2 * r * p / (r + p) if r + p > 0 else 0.0


def align_features(tv: TokenVectors, ta: str, tb: str, tok_idf: dict[int, float], word_idf) -> dict:
    va, ia, _ = tv.units[ta]
    vb, ib, _ = tv.units[tb]
    out = {}
    one = lambda n: np.ones(n, dtype=np.float32)  # noqa: E731
    out["tok_min"], out["tok_max"], out["tok_f"] = _greedy(va, vb, one(len(va)), one(len(vb)))
    wa = np.array([tok_idf.get(i, 1.0) for i in ia], dtype=np.float32)
    wb = np.array([tok_idf.get(i, 1.0) for i in ib], dtype=np.float32)
    out["tokidf_min"], out["tokidf_max"], out["tokidf_f"] = _greedy(va, vb, wa, wb)
    (xa, ka), (xb, kb) = tv.words(ta), tv.words(tb)
    out["word_min_s"], out["word_max_s"], out["word_f_s"] = _greedy(
        xa, xb, np.array([word_idf(k) for k in ka], dtype=np.float32), np.array([word_idf(k) for k in kb], dtype=np.float32))
    return out
