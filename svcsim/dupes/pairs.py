"""Find reused texts: candidates → character alignment → class → template flag.

Copies and near copies are found *exactly*: every pair of distinct texts whose alignment meets the
near-copy bars, however many texts repeat a sentence (a prefix-filtered all-pairs join, aligned in
compiled code: :func:`svcsim.dupes.tiling.near_copy_pairs`). Paraphrase and related pairs start
from cheaper candidates: semantic neighbours and texts sharing character 4-grams.

>>> from svcsim.embed import HashEncoder
>>> from svcsim.model import Entry
>>> texts = ["設置單一服務窗口，提供民眾便捷服務。", "設置單一服務窗口，提供市民便捷服務。", "辦理志工教育訓練課程"]
>>> entries = [Entry(id=i, kind="point", agency=a, year=2022 + i, file=f"{a}.txt", item="一", measure="(一)",
...                  n=1, text=t) for i, (a, t) in enumerate(zip("甲乙丙", texts))]
>>> pairs = find_pairs(entries, HashEncoder().encode(texts), min_label="near_copy")
>>> [(p.a.agency, p.b.agency, p.label, p.spans) for p in pairs]
[('甲', '乙', 'near_copy', ((0, 11, 0, 11), (13, 17, 13, 17)))]
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from svcsim.dupes.boilerplate import TemplateRule
from svcsim.dupes.classify import LABELS, Label, Thresholds, at_least
from svcsim.dupes.pairset import DupePair, PairSet, scan_pairs, sort_key
from svcsim.errors import InputError
from svcsim.model import Entry
from svcsim.embed.base import check_entries_vectors

__all__ = ["DupePair", "PairSet", "find_pairs", "iter_pairs", "scan_pairs"]


def find_pairs(
    entries: Sequence[Entry],
    vectors: np.ndarray,
    *,
    min_label: Label = "related",
    cross_agency_only: bool = False,
    thresholds: Thresholds = Thresholds(),
    template_rule: TemplateRule = TemplateRule(),
    k: int = 10,
    max_df: int = 500,
    max_per_text: int | None = 50,
    exact_below: int | None = None,
    random_state: int = 0,
) -> list[DupePair]:
    """All pairs of points (and of measure titles) that reuse each other, strongest first.

    Builds the whole list: a sentence carried by N plans gives N² pairs, so on large corpora use
    :func:`iter_pairs` (same pairs, streamed) or :func:`svcsim.dupes.analyse` (grouped).

    Args:
        entries: points and measure titles; only entries of the same ``kind`` are paired.
        vectors: row-aligned embeddings (normalised here if they are not).
        min_label: weakest class to return.
        cross_agency_only: drop pairs within one agency (within-plan repeats and self-reuse).
        thresholds: class thresholds (the defaults suit the default e5 model).
        template_rule: when a copy group is template text.
        k: semantic neighbours per distinct text (paraphrase/related candidates).
        max_df: for paraphrase/related candidates, shingles in more distinct texts than this are
            not used to pair texts (copies and near copies are found exactly regardless).
        max_per_text: for paraphrase/related candidates, keep a lexical candidate only if it is
            among the best this many of one of its texts
            (:func:`svcsim.dupes.candidates.lexical_candidates`); ``None`` keeps them all.
        exact_below: exact kNN below this many texts (default: the index's threshold).
        random_state: seeds the approximate kNN above ``exact_below``.

    Returns:
        Pairs ordered by label, then lexical and semantic score (descending), then entry ids.

    Raises:
        InputError: ``min_label`` is not a label, or entries and vectors do not line up.
    """
    return sorted(iter_pairs(entries, vectors, min_label=min_label, cross_agency_only=cross_agency_only,
                             thresholds=thresholds, template_rule=template_rule, k=k, max_df=max_df,
                             max_per_text=max_per_text, exact_below=exact_below,
                             random_state=random_state), key=sort_key)


def iter_pairs(
    entries: Sequence[Entry],
    vectors: np.ndarray,
    *,
    min_label: Label = "related",
    cross_agency_only: bool = False,
    thresholds: Thresholds = Thresholds(),
    template_rule: TemplateRule = TemplateRule(),
    k: int = 10,
    max_df: int = 500,
    max_per_text: int | None = 50,
    exact_below: int | None = None,
    random_state: int = 0,
) -> Iterator[DupePair]:
    """The pairs of :func:`find_pairs`, streamed: memory grows with distinct texts, not with pairs.

    Inputs are checked and the corpus is scanned before the first pair is yielded, so bad input
    raises at the call. Order: by label, then lexical score (descending), then a fixed block order
    (see :class:`~svcsim.dupes.pairset.PairSet`) — deterministic, but not :func:`find_pairs`' full sort.
    """
    if min_label not in LABELS:
        raise InputError("min_label", f"got {min_label!r}; use one of {', '.join(LABELS)}")
    entries, x = check_entries_vectors(entries, vectors)
    pairs = scan_pairs(entries, x, thresholds=thresholds, template_rule=template_rule, k=k,
                       max_df=max_df, max_per_text=max_per_text, exact_below=exact_below,
                       random_state=random_state, min_label=min_label)
    return _stream(pairs, min_label, cross_agency_only)


def _stream(pairs: PairSet, min_label: Label, cross_agency_only: bool) -> Iterator[DupePair]:
    for label in LABELS:
        if not at_least(label, min_label):
            return
        for p in pairs.iter_label(label):
            if p.cross_agency or not cross_agency_only:
                yield p
