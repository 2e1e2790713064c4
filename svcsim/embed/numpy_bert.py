"""A plain BERT sentence-transformers model run in numpy: a few texts embedded without torch.

A cold ``svcsim suggest`` must embed one short query. Loading torch, transformers and
sentence-transformers for that costs ~8–10 s and ~1.4 GB; this forward pass reads the same
``model.safetensors`` (memory-mapped, so only the rows of the word-embedding table the text uses
are read) and the same ``tokenizer.json``, and computes the same fp32 function: vectors agree with
the torch encoder's to cosine ≥ 0.99999 (``tests/embed/test_numpy_bert.py``), closer than the bf16
path the fingerprint already treats as the same model. So it shares the model's fingerprint.

Only the layouts it reproduces with certainty are accepted (:func:`numpy_encoder_for` returns
``None`` otherwise and the caller loads torch): ``Transformer`` (a ``BertModel`` with absolute
positions and exact GELU, fp32 weights) → ``Pooling`` (mean or CLS) → optional ``Normalize``.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from svcsim.embed.base import PromptKind, check_texts
from svcsim.embed.unigram import SubsetUnigram
from svcsim.embed.windows import TokenWindows, length_batches, padded
from svcsim.embedded import unit_rows
from svcsim.errors import InputError

_ST = "sentence_transformers.models."
_MAX_HEADER = 100_000_000


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Read-only float32 arrays memory-mapped from a safetensors file, or ``{}`` when a weight is not F32.

    The format is an 8-byte little-endian header length, a JSON header of
    ``{name: {dtype, shape, data_offsets}}``, then the raw data.
    """
    with open(path, "rb") as fh:
        n = int.from_bytes(fh.read(8), "little")
        if not 2 <= n <= _MAX_HEADER:
            raise ValueError(f"{path}: not a safetensors file")
        header = json.loads(fh.read(n))
    mm = np.memmap(path, dtype=np.uint8, mode="r")
    out: dict[str, np.ndarray] = {}
    for name, info in header.items():
        if name == "__metadata__" or name.endswith("position_ids"):  # an index buffer, not a weight
            continue
        if info["dtype"] != "F32":
            return {}
        a, b = (8 + n + int(x) for x in info["data_offsets"])
        shape = tuple(int(s) for s in info["shape"])
        if b - a != 4 * math.prod(shape) or b > len(mm):
            raise ValueError(f"{path}: tensor {name} has {b - a} bytes for shape {shape}")
        out[name] = mm[a:b].view(np.float32).reshape(shape)
    return out


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7, below float32's resolution of GELU's output)
    s = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return s * (1.0 - poly * np.exp(-a * a))


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = np.square(x - mu).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


class NumpyBertEncoder(TokenWindows):
    """An :class:`~svcsim.embed.base.Encoder` for a plain BERT sentence-transformers folder, in numpy.

    Build it with :func:`numpy_encoder_for`. Same attributes as the torch encoder: ``name``, ``dim``,
    ``fingerprint``, ``max_tokens``, ``prompts``, ``path``.
    """

    def __init__(self, *, folder: Path, name: str, fingerprint: str, tokenizer, weights: dict[str, np.ndarray],
                 config: dict, pooling: str, normalize: bool, max_tokens: int, prompts: dict[str, str]) -> None:
        self.path = folder
        self.name = name
        self.fingerprint = fingerprint
        self.prompts = prompts
        self.max_tokens = max_tokens
        self._tok = tokenizer
        self._w = weights
        self._heads = int(config["num_attention_heads"])
        self._layers = int(config["num_hidden_layers"])
        self._eps = float(config.get("layer_norm_eps", 1e-12))
        self._pooling = pooling
        self._normalize = normalize
        self._pad_id = int(config.get("pad_token_id") or 0)
        self.dim = int(config["hidden_size"])

    def __repr__(self) -> str:
        return f"NumpyBertEncoder(name={self.name!r}, dim={self.dim}, max_tokens={self.max_tokens})"

    def _ids(self, texts: list[str], special: bool) -> list[list[int]]:
        return self._tok.encode_batch(texts, add_special_tokens=special)

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Sentence embeddings (before any window averaging) of one padded batch."""
        w = self._w
        length = ids.shape[1]
        dh = self.dim // self._heads
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self._eps)
        bias = np.where(mask[:, None, None, :] > 0, 0.0, np.finfo(np.float32).min).astype(np.float32)
        scale = np.float32(1.0 / math.sqrt(dh))
        for i in range(self._layers):
            x = self._layer(x, f"encoder.layer.{i}.", bias, scale)
        if self._pooling == "cls":
            emb = x[:, 0]
        else:
            m = mask[:, :, None].astype(np.float32)
            emb = (x * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        emb = emb.astype(np.float32)
        if self._normalize:
            emb = unit_rows(emb, "model output", finite=False)
        return emb

    def _layer(self, x: np.ndarray, p: str, bias: np.ndarray, scale: np.float32) -> np.ndarray:
        w, h, eps = self._w, self._heads, self._eps
        n, length, _ = x.shape
        dh = self.dim // h

        def lin(v: np.ndarray, name: str) -> np.ndarray:
            # 2-D on purpose: numpy runs a stacked (n, L, d) @ (d, e) product without BLAS, ~50x slower
            weight = w[p + name + ".weight"]
            out = v.reshape(-1, v.shape[-1]) @ weight.T + w[p + name + ".bias"]
            return out.reshape(*v.shape[:-1], weight.shape[0])

        def heads(v: np.ndarray) -> np.ndarray:
            return v.reshape(n, length, h, dh).transpose(0, 2, 1, 3)

        q = heads(lin(x, "attention.self.query"))
        k = heads(lin(x, "attention.self.key"))
        v = heads(lin(x, "attention.self.value"))
        scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
        scores -= scores.max(-1, keepdims=True)
        probs = np.exp(scores)
        probs /= probs.sum(-1, keepdims=True)
        ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(n, length, self.dim)
        x = _layer_norm(lin(ctx, "attention.output.dense") + x, w[p + "attention.output.LayerNorm.weight"],
                        w[p + "attention.output.LayerNorm.bias"], eps)
        inner = lin(x, "intermediate.dense")
        inner = 0.5 * inner * (1.0 + _erf(inner * np.float32(1 / math.sqrt(2))))
        return _layer_norm(lin(inner, "output.dense") + x, w[p + "output.LayerNorm.weight"],
                           w[p + "output.LayerNorm.bias"], eps)

    def encode(self, texts: Sequence[str], *, kind: PromptKind = "passage", batch_size: int = 32,
               show_progress: bool = False) -> np.ndarray:
        """Embed ``texts`` as float32 L2-normalised rows, in input order (as the torch encoder does)."""
        items = check_texts(texts)
        if batch_size < 1:
            raise InputError("batch_size", f"must be >= 1, got {batch_size}")
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        if not items:
            return out
        wins = self.windows(items, kind)
        batches = [b for big in length_batches(wins, batch_size) for b in _token_budget(wins, big)]
        tokens = sum(len(w.ids) for w in wins)
        with np.errstate(over="ignore", invalid="ignore"), _blas_threads(1 if tokens <= ONE_THREAD_TOKENS else None):
            for batch in batches:
                ids, mask = padded(wins, batch, self._pad_id)
                emb = self._forward(ids, mask)
                for r, j in enumerate(batch):
                    out[wins[j].owner] += wins[j].weight * emb[r]
        return unit_rows(out, "model output", allow_1d=True, finite=False)


TOKEN_BUDGET = 4096
"""Padded tokens per forward pass: numpy's attention materialises batch × heads × length² scores, so a
batch of 32 windows of 512 tokens (~400 MB per tensor) is far slower than eight of 4."""


ONE_THREAD_TOKENS = 1024
"""Up to this many tokens (a query, a few titles) BLAS runs on one thread: its products are tiny, and
a second OpenBLAS thread spinning between them made one query's forward pass 4 s instead of 30 ms
on a busy two-core machine."""

_BLAS: Any = None


def _blas_threads(limit: int | None):
    """A context limiting numpy's BLAS threads to ``limit`` (``None``: leave them as they are)."""
    global _BLAS
    if limit is None:
        return contextlib.nullcontext()
    if _BLAS is None:
        from threadpoolctl import ThreadpoolController

        _BLAS = ThreadpoolController().select(user_api="blas")
    return _BLAS.limit(limits=limit)


def _token_budget(wins, batch: list[int]) -> list[list[int]]:
    """``batch`` (longest window first) cut so that rows × longest ≤ :data:`TOKEN_BUDGET`."""
    out: list[list[int]] = []
    for j in batch:
        if out and (len(out[-1]) + 1) * len(wins[out[-1][0]].ids) <= TOKEN_BUDGET:
            out[-1].append(j)
        else:
            out.append([j])
    return out


def numpy_encoder_for(folder: Path, *, name: str, fingerprint: str) -> NumpyBertEncoder | None:
    """The numpy encoder for a sentence-transformers folder, or ``None`` when its layout is not the
    plain BERT this module reproduces (then the model must be loaded with torch)."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        types = [m.get("type", "") for m in modules]
        if types[:2] != [_ST + "Transformer", _ST + "Pooling"] or types[2:] not in ([], [_ST + "Normalize"]):
            return None
        if modules[0].get("path", "") != "":
            return None
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        if (config.get("model_type") != "bert" or config.get("hidden_act") != "gelu"
                or config.get("position_embedding_type", "absolute") != "absolute"):
            return None
        pool = json.loads((folder / modules[1]["path"] / "config.json").read_text(encoding="utf-8"))
        modes = {k for k, v in pool.items() if k.startswith("pooling_mode_") and v}
        if modes == {"pooling_mode_mean_tokens"}:
            pooling = "mean"
        elif modes == {"pooling_mode_cls_token"}:
            pooling = "cls"
        else:
            return None
        if pool.get("include_prompt", True) is not True or int(pool["word_embedding_dimension"]) != config["hidden_size"]:
            return None
        st_cfg = _read_json(folder / "sentence_bert_config.json")
        if st_cfg.get("do_lower_case"):
            return None
        if not st_cfg.get("max_seq_length"):
            return None  # sentence-transformers would derive it from the tokenizer: leave that to it
        max_tokens = min(int(st_cfg["max_seq_length"]), int(config["max_position_embeddings"]))
        prompts = {str(k): str(v) for k, v in (_read_json(folder / "config_sentence_transformers.json")
                                                .get("prompts") or {}).items() if v}
        tok_cfg = _read_json(folder / "tokenizer_config.json")
        if not (folder / "tokenizer.json").is_file() or not (folder / "model.safetensors").is_file():
            return None
        weights = read_safetensors(folder / "model.safetensors")
        if not weights:
            return None
        weights = {k.removeprefix("bert."): v for k, v in weights.items()}
        if "embeddings.word_embeddings.weight" not in weights or f"encoder.layer.{int(config['num_hidden_layers']) - 1}.output.dense.weight" not in weights:
            return None
        # transformers' split_special_tokens: "<s>" typed in a text is text, not the special token
        split_special = bool(tok_cfg.get("split_special_tokens", False))
        tokenizer = SubsetUnigram.load(folder / "tokenizer.json", encode_special_tokens=split_special)
        if tokenizer is None:
            tokenizer = _FullTokenizer(folder / "tokenizer.json", encode_special_tokens=split_special)
    except Exception:  # noqa: BLE001 - anything unexpected: torch loads the model and reports the real error
        return None
    return NumpyBertEncoder(folder=folder, name=name, fingerprint=fingerprint, tokenizer=tokenizer, weights=weights,
                            config=config, pooling=pooling, normalize=bool(types[2:]), max_tokens=max_tokens,
                            prompts=prompts)


class _FullTokenizer:
    """``tokenizers.Tokenizer`` from a file, answering id lists like :class:`SubsetUnigram`."""

    def __init__(self, path: Path, *, encode_special_tokens: bool) -> None:
        from tokenizers import Tokenizer

        self._tok = Tokenizer.from_file(str(path))
        self._tok.no_truncation()
        self._tok.no_padding()
        self._tok.encode_special_tokens = encode_special_tokens

    def encode_batch(self, texts: list[str], add_special_tokens: bool = True) -> list[list[int]]:
        return [e.ids for e in self._tok.encode_batch(texts, add_special_tokens=add_special_tokens)]


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
