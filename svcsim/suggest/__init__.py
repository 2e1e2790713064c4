"""The drafting assistant: suggestions from other agencies, the copy warning, the plan check.

Usable from Python without the CLI; imports numpy only (torch and faiss load when a
:class:`Suggester` is built).

>>> from svcsim.suggest import Suggester, check_plan                   # doctest: +SKIP
>>> s = Suggester(corpus, encoder)                                     # doctest: +SKIP
>>> s.suggest("設置單一窗口", measure="一(二)", agency="某局").suggestions  # doctest: +SKIP
"""

from svcsim.suggest.check import check_plan
from svcsim.suggest.results import (
    CheckFinding,
    CheckReport,
    CopyWarning,
    MeasureRef,
    Suggestion,
    SuggestResult,
)
from svcsim.suggest.specificity import specificity
from svcsim.suggest.suggester import MAX_DRAFT_CHARS, Suggester

__all__ = [
    "CheckFinding",
    "CheckReport",
    "CopyWarning",
    "MAX_DRAFT_CHARS",
    "MeasureRef",
    "Suggester",
    "SuggestResult",
    "Suggestion",
    "check_plan",
    "specificity",
]
