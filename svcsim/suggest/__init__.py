"""The drafting assistant: suggestions from other agencies, the copy warning, the plan check.

Usable from Python without the CLI; imports numpy only (torch and faiss load when a
:class:`SuggestIndex` is built or loaded).

* :class:`SuggestIndex` — the corpus's FAISS index and the tables a query reads (``index.py``);
  the tables are derived once per corpus state and model and kept in the corpus database
  (``tables.py``, ``keep.py``), so a cold process reads them instead of recomputing;
* :class:`Ranker` — the pool, scores and order of suggestions (``ranking.py``);
* :func:`copy_warning` — which other agency's point a draft copies (``warning.py``, over ``copying.py``);
* :class:`Suggester` — the three together, as the CLI and the web page use them (``suggester.py``);
* :func:`check_plan` — the standard measures a draft plan lacks (``check.py``).

``Suggester.build(corpus, encoder).suggest("設置單一窗口", measure="一(二)", agency="某局")`` is the
usual start; :class:`Suggester`'s docstring has a worked example.
"""

from svcsim.suggest.index import SuggestIndex
from svcsim.suggest.ranking import Pool, Ranker
from svcsim.suggest.results import (
    CheckFinding,
    CopiedPoint,
    CheckReport,
    CopyWarning,
    MeasureRef,
    Suggestion,
    SuggestResult,
)
from svcsim.suggest.specificity import specificity
from svcsim.suggest.suggester import MAX_DRAFT_CHARS, Suggester
from svcsim.suggest.warning import copy_warning

__all__ = [
    "CheckFinding",
    "CopiedPoint",
    "CheckReport",
    "CopyWarning",
    "MAX_DRAFT_CHARS",
    "MeasureRef",
    "Pool",
    "Ranker",
    "SuggestIndex",
    "Suggester",
    "SuggestResult",
    "Suggestion",
    "check_plan",
    "copy_warning",
    "specificity",
]


def __getattr__(name: str):
    # check_plan pulls in scipy.sparse (~0.2 s); a suggestion does not need it
    if name == "check_plan":
        from svcsim.suggest.check import check_plan

        return check_plan
    raise AttributeError(f"module 'svcsim.suggest' has no attribute {name!r}")
