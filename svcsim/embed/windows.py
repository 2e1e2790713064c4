"""Model inputs for texts of any length: prompt + text, or overlapping windows for a long text.

Shared by the torch encoder (:mod:`svcsim.embed.st`) and the numpy one
(:mod:`svcsim.embed.numpy_bert`), so both feed the model exactly the same token ids. A subclass
provides ``_ids(texts, special)`` (the tokenizer), ``prompts``, ``max_tokens`` and ``name``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from svcsim.embed.base import PromptKind, check_texts
from svcsim.errors import InputError, ModelError


@dataclass(frozen=True)
class Window:
    """One model input: token ids, the text it belongs to, and its weight in that text's average."""

    ids: tuple[int, ...]
    owner: int
    weight: float


class TokenWindows:
    """Prompts and windowing over a tokenizer; mixed into the encoders."""

    name: str
    max_tokens: int
    prompts: dict[str, str]

    def _ids(self, texts: list[str], special: bool) -> list[list[int]]:  # pragma: no cover - abstract
        raise NotImplementedError

    def prompt(self, kind: PromptKind) -> str:
        """The prompt for ``kind`` (``""`` when the model has none). ST calls passages "document"."""
        if kind not in ("query", "passage"):
            raise InputError("kind", f"expected 'query' or 'passage', got {kind!r}")
        if kind == "passage":
            return self.prompts.get("passage", self.prompts.get("document", ""))
        return self.prompts.get("query", "")

    def _special_frame(self) -> tuple[list[int], list[int]]:
        # where the tokenizer puts its special tokens around a text: [CLS] x [SEP], <s> x </s>, ...
        full = self._ids(["x"], True)[0]
        inner = self._ids(["x"], False)[0]
        for k in range(len(full) - len(inner) + 1):
            if full[k : k + len(inner)] == inner:
                return full[:k], full[k + len(inner) :]
        return [], []

    def windows(self, texts: Sequence[str], kind: PromptKind = "passage") -> list[Window]:
        """Model inputs for ``texts``: one per text, or overlapping windows for a long text.

        A text that fits is tokenised exactly as sentence-transformers would (prompt + text). A
        longer one is split into windows of ``max_tokens`` with a 1/8 overlap; each window carries
        the special tokens and the prompt, and weighs the number of tokens it adds.
        """
        items = check_texts(texts)
        prompt = self.prompt(kind)
        full = self._ids([prompt + t for t in items], True) if items else []
        out: list[Window] = []
        long_idx = [i for i, ids in enumerate(full) if len(ids) > self.max_tokens]
        for i, ids in enumerate(full):
            if len(ids) <= self.max_tokens:
                out.append(Window(tuple(ids), i, 1.0))
        if long_idx:
            head, tail = self._special_frame()
            p_ids = self._ids([prompt.rstrip()], False)[0] if prompt.strip() else []
            width = self.max_tokens - len(head) - len(tail) - len(p_ids)
            if width < 8:
                raise ModelError(f"{self.name}: window of {self.max_tokens} tokens is too small for the prompt")
            stride = width - width // 8
            contents = self._ids([items[i] for i in long_idx], False)
            for i, content in zip(long_idx, contents):
                starts = list(range(0, max(len(content) - width, 0) + 1, stride))
                if starts[-1] + width < len(content):
                    starts.append(len(content) - width)  # last window ends exactly at the text's end
                covered = 0
                for a in starts:
                    b = min(a + width, len(content))
                    new = b - max(a, covered)
                    covered = b
                    ids = head + p_ids + content[a:b] + tail
                    out.append(Window(tuple(ids), i, float(new)))
        return out


def length_batches(wins: list[Window], batch_size: int) -> list[list[int]]:
    """Window indices in batches of similar length, longest first (less padding)."""
    if batch_size < 1:
        raise InputError("batch_size", f"must be >= 1, got {batch_size}")
    order = sorted(range(len(wins)), key=lambda j: -len(wins[j].ids))
    return [order[s : s + batch_size] for s in range(0, len(order), batch_size)]


def padded(wins: list[Window], batch: list[int], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """``(ids, mask)`` int64 matrices for one batch of windows, right-padded with ``pad_id``."""
    width = max(len(wins[j].ids) for j in batch)
    ids = np.full((len(batch), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(batch), width), dtype=np.int64)
    for r, j in enumerate(batch):
        seq = wins[j].ids
        ids[r, : len(seq)] = seq
        mask[r, : len(seq)] = 1
    return ids, mask
