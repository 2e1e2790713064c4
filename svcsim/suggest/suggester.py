"""The drafting assistant: how other agencies wrote this measure, best and most concrete first.

A :class:`Suggester` answers a drafter's queries by putting three pieces together:

* :class:`~svcsim.suggest.index.SuggestIndex` — the corpus's FAISS index and tables, built once;
* :class:`~svcsim.suggest.ranking.Ranker` — the pool, the scores and the order of suggestions
  (the ranking is described in :mod:`svcsim.suggest.ranking`);
* :func:`~svcsim.suggest.warning.copy_warning` — whether the draft copies another agency's point.

Speed: a query's work is proportional to its pool, not to the corpus (the index precomputes what
does not depend on the draft). ``benchmarks/suggest_latency.py`` shows retrieval + ranking
p50 ≈ 10–40 ms at 100k points.
"""

from __future__ import annotations

import threading
import time

import numpy as np

from svcsim.errors import InputError
from svcsim.store.agencies import agencies_named
from svcsim.suggest.index import SuggestIndex
from svcsim.suggest.measures import MeasureSlot, parse_code
from svcsim.suggest.ranking import Ranker
from svcsim.suggest.results import CopyWarning, MeasureRef, Suggestion, SuggestResult
from svcsim.suggest.threads import one_blas_thread
from svcsim.suggest.warning import copy_warning

MAX_DRAFT_CHARS = 5000
MAX_K = 50


class Suggester:
    """Suggestions for a drafter over a built :class:`SuggestIndex`, kept warm; thread-safe.

    Args:
        index: the corpus's suggestion index (:meth:`SuggestIndex.build` or :meth:`SuggestIndex.load`).
        pool, spec_weight, browse_spec_weight, measure_bonus, mmr_lambda: the ranking's keywords
            (see :class:`~svcsim.suggest.ranking.Ranker`).
        warn_candidates: how many nearest texts are checked for the copy warning.

    Raises:
        InputError: ``index`` is not a SuggestIndex (build one first), or a ranking keyword is out of range.

    Two agencies' plans, one measure each; the drafter of 甲局 sees 乙處's wording, never its own:

    >>> import tempfile
    >>> from pathlib import Path
    >>> from svcsim.embed import HashEncoder
    >>> from svcsim.model import Item, Measure, Plan, Point
    >>> from svcsim.store import Corpus
    >>> def plan(agency, *points):
    ...     m = Measure("(一)", "提供便捷申辦管道", tuple(Point(i, t) for i, t in enumerate(points, 1)))
    ...     return Plan(file=f"{agency}.txt", agency=agency, roc_year=113, title="", items=(Item("一", "便民", (m,)),))
    >>> with tempfile.TemporaryDirectory() as d, Corpus.open(Path(d) / "c.db", create=True) as corpus:
    ...     for p in (plan("甲局", "設置單一窗口受理申請"), plan("乙處", "建置線上預約系統，民眾可預約臨櫃時段")):
    ...         _ = corpus.add_plan(p)
    ...     s = Suggester.build(corpus, HashEncoder())
    >>> r = s.suggest("民眾線上預約臨櫃", measure="一(一)", agency="甲局")
    >>> [(x.entry.agency, x.text) for x in r.suggestions]
    [('乙處', '建置線上預約系統，民眾可預約臨櫃時段')]
    """

    def __init__(self, index: SuggestIndex, *, pool: int = 64, spec_weight: float = 0.3,
                 browse_spec_weight: float = 0.7, measure_bonus: float = 0.15, mmr_lambda: float = 0.75,
                 warn_candidates: int = 20) -> None:
        if not isinstance(index, SuggestIndex):
            raise InputError("Suggester", f"expected a SuggestIndex, got {type(index).__name__}; build the "
                             "suggester with Suggester.build(corpus, encoder) (or Suggester.load for an index "
                             "`svcsim index` already wrote)")
        self.index = index
        self.ranker = Ranker(index, pool=pool, spec_weight=spec_weight, browse_spec_weight=browse_spec_weight,
                             measure_bonus=measure_bonus, mmr_lambda=mmr_lambda)
        self.warn_candidates = warn_candidates
        self._lock = threading.Lock()

    @classmethod
    def build(cls, corpus, encoder, *, show_progress: bool = False, **options) -> "Suggester":
        """Update the corpus's FAISS index (:meth:`SuggestIndex.build`) and make a suggester over it.

        ``options`` are the keywords of :class:`Suggester`.
        """
        return cls(SuggestIndex.build(corpus, encoder, show_progress=show_progress), **options)

    @classmethod
    def load(cls, corpus, encoder, **options) -> "Suggester":
        """A suggester over the index ``svcsim index`` already wrote (:meth:`SuggestIndex.load`)."""
        return cls(SuggestIndex.load(corpus, encoder), **options)

    @property
    def encoder(self):
        """The encoder of the index; drafts are embedded with it as ``kind="query"``."""
        return self.index.encoder

    @property
    def agencies(self) -> tuple[str, ...]:
        """Every agency of the corpus, sorted."""
        return self.index.agencies

    def own_agency(self, name: str | None) -> str | None:
        """The corpus's spelling of the drafter's agency ``name``, however it was typed.

        勞工局, 臺 or 台, a unique prefix or substring all find 高雄市政府勞工局 (the rules of
        :func:`svcsim.store.agencies.agencies_named`), so the drafter's own points are never offered back
        nor warned about. A name the corpus does not hold is a new agency and kept as given.

        Raises:
            InputError: ``name`` could mean several agencies (they are listed).
        """
        if name is None or not name.strip():
            return None
        hits = agencies_named(name, self.agencies)
        if len(hits) > 1:
            raise InputError("agency", key="suggest.agency_many", name=name, n=len(hits), hits="、".join(hits[:8]))
        return hits[0] if hits else name.strip()

    def measures(self) -> list[MeasureRef]:
        """The corpus's measures (one per slot), in code order, for a picker."""
        return self.index.measures()

    def resolve_measure(self, measure: str | MeasureRef) -> MeasureSlot:
        """A code like ``三(二)``, a measure title, or a :class:`MeasureRef` → its slot."""
        return self.index.resolve_measure(measure)

    def suggest(self, draft: str = "", *, measure: str | MeasureRef | None = None, agency: str | None = None,
                k: int = 5) -> SuggestResult:
        """Up to ``k`` suggestions from other agencies for a draft 執行重點, and a copy warning.

        Args:
            draft: what the drafter typed so far (may be empty when ``measure`` is given).
            measure: the measure being written: a code (``三(二)``), a title, or a :class:`MeasureRef`.
            agency: the drafter's agency; its own points are never suggested nor warned about.
            k: how many suggestions (1–50).

        Raises:
            InputError: empty draft without a measure, a draft over 5,000 characters, a bad ``k``,
                or an unknown measure.
        """
        if not isinstance(draft, str):
            raise InputError("draft", f"expected a str, got {type(draft).__name__}")
        if len(draft) > MAX_DRAFT_CHARS:
            raise InputError("draft", key="suggest.draft_too_long", n=len(draft), limit=MAX_DRAFT_CHARS)
        if not isinstance(k, int) or not 1 <= k <= MAX_K:
            raise InputError("k", key="suggest.k_range", limit=MAX_K, k=k)
        text = draft.strip()
        agency = self.own_agency(agency)
        if not text and measure is None:
            raise InputError("draft", key="suggest.empty")
        with self._lock, one_blas_thread():
            # A measure given by code is a lookup and counts as ranking; one given by title is
            # dominated by embedding the title and counts as embedding.
            t0 = time.perf_counter()
            slot = self.index.resolve_measure(measure) if measure is not None else None
            t1 = time.perf_counter()
            q = self.index.encoder.encode([text], kind="query")[0] if text else None
            t2 = time.perf_counter()
            suggestions, warning = self._answer(text, q, slot, agency, k)
            t3 = time.perf_counter()
        by_code = isinstance(measure, MeasureRef) or (measure is not None and parse_code(measure.strip()) is not None)
        resolve = t1 - t0
        return SuggestResult(draft=draft, measure=slot.ref if slot else None, agency=agency,
                             suggestions=suggestions, warning=warning,
                             embed_ms=((t2 - t1) + (0.0 if by_code else resolve)) * 1e3,
                             rank_ms=((t3 - t2) + (resolve if by_code else 0.0)) * 1e3)

    def suggest_vector(self, text: str, vector: np.ndarray | None, *, measure: str | MeasureRef | None = None,
                       agency: str | None = None, k: int = 5) -> tuple[tuple[Suggestion, ...], CopyWarning | None]:
        """:meth:`suggest` for a draft already embedded (``kind="query"``): suggestions and warning.

        ``vector`` may be ``None`` with an empty ``text`` and a ``measure`` (browsing a measure).
        """
        if vector is None and (text or measure is None):
            raise InputError("vector", "None is only allowed with an empty draft and a measure; "
                             "embed the draft with encoder.encode([text], kind='query')[0]")
        slot = self.index.resolve_measure(measure) if measure is not None else None
        agency = self.own_agency(agency)
        q = np.asarray(vector, np.float32).reshape(-1) if vector is not None else None
        return self._answer(text, q, slot, agency, k)

    def examples(self, slot: MeasureSlot, *, agency: str | None = None, k: int = 3) -> tuple[Suggestion, ...]:
        """The ``k`` best versions of a measure from agencies other than ``agency``."""
        return self._answer("", None, slot, agency, k)[0]

    def copy_source(self, text: str, *, agency: str | None = None, slot: MeasureSlot | None = None,
                    vector: np.ndarray | None = None) -> CopyWarning | None:
        """The other agency's point ``text`` copies most (:func:`~svcsim.suggest.warning.copy_warning`),
        checking the same-key texts, the points of ``slot`` and (with a ``vector``) the nearest texts."""
        rows = self.index.measure_rows(slot) if slot is not None else []
        if vector is not None:
            rows += self.index.nearest_rows(vector, self.warn_candidates, agency)[0]
        return copy_warning(self.index, text, rows, agency=agency)

    def _answer(self, text: str, q: np.ndarray | None, slot: MeasureSlot | None, agency: str | None,
                k: int) -> tuple[tuple[Suggestion, ...], CopyWarning | None]:
        near_rows: list[int] = []
        near_rel = np.zeros(0, np.float32)
        if q is not None:
            # One retrieval serves both the pool and the copy warning.
            near_rows, near_rel = self.index.nearest_rows(q, max(self.ranker.pool, self.warn_candidates), agency)
        pool = self.ranker.pool_for(q, slot, agency, near_rows, near_rel)
        warning = (copy_warning(self.index, text, near_rows[: self.warn_candidates] + list(pool.rows[:5]),
                                agency=agency) if text else None)
        return self.ranker.rank(pool, agency, k), warning

