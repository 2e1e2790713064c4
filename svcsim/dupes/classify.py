"""The four reuse classes and the character and cosine thresholds that decide them.

Definitions (``../shared/gold/NOTES.md``, pairs.jsonl section):

* ``copy`` — identical once whitespace and punctuation are removed and widths folded. Variant
  characters are *not* folded here: 跨平臺 vs 跨平台 is a character change, so ``near_copy``.
* ``near_copy`` — copied with small edits: ≥ 70 % of the shorter text lies in verbatim shared runs
  of ≥ 4 characters *and* ≥ 35 % of the longer one is covered. These are the annotators' own
  numbers, not fitted: on the 105 gold pairs every near_copy meets them (lowest 0.73 / 0.52) and
  no other pair does (closest: a related pair at 0.67 / 0.38, a 9-character paraphrase at 1.0 / 0.26).
  Also ``near_copy``, flagged ``contained`` on the pair: a *contained copy*, one verbatim run of
  ≥ 30 normalised characters, or of ≥ 70 % of a shorter text, however much other text surrounds
  it (a copy buried in a long point fails the 35 % bar). The run must be ≥ 12 characters: shorter
  ones are shared phrases (the 9-character gold paraphrase above is one); on the gold pairs the
  longest run of any non-copy pair is 24 characters, 41 % of its shorter text.
  Also ``near_copy``: a copy with a few words swapped for synonyms (資訊→訊息, 網站→網頁 …), by the
  same bars on texts whose synonyms are rewritten to one word, or as a copy with small in-order
  substitutions whose vectors agree (:mod:`svcsim.dupes.synonyms`; ``synonyms=False`` turns it off).
* ``paraphrase`` — same measure, other words; ``related`` — same topic, another measure or object.
  By default both are decided by the pair classifier (:mod:`svcsim.dupes.pairmodel`, features in
  :mod:`svcsim.dupes.features`), fitted on labelled pairs and evaluated leave-one-plan-out by
  ``benchmarks/pairs_eval.py``. The cosine cut-offs below are the rule before it, used with
  ``PairScan(pair_model=None)``: paraphrase at cosine ≥ 0.925, or ≥ 0.92 when both points belong to
  the same measure (same item + measure code, or measure titles with cosine ≥ 0.97); related at
  cosine ≥ 0.915, or ≥ 0.90 when ≥ 10 % of the shorter text is shared verbatim.

The cosine cut-offs are for the default model (multilingual-e5-small), whose cosines crowd into
0.8–1.0 for any two sentences of this genre. On the gold pairs every ``unrelated`` pair is ≤ 0.911
and shares no 4-character run, so ``related`` starts just above it; but paraphrase and related
overlap heavily in cosine (related pairs reach 0.956, with nothing in common but the topic), which
is why the classifier also looks at *what* the two texts share. Another encoder needs its own
:class:`Thresholds` and its own fitted model (tests pass thresholds suited to ``HashEncoder``).
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from typing import Literal

from svcsim.dupes.align import Alignment
from svcsim.text.normalize import NormText

Label = Literal["copy", "near_copy", "paraphrase", "related"]
LABELS: tuple[Label, ...] = ("copy", "near_copy", "paraphrase", "related")
"""Strongest first: ``LABELS.index(label) <= LABELS.index(min_label)`` means "at least min_label"."""

COPY_LABELS: tuple[Label, ...] = ("copy", "near_copy")


@dataclass(frozen=True)
class Thresholds:
    """Every number that turns an alignment and a cosine into a :data:`Label`.

    Attributes:
        min_run: shortest verbatim run (normalised characters) that counts as copied.
        near_copy_short: share of the shorter text that must be copied for ``near_copy``.
        near_copy_long: share of the longer text that must be copied for ``near_copy``.
        paraphrase: cosine for ``paraphrase``.
        paraphrase_same_measure: cosine for ``paraphrase`` when both are in the same measure.
        same_measure_title: cosine of two measure titles above which they are the same measure.
        related: cosine for ``related``.
        related_with_overlap: cosine for ``related`` when ``overlap_for_related`` is shared.
        overlap_for_related: share of the shorter text copied verbatim that lowers the bar.
        contained_run: one shared run this long makes a contained copy, whatever the lengths.
        contained_share: ... as does one covering this share of the shorter text,
        contained_min: ... if it is at least this long.
        synonyms: also call a pair ``near_copy`` when it is a copy with a few words swapped for
            synonyms (:mod:`svcsim.dupes.synonyms`); ``False`` is the rule before issue #15.
        edit_semantic: for a copy with swaps no synonym list holds: the cosine it needs,
        edit_short: ... the share of the shorter text left equal, in order,
        edit_gap: ... the longest differing stretch (characters) on either side,
        edit_min_len, edit_max_len: ... and the normalised lengths it applies to (longer texts keep
            long verbatim runs around a few swaps, so the run rule already finds them).
    """

    min_run: int = 4
    near_copy_short: float = 0.70
    near_copy_long: float = 0.35
    paraphrase: float = 0.925
    paraphrase_same_measure: float = 0.92
    same_measure_title: float = 0.97
    related: float = 0.915
    related_with_overlap: float = 0.90
    overlap_for_related: float = 0.10
    contained_run: int = 30
    contained_share: float = 0.70
    contained_min: int = 12
    synonyms: bool = True
    edit_semantic: float = 0.95
    edit_short: float = 0.6
    edit_gap: int = 4
    edit_min_len: int = 10
    edit_max_len: int = 40

    def contained_need(self, len_a: int, len_b: int) -> int:
        """The shared run (normalised characters) that makes two texts a contained copy.

        >>> Thresholds().contained_need(94, 400), Thresholds().contained_need(20, 400)
        (30, 14)
        """
        short = min(len_a, len_b)
        return max(self.contained_min, min(self.contained_run, math.ceil(self.contained_share * short - 1e-9)))

    def is_contained(self, longest: int, len_a: int, len_b: int) -> bool:
        """Whether one shared run of ``longest`` characters makes a contained copy."""
        return longest >= self.contained_need(len_a, len_b) and longest <= min(len_a, len_b)

    @property
    def min_semantic(self) -> float:
        """The lowest cosine any rule accepts: semantic candidates below it need not be aligned."""
        return min(self.paraphrase, self.paraphrase_same_measure, self.related, self.related_with_overlap)


def copy_key(nt: NormText) -> str:
    """The matching text with variant folding undone, so 臺/台 counts as a change (gold rule).

    Uses the characters ``normalize_for_match`` kept, re-read from the original and only
    width/NFKC-folded.

    >>> from svcsim.text.normalize import normalize_for_match
    >>> copy_key(normalize_for_match("跨平臺，ＡＰＰ")), copy_key(normalize_for_match("跨平台APP"))
    ('跨平臺APP', '跨平台APP')
    """
    seen = -1
    out = []
    for o in nt.offsets:
        if o != seen:
            out.append(unicodedata.normalize("NFKC", nt.original[o]))
            seen = o
    return "".join(out)


def classify(
    alignment: Alignment,
    semantic: float,
    *,
    identical: bool,
    same_measure: bool,
    thresholds: Thresholds = Thresholds(),
) -> Label | None:
    """The strongest label a pair earns, or ``None`` for an unrelated pair.

    Args:
        alignment: the verbatim runs of the pair.
        semantic: cosine of the two vectors.
        identical: the two :func:`copy_key` are equal.
        same_measure: both belong to the same measure (see module docstring).
        thresholds: the numbers to use.

    >>> from svcsim.dupes.align import align
    >>> classify(align("設置單一窗口", "設置單一窗口。"), 1.0, identical=True, same_measure=False)
    'copy'
    """
    t = thresholds
    if identical:
        return "copy"
    if alignment.cover_short >= t.near_copy_short and alignment.cover_long >= t.near_copy_long:
        return "near_copy"
    if t.is_contained(alignment.longest, alignment.len_a, alignment.len_b):
        return "near_copy"  # a contained copy
    if semantic >= t.paraphrase or (same_measure and semantic >= t.paraphrase_same_measure):
        return "paraphrase"
    if semantic >= t.related or (
        alignment.cover_short >= t.overlap_for_related and semantic >= t.related_with_overlap
    ):
        return "related"
    return None


def at_least(label: Label, min_label: Label) -> bool:
    """Whether ``label`` is as strong as ``min_label`` (copy > near_copy > paraphrase > related)."""
    return LABELS.index(label) <= LABELS.index(min_label)
