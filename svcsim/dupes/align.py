"""Character alignment of two texts: which verbatim runs were copied, and how much of each side.

Matching runs on :func:`svcsim.text.normalize_for_match` text (width folded, whitespace and
punctuation removed, 臺→台), so ``第7條`` and ``第 7 條`` align; every reported span is mapped back to
offsets into the *original* texts so a reviewer sees exactly which characters were copied.

Why greedy maximal common substrings rather than ``difflib.SequenceMatcher``: SequenceMatcher keeps
the matches in order, so a copied text whose clauses were swapped (a common edit) loses half its
coverage. Here every maximal run of ≥ ``min_run`` shared characters is found with a 4-gram seed
index, then runs are taken longest first, each character of either side used at most once — the
same idea as the "greedy string tiling" of plagiarism detectors (JPlag, passim's alignments).

>>> al = align("本局設置單一窗口，提供便民服務。", "本所設置單一窗口提供便民服務")
>>> round(al.cover_short, 2), al.spans      # 本局/本所 differ; the rest, comma included, is copied
(0.86, ((2, 15, 2, 14),))
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

from svcsim.text.normalize import NormText, normalize_for_match

Span = tuple[int, int, int, int]
"""``(a_start, a_end, b_start, b_end)``: half-open offsets into the original texts of both sides."""


@dataclass(frozen=True)
class Alignment:
    """The verbatim runs shared by two texts.

    Attributes:
        len_a: length of side a's normalised text.
        len_b: length of side b's normalised text.
        covered_a: normalised characters of a inside a shared run.
        covered_b: the same for b (equal to ``covered_a``: runs are one-to-one).
        spans: shared runs as ``(a_start, a_end, b_start, b_end)`` offsets into the original
            texts, ordered by ``a_start``.
        longest: normalised characters of the longest shared run (the tiler takes it whole).
    """

    len_a: int
    len_b: int
    covered_a: int
    covered_b: int
    spans: tuple[Span, ...]
    longest: int = 0

    @property
    def cover_a(self) -> float:
        return self.covered_a / self.len_a if self.len_a else 0.0

    @property
    def cover_b(self) -> float:
        return self.covered_b / self.len_b if self.len_b else 0.0

    @property
    def cover_short(self) -> float:
        """Share of the shorter text (normalised) lying in shared runs."""
        return self.cover_a if self.len_a <= self.len_b else self.cover_b

    @property
    def cover_long(self) -> float:
        """Share of the longer text (normalised) lying in shared runs."""
        return self.cover_b if self.len_a <= self.len_b else self.cover_a


def align(a: str | NormText, b: str | NormText, *, min_run: int = 4) -> Alignment:
    """Align two texts on their normalised characters.

    Args:
        a: first text, or its :class:`~svcsim.text.normalize.NormText` (pass these when aligning
            one text against many, to normalise once).
        b: second text, likewise.
        min_run: shortest shared run that counts as copied. 4 characters is about two Chinese
            words; shorter runs (提供, 民眾) are shared by any two plans.

    Returns:
        An :class:`Alignment` whose spans point into the original texts.

    >>> al = align("設置單一窗口，提供便民服務", "提供便民服務並設置單一窗口")
    >>> al.cover_short, al.spans
    (1.0, ((0, 6, 7, 13), (7, 13, 0, 6)))
    """
    na = a if isinstance(a, NormText) else normalize_for_match(a)
    nb = b if isinstance(b, NormText) else normalize_for_match(b)
    return alignment_from_tiles(na, nb, tiles(na.text, nb.text, min_run=min_run))


Tile = tuple[int, int, int]
"""``(i, j, length)``: a shared run at normalised offset ``i`` of a and ``j`` of b."""


def alignment_from_tiles(na: NormText, nb: NormText, found: list[Tile] | tuple[Tile, ...]) -> Alignment:
    """Build an :class:`Alignment` from tiles found on the normalised texts of ``na`` and ``nb``.

    Separate from :func:`align` because many entries can share one normalised text (the same
    sentence with other punctuation): the tiles are found once, then mapped into each original.
    """
    spans = []
    covered = 0
    longest = 0
    for i, j, length in sorted(found):
        covered += length
        longest = max(longest, length)
        a0, a1 = na.span_to_original(i, i + length)
        b0, b1 = nb.span_to_original(j, j + length)
        spans.append((a0, a1, b0, b1))
    return Alignment(
        len_a=len(na.text), len_b=len(nb.text), covered_a=covered, covered_b=covered, spans=tuple(spans),
        longest=longest,
    )


def tiles(a: str, b: str, *, min_run: int = 4) -> list[Tile]:
    """Non-overlapping common runs of two normalised strings, of length ≥ ``min_run``, longest first.

    Runs compiled (:mod:`svcsim.dupes.tiling`); :func:`_greedy_tiles` is the same algorithm in
    Python, kept as the reference the compiled one is tested against.

    >>> tiles("設置單一窗口提供便民服務", "提供便民服務並設置單一窗口")
    [(0, 7, 6), (6, 0, 6)]
    """
    global _python_seconds
    if _python_seconds < PYTHON_SECONDS and "numba" not in sys.modules:
        # Loading the compiled kernel costs ~0.35 s; a process that aligns only a few thousand pairs
        # (the report's 2,000 pairs, ~15 µs each; a cold suggestion's copy check) is done before that
        # pays off. So Python first, until it has spent what the load would cost: never more than
        # twice the better choice's time. Same tiles either way.
        start = time.perf_counter()
        found = _greedy_tiles(a, b, min_run)
        _python_seconds += time.perf_counter() - start
        return found
    from svcsim.dupes.tiling import tiles_fast

    return tiles_fast(a, b, min_run)


PYTHON_SECONDS = 0.3
"""Seconds of Python alignment a process spends before :func:`tiles` loads the compiled kernel."""
_python_seconds = 0.0


def _greedy_tiles(a: str, b: str, k: int) -> list[tuple[int, int, int]]:
    """Non-overlapping common runs ``(i, j, length)`` of length ≥ k, chosen longest first."""
    if len(a) < k or len(b) < k:
        return []
    if a == b:
        return [(0, 0, len(a))]
    seeds: dict[str, list[int]] = {}
    for j in range(len(b) - k + 1):
        seeds.setdefault(b[j : j + k], []).append(j)
    runs: list[tuple[int, int, int]] = []
    la, lb = len(a), len(b)
    for i in range(la - k + 1):
        for j in seeds.get(a[i : i + k], ()):
            if i and j and a[i - 1] == b[j - 1]:
                continue  # not the start of a maximal run; its start was already recorded
            n = k
            while i + n < la and j + n < lb and a[i + n] == b[j + n]:
                n += 1
            runs.append((i, j, n))
    if not runs:
        return []
    # Longest first; ties broken by position so the result never depends on dict order.
    runs.sort(key=lambda r: (-r[2], r[0], r[1]))
    used_a = bytearray(la)
    used_b = bytearray(lb)
    tiles: list[tuple[int, int, int]] = []
    for i, j, n in runs:
        # A run may partly overlap tiles already taken; keep its longest still-free stretch.
        best_s, best_len, s = 0, 0, -1
        for t in range(n + 1):
            free = t < n and not used_a[i + t] and not used_b[j + t]
            if free and s < 0:
                s = t
            elif not free and s >= 0:
                if t - s > best_len:
                    best_s, best_len = s, t - s
                s = -1
        if best_len >= k:
            for t in range(best_s, best_s + best_len):
                used_a[i + t] = 1
                used_b[j + t] = 1
            tiles.append((i + best_s, j + best_s, best_len))
    return tiles
