"""Is one text a copy of another? A thin adapter over :mod:`svcsim.dupes`, and its cheap gates.

The copy/near-copy decision belongs to ``svcsim.dupes`` — one definition for the whole tool, the
one the ``dupes`` report uses (:func:`svcsim.dupes.classify.classify`: identical ``copy_key`` →
``copy``; ≥ 70 % of the shorter and ≥ 35 % of the longer text in shared verbatim runs →
``near_copy``). Only the two copy labels matter here, so the cosine passed is 0: paraphrase and
related are never asked for.

Aligning a pair costs ~0.1–1 ms, so two necessary conditions come first: :func:`copy_candidates`
(shared character 4-grams, for all pairs of a pool at once) and :func:`could_copy` (a bound on the
cover, per pair).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from svcsim.suggest.results import CopyLabel, Span
from svcsim.suggest.threads import one_blas_thread

SHINGLE_GATE = 0.3
DENSE_GATE_CELLS = 4_000_000
"""Above this many texts × shared 4-grams (16 MB of float32), :func:`copy_candidates` goes sparse."""
"""Share of the smaller 4-gram set two texts must have in common to be aligned at all."""


@dataclass(frozen=True)
class PairCopy:
    """A copy relation from text ``a`` to text ``b``: label (``None`` = not a copy), spans, cover of ``a``.

    ``spans`` are ``(a_start, a_end, b_start, b_end)`` offsets into the original texts.
    """

    label: CopyLabel | None
    spans: tuple[Span, ...]
    cover_a: float


def copy_relation(a: str, b: str) -> PairCopy:
    """Label the pair ``copy``/``near_copy`` (or ``None``) and return the copied spans.

    >>> r = copy_relation("本局設置單一窗口，提供便民服務。", "本所設置單一窗口提供便民服務")
    >>> r.label, r.spans
    ('near_copy', ((2, 15, 2, 14),))
    """
    return _copy_relation(a, b)


@lru_cache(maxsize=65536)
def _copy_relation(a: str, b: str) -> PairCopy:
    from svcsim.dupes.align import align
    from svcsim.dupes.classify import classify

    (na, ka), (nb, kb) = _normalised(a), _normalised(b)
    al = align(na, nb)
    label = classify(al, 0.0, identical=bool(na.text) and ka == kb, same_measure=False)
    return PairCopy(label if label in ("copy", "near_copy") else None, tuple(al.spans), al.cover_a)


@lru_cache(maxsize=262144)
def _normalised(text: str):
    # Per text, not per pair: normalising both sides of every pair was half the cost of a cold pair.
    from svcsim.dupes.classify import copy_key
    from svcsim.text.normalize import normalize_for_match

    nt = normalize_for_match(text)
    return nt, copy_key(nt)


def is_copy(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` are copies or near-copies of each other (the rule is symmetric)."""
    return _is_copy(a, b)


@lru_cache(maxsize=262144)
def _is_copy(a: str, b: str) -> bool:
    # Cached apart from copy_relation: most pairs a query meets are rejected by the bound alone,
    # and the pool's neighbours meet again on the next keystroke.
    return could_copy(a, b) and copy_relation(a, b).label is not None


def could_copy(a: str, b: str) -> bool:
    """A cheap necessary condition for :func:`is_copy`: ``False`` means aligning cannot make a copy.

    ``copy`` needs equal match keys. ``near_copy`` needs ≥ 70 % of the shorter and ≥ 35 % of the
    longer normalised text covered by shared runs of ≥ 4 characters; every covered character lies
    in a 4-gram window the other text also has, and a run of m such windows spans m + 3 characters,
    so (shared windows + 3 per run of them) bounds the cover from above — the bound ``svcsim.dupes``
    uses before aligning. Aligning a pair costs ~0.1–1 ms; this costs a few µs.

    >>> could_copy("本局設置單一窗口，提供便民服務。", "本所設置單一窗口提供便民服務")
    True
    >>> could_copy("設置單一窗口", "辦理滿意度調查")
    False
    """
    ka, ga, sa = _windows(a)
    kb, gb, sb = _windows(b)
    if ka == kb:
        return True
    t = _thresholds()
    bound = min(_window_cover(ga, sb, t.min_run), _window_cover(gb, sa, t.min_run))
    return bound >= t.near_copy_short * min(len(ka), len(kb)) and bound >= t.near_copy_long * max(len(ka), len(kb))


@lru_cache(maxsize=262144)
def _windows(text: str) -> tuple[str, tuple[str, ...], frozenset[str]]:
    # Cached per text: corpus texts meet many drafts and many pool neighbours.
    key = _normalised(text)[0].text  # the match key, the string alignment runs on
    k = _thresholds().min_run
    grams = tuple(key[i : i + k] for i in range(len(key) - k + 1))
    return key, grams, frozenset(grams)


@lru_cache(maxsize=1)
def _thresholds():
    # The ones svcsim.dupes.classify.classify applies by default; imported late, as svcsim.dupes is.
    from svcsim.dupes.classify import Thresholds

    return Thresholds()


def _window_cover(grams: tuple[str, ...], other: frozenset[str], k: int) -> int:
    covered = runs = 0
    inside = False
    for g in grams:
        if g in other:
            covered += 1
            runs += not inside
            inside = True
        else:
            inside = False
    return covered + (k - 1) * runs


def shingles(text: str) -> np.ndarray:
    """Hashes of the character 4-grams of ``text``'s match key (the unit of :mod:`svcsim.dupes` runs).

    >>> len(shingles("設置單一窗口")), len(shingles("窗口")), len(shingles(""))
    (3, 1, 0)
    """
    from svcsim.text import match_key

    key = match_key(text)
    if len(key) < 4:
        return np.array([zlib.crc32(key.encode())], dtype=np.int64) if key else np.zeros(0, np.int64)
    # crc32, not hash(): str hashes change with PYTHONHASHSEED and results must not.
    return np.unique(np.array([zlib.crc32(key[i : i + 4].encode()) for i in range(len(key) - 3)], dtype=np.int64))


def copy_candidates(sets: Sequence[np.ndarray]) -> np.ndarray:
    """Boolean matrix: which pairs of texts, given by their :func:`shingles`, could be copies.

    A near-copy has ≥ 70 % of the shorter text in shared runs of ≥ 4 characters, so it shares
    at least ~40 % of its character 4-grams; only pairs sharing ≥ ``SHINGLE_GATE`` are worth
    aligning. One small matrix product instead of a Python loop over pairs.

    >>> texts = ["本局設置單一窗口，提供便民服務。", "本所設置單一窗口提供便民服務", "辦理滿意度調查"]
    >>> copy_candidates([shingles(t) for t in texts]).astype(int).tolist()
    [[1, 1, 0], [1, 1, 0], [0, 0, 1]]
    """
    n = len(sets)
    if n == 0:
        return np.zeros((0, 0), dtype=bool)
    sizes = np.array([len(x) for x in sets], dtype=np.int64)
    allh = np.concatenate(sets) if sizes.any() else np.zeros(0, np.int64)
    if not len(allh):
        return np.zeros((n, n), dtype=bool)
    # Only 4-grams held by two or more texts can be shared, and a pool's texts hold a few hundred of
    # those: a dense texts × shared-4-grams product is a few ms, and avoids scipy.sparse, whose
    # import was ~0.3 s of a cold suggestion. Every set holds distinct hashes, so the diagonal is the
    # set sizes, and the counts are small integers, exact in float32 (what the sparse product gave).
    row = np.repeat(np.arange(n), sizes)
    uniq, inv, counts = np.unique(allh, return_inverse=True, return_counts=True)
    col = np.full(len(uniq), -1, dtype=np.int64)
    multi = counts > 1
    n_multi = int(multi.sum())
    if n * n_multi > DENSE_GATE_CELLS:  # not a pool: the sparse product keeps memory and time linear
        from scipy import sparse

        m = sparse.csr_matrix((np.ones(len(allh), dtype=np.float32), (row, inv)), shape=(n, len(uniq)))
        shared = (m @ m.T).toarray()
    else:
        col[multi] = np.arange(n_multi)
        keep = col[inv] >= 0
        m = np.zeros((n, n_multi), dtype=np.float32)
        m[row[keep], col[inv][keep]] = 1.0
        with one_blas_thread():  # a pool-sized product: BLAS threads only spin on a shared machine (10x slower)
            shared = m @ m.T
        shared[np.diag_indices(n)] = sizes
    smaller = np.minimum(sizes[:, None], sizes[None, :]).astype(np.float32)
    return (shared >= SHINGLE_GATE * smaller) & (smaller > 0)


def copy_candidates_for(text: np.ndarray, sets: Sequence[np.ndarray]) -> np.ndarray:
    """Which of the texts given by ``sets`` could be copies of the one given by ``text`` (all :func:`shingles`).

    The last row of ``copy_candidates([*sets, text])`` without the square: a draft is checked
    against a measure's thousands of points in one pass over their 4-grams.

    >>> texts = ["本所設置單一窗口提供便民服務", "辦理滿意度調查"]
    >>> copy_candidates_for(shingles("本局設置單一窗口，提供便民服務。"), [shingles(t) for t in texts]).tolist()
    [True, False]
    """
    sizes = np.array([len(x) for x in sets], dtype=np.int64)
    if not len(sizes):
        return np.zeros(0, dtype=bool)
    allh = np.concatenate(sets) if sizes.any() else np.zeros(0, np.int64)
    hit = np.isin(allh, text)
    shared = np.bincount(np.repeat(np.arange(len(sizes)), sizes)[hit], minlength=len(sizes)).astype(np.float32)
    smaller = np.minimum(sizes, len(text)).astype(np.float32)
    return (shared >= SHINGLE_GATE * smaller) & (smaller > 0)
