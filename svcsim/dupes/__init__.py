"""Copy-paste and boilerplate detection between service plans.

Layers: pairs — every near copy exactly, by a prefix-filtered all-pairs join aligned in compiled
code (:mod:`~svcsim.dupes.tiling`), and cheap candidates for paraphrase/related
(:mod:`~svcsim.dupes.candidates`) → character alignment (:mod:`~svcsim.dupes.align`) → class
(:mod:`~svcsim.dupes.classify`) → template and reuse groups (:mod:`~svcsim.dupes.boilerplate`) →
plan-level measures (:mod:`~svcsim.dupes.plans`). Copies buried in longer points come from a
second exact join (:mod:`~svcsim.dupes.contained`) and are ``near_copy`` pairs flagged
``contained``; points carrying invisible characters are listed in :attr:`DupesResult.hidden`.
:mod:`~svcsim.dupes.scan` runs the scan under one settings object (:class:`PairScan`); copies with
synonym swaps are aligned through :mod:`~svcsim.dupes.synonyms`, and paraphrase/related are decided by
the pair classifier of :mod:`~svcsim.dupes.pairmodel` over :mod:`~svcsim.dupes.features` (weights in
``data/pair_model.json``; :mod:`~svcsim.dupes.weak` is the fallback rule). :func:`analyse` runs them
all and returns a :class:`DupesResult` with ``to_frame()``; the report's tables and plots live in
:mod:`svcsim.report`.

Pairs are kept per distinct text (:class:`~svcsim.dupes.pairset.PairSet`) and expanded on demand:
:func:`find_pairs` returns the sorted list (fine for a city's plans), :func:`iter_pairs` streams
the same pairs for corpora where one sentence carried by N plans means N² pairs.

Importing this package loads numpy only; numba loads when pairs are aligned, faiss when semantic
candidates are searched.
"""

from svcsim.dupes.align import Alignment, Span, align
from svcsim.dupes.analyse import DupesResult, HiddenText, analyse
from svcsim.dupes.boilerplate import BoilerplateCount, ReuseCluster, TemplateRule
from svcsim.dupes.classify import LABELS, Label, Thresholds, classify
from svcsim.dupes.pairs import DupePair, PairScan, PairSet, find_pairs, iter_pairs
from svcsim.dupes.plans import AgencyOverlap, PlanOriginality, SelfReuse

__all__ = [
    "AgencyOverlap",
    "Alignment",
    "BoilerplateCount",
    "DupePair",
    "DupesResult",
    "HiddenText",
    "PairScan",
    "PairSet",
    "PlanOriginality",
    "SelfReuse",
    "LABELS",
    "Label",
    "ReuseCluster",
    "Span",
    "TemplateRule",
    "Thresholds",
    "align",
    "analyse",
    "classify",
    "find_pairs",
    "iter_pairs",
]
