"""The encoder protocol every embedding backend follows, and a fast hash encoder for tests.

Vectors are always float32 and L2-normalised, so inner product = cosine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Literal, Protocol, runtime_checkable

import numpy as np

from svcsim.embedded import unit_rows

PromptKind = Literal["query", "passage"]
"""e5-style prompt: stored points are ``passage``, a drafter's text looking for wording is ``query``."""


@runtime_checkable
class Encoder(Protocol):
    """Anything that turns texts into normalised float32 vectors.

    ``fingerprint`` identifies the exact model (weights + tokenizer + prompts): the embedding
    cache and the index manifest are keyed by it, so a different model can never reuse them.
    """

    fingerprint: str
    dim: int
    name: str

    def encode(
        self,
        texts: Sequence[str],
        *,
        kind: PromptKind = "passage",
        batch_size: int = 32,
        show_progress: bool = False,
    ) -> np.ndarray: ...


def check_texts(texts: Sequence[str], where: str = "texts") -> list[str]:
    """Reject a bare str where a list of texts is meant (a classic silent bug) and non-str items."""
    from svcsim.errors import InputError

    if isinstance(texts, str):
        raise InputError(where, "expected a list of texts, got a single str; wrap it as [text]")
    out = list(texts)
    for i, t in enumerate(out):
        if not isinstance(t, str):
            raise InputError(where, f"item {i} is {type(t).__name__}, expected str")
    return out


class HashEncoder:
    """A deterministic, model-free encoder: hashed character uni/bi/tri-grams → a fixed-size vector.

    Texts sharing many characters get a high cosine, so it behaves like a crude lexical model.
    Meant for fast unit tests and examples that must not load torch, not for real analysis.

    >>> enc = HashEncoder(dim=64)
    >>> v = enc.encode(["設置單一窗口", "設置單一服務窗口"])
    >>> v.shape, round(float(v[0] @ v[1]), 2)
    ((2, 64), 0.56)
    """

    def __init__(self, *, dim: int = 256) -> None:
        self.dim = dim
        self.name = f"hash-{dim}"
        self.fingerprint = f"hash-char123-v1-{dim}"

    def _vec(self, text: str, kind: PromptKind) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        s = "".join(text.split())
        for n in (1, 2, 3):
            for i in range(len(s) - n + 1):
                h = hashlib.blake2b(s[i : i + n].encode("utf-8"), digest_size=8).digest()
                idx = int.from_bytes(h[:4], "little") % self.dim
                sign = 1.0 if h[4] & 1 else -1.0
                v[idx] += sign * n
        if not v.any():
            v[0] = 1.0
        return v

    def encode(
        self,
        texts: Sequence[str],
        *,
        kind: PromptKind = "passage",
        batch_size: int = 32,
        show_progress: bool = False,
    ) -> np.ndarray:
        items = check_texts(texts)
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        return unit_rows(np.stack([self._vec(t, kind) for t in items]))
