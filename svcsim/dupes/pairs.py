"""Find reused texts: candidates → character alignment → class → template flag.

Copies and near copies are found *exactly*: every pair of distinct texts whose alignment meets the
near-copy bars, however many texts repeat a sentence (a prefix-filtered all-pairs join, aligned in
compiled code: :func:`svcsim.dupes.tiling.near_copy_pairs`). Paraphrase and related pairs start
from cheaper candidates: semantic neighbours and texts sharing character 4-grams.

>>> from svcsim.embed import HashEncoder
>>> from svcsim.embedded import EmbeddedCorpus
>>> from svcsim.model import Entry
>>> texts = ["設置單一服務窗口，提供民眾便捷服務。", "設置單一服務窗口，提供市民便捷服務。", "辦理志工教育訓練課程"]
>>> entries = [Entry(id=i, kind="point", agency=a, year=2022 + i, file=f"{a}.txt", item="一", measure="(一)",
...                  n=1, text=t) for i, (a, t) in enumerate(zip("甲乙丙", texts))]
>>> corpus = EmbeddedCorpus(entries, HashEncoder().encode(texts))
>>> pairs = find_pairs(corpus, min_label="near_copy")
>>> [(p.a.agency, p.b.agency, p.label, p.spans) for p in pairs]
[('甲', '乙', 'near_copy', ((0, 11, 0, 11), (13, 17, 13, 17)))]
"""

from __future__ import annotations

from collections.abc import Iterator

from svcsim.dupes.classify import LABELS, Label, at_least
from svcsim.dupes.pairset import DupePair, PairScan, PairSet, scan_pairs, sort_key
from svcsim.embedded import EmbeddedCorpus, require_embedded
from svcsim.errors import InputError

__all__ = ["DupePair", "PairScan", "PairSet", "find_pairs", "iter_pairs", "scan_pairs"]


def find_pairs(
    corpus: EmbeddedCorpus,
    *,
    min_label: Label = "related",
    cross_agency_only: bool = False,
    scan: PairScan = PairScan(),
) -> list[DupePair]:
    """All pairs of points (and of measure titles) that reuse each other, strongest first.

    Builds the whole list: a sentence carried by N plans gives N² pairs, so on large corpora use
    :func:`iter_pairs` (same pairs, streamed) or :func:`svcsim.dupes.analyse` (grouped).

    Args:
        corpus: points and measure titles with their vectors; only entries of the same ``kind``
            are paired.
        min_label: weakest class to return.
        cross_agency_only: drop pairs within one agency (within-plan repeats and self-reuse).
        scan: how to search (thresholds, template rule, candidate limits, seed).

    Returns:
        Pairs ordered by label, then lexical and semantic score (descending), then entry ids.

    Raises:
        InputError: ``min_label`` is not a label, or ``corpus`` is not an EmbeddedCorpus.
    """
    return sorted(iter_pairs(corpus, min_label=min_label, cross_agency_only=cross_agency_only, scan=scan),
                  key=sort_key)


def iter_pairs(
    corpus: EmbeddedCorpus,
    *,
    min_label: Label = "related",
    cross_agency_only: bool = False,
    scan: PairScan = PairScan(),
) -> Iterator[DupePair]:
    """The pairs of :func:`find_pairs`, streamed: memory grows with distinct texts, not with pairs.

    Inputs are checked and the corpus is scanned before the first pair is yielded, so bad input
    raises at the call. Order: by label, then lexical score (descending), then a fixed block order
    (see :class:`~svcsim.dupes.pairset.PairSet`) — deterministic, but not :func:`find_pairs`' full sort.
    """
    check_label(min_label)
    pairs = scan_pairs(require_embedded(corpus), scan, min_label=min_label)
    return _stream(pairs, min_label, cross_agency_only)


def check_label(min_label: object) -> None:
    if min_label not in LABELS:
        raise InputError("min_label", f"got {min_label!r}; use one of {', '.join(LABELS)}")


def _stream(pairs: PairSet, min_label: Label, cross_agency_only: bool) -> Iterator[DupePair]:
    for label in LABELS:
        if not at_least(label, min_label):
            return
        for p in pairs.iter_label(label):
            if p.cross_agency or not cross_agency_only:
                yield p
