"""Copies with a few words swapped for synonyms: still ``near_copy``.

A drafter who copies 「提供民眾網站資訊查詢服務」 as 「給予市民網頁訊息查詢服務」 leaves no verbatim
run of 4 characters in the first 8, and a 15-character point with three such swaps falls below the
70 % coverage of the near-copy rule although nothing but the words changed. Two routes bring it back:

1. **The synonym table** (``svcsim/text/data/synonyms.txt``): both texts are rewritten with every
   word of a group replaced by the group's first word (:func:`canonical`), and the usual near-copy
   bars (70 % of the shorter / 35 % of the longer text in runs of ≥ 4 characters) are applied to the
   rewritten texts.
2. **Swaps no list holds** (:func:`is_edited_copy`): when the rewritten texts still fall short but
   line up as a copy with small substitutions — in order, every differing stretch at most
   ``edit_gap`` characters on either side, at least ``edit_short`` of the shorter and
   ``near_copy_long`` of the longer text equal — and the two vectors say the same (cosine ≥
   ``edit_semantic``), the pair is a near copy too. A rewritten sentence has long differing
   stretches, so a paraphrase does not pass; a template with one object swapped (志工→員工) passes
   only if the encoder also finds the texts near-identical.

The rewriting keeps a map to the normalised text (:class:`Canonical`), so reported spans still point
into the original texts: a swapped word is covered by the span of the run around it.

>>> c = canonical("給予市民網頁訊息")
>>> c.text
'提供民眾網站資訊'
>>> c.to_norm(0, 2)            # 提供 ← 給予
(0, 2)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources

from svcsim.dupes.align import Tile
from svcsim.text.normalize import match_key


@lru_cache(maxsize=1)
def _table() -> tuple[re.Pattern[str], dict[str, str]]:
    text = resources.files("svcsim.text").joinpath("data", "synonyms.txt").read_text(encoding="utf-8")
    to: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        words = [match_key(w) for w in line.split()]
        for w in words[1:]:
            if w and w != words[0]:
                to.setdefault(w, words[0])
    alternation = "|".join(re.escape(w) for w in sorted(to, key=lambda w: (-len(w), w)))
    return re.compile(alternation), to


@dataclass(frozen=True)
class Canonical:
    """A normalised text with synonyms rewritten, and where each character came from.

    Attributes:
        text: the rewritten text.
        norm_index: ``norm_index[i]`` is the index in the normalised text of rewritten character i.
    """

    text: str
    norm_index: tuple[int, ...]

    def to_norm(self, start: int, end: int) -> tuple[int, int]:
        """Half-open rewritten span → half-open span of the normalised text."""
        if start >= end:
            pos = self.norm_index[start] if start < len(self.norm_index) else (self.norm_index[-1] + 1 if self.norm_index else 0)
            return pos, pos
        return self.norm_index[start], self.norm_index[end - 1] + 1


def canonical(key: str) -> Canonical:
    """Rewrite the synonyms of normalised text ``key`` (:func:`~svcsim.text.normalize.match_key`)."""
    pattern, to = _table()
    out: list[str] = []
    index: list[int] = []
    last = 0
    for m in pattern.finditer(key):
        out.append(key[last:m.start()])
        index.extend(range(last, m.start()))
        word, lo = to[m.group()], m.end() - m.start()
        out.append(word)
        # spread the canonical word over the original one: its last character maps to the last one
        n = len(word)
        index.extend(m.start() + (i * (lo - 1) // (n - 1) if n > 1 else 0) for i in range(n))
        last = m.end()
    out.append(key[last:])
    index.extend(range(last, len(key)))
    return Canonical("".join(out), tuple(index))


def canonical_key(key: str) -> str:
    """:func:`canonical` text only (what the all-pairs join runs on)."""
    pattern, to = _table()
    return pattern.sub(lambda m: to[m.group()], key)


def edit_blocks(a: str, b: str) -> tuple[list[Tile], int]:
    """In-order equal blocks of ``a`` and ``b`` (difflib, no junk heuristic) and the longest
    differing stretch (characters, on the longer side of each difference)."""
    sm = SequenceMatcher(None, a, b, autojunk=False)
    blocks = [(i, j, n) for i, j, n in sm.get_matching_blocks() if n]
    gap = 0
    pi = pj = 0
    for i, j, n in blocks + [(len(a), len(b), 0)]:
        gap = max(gap, i - pi, j - pj)
        pi, pj = i + n, j + n
    return blocks, gap


def is_edited_copy(a: str, b: str, *, max_gap: int, short_min: float, long_min: float, min_len: int) -> bool:
    """Whether rewritten texts ``a`` and ``b`` are one text with small in-order substitutions."""
    lo, hi = sorted((len(a), len(b)))
    if lo < min_len:
        return False
    blocks, gap = edit_blocks(a, b)
    equal = sum(n for _, _, n in blocks)
    return gap <= max_gap and equal >= short_min * lo and equal >= long_min * hi


def synonym_copies(keys: list[str], vectors, t, *, exclude, k: int, exact_below: int | None,
                   random_state: int, only=None):
    """Unit pairs ``u < v`` of ``keys`` that are near copies only through the two routes above.

    Args:
        keys: the distinct normalised texts of one kind, sorted.
        vectors: one representative vector per key.
        t: the :class:`~svcsim.dupes.classify.Thresholds`.
        exclude: ``(u, v)`` arrays of pairs already found verbatim.
        k, exact_below, random_state: the semantic neighbour search of route 2.
        only: a boolean mask over ``keys``: route 1 reports only the pairs with a text in it (see
            :func:`~svcsim.dupes.tiling.near_copy_pairs`); route 2 is unaffected.

    Returns:
        ``(u, v, cover)`` int64 arrays: the pairs and the characters of the shorter text they cover.
    """
    import numpy as np

    from svcsim.dupes.candidates import semantic_candidates
    from svcsim.dupes.tiling import near_copy_pairs

    n = len(keys)
    known = np.minimum(exclude[0], exclude[1]).astype(np.int64) * n + np.maximum(exclude[0], exclude[1])
    canon = [canonical_key(key) for key in keys]
    # route 1: the exact near-copy join on the rewritten texts, minus the pairs found verbatim
    cu, cv, cov, _ = near_copy_pairs(canon, k=t.min_run, short_min=t.near_copy_short, long_min=t.near_copy_long,
                                     only=only)
    lo, hi = np.minimum(cu, cv).astype(np.int64), np.maximum(cu, cv).astype(np.int64)
    new = ~np.isin(lo * n + hi, known)
    lo, hi, cov = lo[new], hi[new], cov[new].astype(np.int64)
    del cu, cv, new
    found: dict[tuple[int, int], int] = {}
    # route 2: short texts whose vectors say the same and that line up as a copy with small swaps
    short = np.array([i for i in range(n) if t.edit_min_len <= len(keys[i]) <= t.edit_max_len], dtype=np.int64)
    if len(short) >= 2:
        pairs = semantic_candidates(vectors[short], k=k, min_similarity=t.edit_semantic,
                                    exact_below=exact_below, random_state=random_state)
        su, sv = short[pairs[:, 0]], short[pairs[:, 1]]
        codes = su * n + sv
        keep = ~np.isin(codes, known) & ~np.isin(codes, lo * n + hi)
        keep &= np.einsum("ij,ij->i", vectors[su], vectors[sv]) >= t.edit_semantic
        for u, v in zip(su[keep].tolist(), sv[keep].tolist()):
            if is_edited_copy(canon[u], canon[v], max_gap=t.edit_gap, short_min=t.edit_short,
                              long_min=t.near_copy_long, min_len=t.edit_min_len):
                found[(u, v)] = sum(m for _, _, m in edit_blocks(canon[u], canon[v])[0])
    items = sorted(found.items())
    u = np.concatenate([lo, np.array([p[0] for p, _ in items], dtype=np.int64)])
    v = np.concatenate([hi, np.array([p[1] for p, _ in items], dtype=np.int64)])
    c = np.concatenate([cov, np.array([m for _, m in items], dtype=np.int64)])
    return u, v, c


def synonym_spans(key_a: str, key_b: str, t) -> list[tuple[int, int, int, int]]:
    """The shared runs of a synonym copy as half-open spans ``(a0, a1, b0, b1)`` of the *normalised*
    texts, ordered by ``a0``.

    Runs of ≥ ``min_run`` rewritten characters when they meet the near-copy bars (route 1), else the
    in-order equal blocks of ≥ 2 characters (route 2); a run that spans a swapped word covers it on
    both sides, whatever the two words' lengths.
    """
    from svcsim.dupes.align import tiles

    ca, cb = canonical(key_a), canonical(key_b)
    found = tiles(ca.text, cb.text, min_run=t.min_run)
    covered = sum(n for _, _, n in found)
    lo, hi = sorted((len(ca.text), len(cb.text)))
    if not (covered >= t.near_copy_short * lo and covered >= t.near_copy_long * hi):
        found = [(i, j, n) for i, j, n in edit_blocks(ca.text, cb.text)[0] if n >= 2]
    return sorted(ca.to_norm(i, i + n) + cb.to_norm(j, j + n) for i, j, n in found)
