"""A Unigram tokenizer built for the texts at hand: the same ids as the full one, ~5x cheaper to load.

``tokenizers`` needs ~1–1.5 s (and ~300 MB) to build multilingual-e5's 250k-piece Unigram model,
most of a cold ``svcsim suggest``. Unigram segmentation only ever uses pieces that occur in the
text, so a model holding just those pieces (with their scores, and the lowest-scoring piece so the
unknown-character penalty is unchanged) finds the same segmentation; its ids are mapped back to the
full vocabulary's. The normaliser, pre-tokeniser and post-processor are the file's own.

Candidates are every substring, up to the longest piece, of the raw text and of its normalised,
pre-tokenised form: a superset of what the model can match. ``tests/embed/test_numpy_bert.py``
checks the ids against the full tokenizer's on the test sentences (specials as text, emoji,
unknown characters, a text longer than the window).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np


class SubsetUnigram:
    """``encode_batch(texts, add_special_tokens=...)`` like ``tokenizers.Tokenizer``, returning id lists.

    Build it with :meth:`load`, which returns ``None`` for a tokenizer that is not a plain Unigram
    one (then use ``tokenizers.Tokenizer.from_file``).
    """

    def __init__(self, spec: dict, pieces: list[str], scores: list[float], keep: list[int],
                 encode_special_tokens: bool) -> None:
        self._spec = spec
        self._pieces = pieces
        self._scores = scores
        self._keep = keep  # ids always included: added tokens, unk, the lowest-scoring piece
        self._longest = max(map(len, pieces))
        self._special = encode_special_tokens
        self._frame = self._build(sorted(set(keep)))  # for its normaliser and pre-tokeniser

    @classmethod
    def load(cls, path: Path, *, encode_special_tokens: bool) -> "SubsetUnigram | None":
        spec = json.loads(path.read_text(encoding="utf-8"))
        model = spec.get("model") or {}
        post = spec.get("post_processor")
        if model.get("type") != "Unigram" or model.get("byte_fallback") or model.get("unk_id") is None:
            return None
        if post is not None and post.get("type") != "TemplateProcessing":
            return None
        vocab = model.pop("vocab")
        pieces = [p for p, _ in vocab]
        scores = [s for _, s in vocab]
        keep = [int(model["unk_id"]), min(range(len(scores)), key=scores.__getitem__)]
        for tok in spec.get("added_tokens") or []:
            i = tok["id"]
            if not (isinstance(i, int) and 0 <= i < len(pieces) and pieces[i] == tok["content"]):
                return None  # an added token outside the vocabulary: leave it to the full tokenizer
            keep.append(i)
        return cls(spec, pieces, scores, keep, encode_special_tokens)

    def _build(self, ids: list[int]):
        """A ``tokenizers.Tokenizer`` over the pieces ``ids`` (ascending), ids renumbered 0..n-1."""
        from tokenizers import Tokenizer

        new = {old: i for i, old in enumerate(ids)}
        spec = json.loads(json.dumps(self._spec))
        spec["model"]["vocab"] = [[self._pieces[i], self._scores[i]] for i in ids]
        spec["model"]["unk_id"] = new[int(self._spec["model"]["unk_id"])]
        for tok in spec.get("added_tokens") or []:
            tok["id"] = new[int(tok["id"])]
        post = spec.get("post_processor")
        if post is not None:
            for special in (post.get("special_tokens") or {}).values():
                special["ids"] = [new[int(i)] for i in special["ids"]]
        tok = Tokenizer.from_str(json.dumps(spec))
        tok.no_truncation()
        tok.no_padding()
        tok.encode_special_tokens = self._special
        return tok

    def _candidates(self, texts: Sequence[str]) -> set[str]:
        out: set[str] = set()
        longest = self._longest
        forms: list[str] = []
        for t in texts:
            forms.append(t)
            normalizer, pre = self._frame.normalizer, self._frame.pre_tokenizer
            norm = normalizer.normalize_str(t) if normalizer is not None else t
            forms.append(norm)
            if pre is not None:
                forms.extend(piece for piece, _ in pre.pre_tokenize_str(norm))
        for s in forms:
            n = len(s)
            for a in range(n):
                for b in range(a + 1, min(a + longest, n) + 1):
                    out.add(s[a:b])
        return out

    def encode_batch(self, texts: Sequence[str], add_special_tokens: bool = True) -> list[list[int]]:
        texts = list(texts)
        cand = self._candidates(texts)
        ids = sorted({i for i, p in enumerate(self._pieces) if p in cand} | set(self._keep))
        tok = self._build(ids)
        back = np.asarray(ids, dtype=np.int64)
        encoded = tok.encode_batch(texts, add_special_tokens=add_special_tokens)
        return [back[np.asarray(e.ids, dtype=np.int64)].tolist() for e in encoded]
