"""Is one text a copy of another? A thin adapter over :mod:`svcsim.dupes`.

The copy/near-copy decision belongs to ``svcsim.dupes`` — one definition for the whole tool, the
one the ``dupes`` report uses (:func:`svcsim.dupes.classify.classify`: identical ``copy_key`` →
``copy``; ≥ 70 % of the shorter and ≥ 35 % of the longer text in shared verbatim runs →
``near_copy``). Only the two copy labels matter here, so the cosine passed is 0: paraphrase and
related are never asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from svcsim.suggest.results import CopyLabel, Span


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
    from svcsim.dupes.classify import classify, copy_key
    from svcsim.text.normalize import normalize_for_match

    na, nb = normalize_for_match(a), normalize_for_match(b)
    al = align(na, nb)
    label = classify(al, 0.0, identical=bool(na.text) and copy_key(na) == copy_key(nb), same_measure=False)
    return PairCopy(label if label in ("copy", "near_copy") else None, tuple(al.spans), al.cover_a)


def is_copy(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` are copies or near-copies of each other (the rule is symmetric)."""
    return copy_relation(a, b).label is not None
