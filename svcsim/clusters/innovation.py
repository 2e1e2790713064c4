"""Innovation score per point: a concrete new practice that no counterpart has.

**What counts as innovative in a 提升服務計畫.** A point (執行重點) is innovative when it describes a
concrete practice that

1. appears nowhere in the city template — it does more than restate the 具體措施 it sits under;
2. appears in no other agency's plan, and not in the same agency's plan of an earlier year;
3. does something new for citizens: a new channel, tool, data set or partnership is built,
   launched, published or formed ("建置三維管線圖資", "開發勞基法試算程式", "與大學合作建置數據平台");

and is not a list of routine facilities or duties every agency carries (無障礙坡道、電梯點字、導盲磚;
依政府資訊公開法主動公開). A rare noun is not novelty: a list of accessibility facilities is full of
rare nouns and is still routine.

**Signals.** Each is turned into a percentile among the scored points (0 = least, 1 = most
innovative), so an encoder that bunches every cosine in 0.85–0.95 (multilingual-e5) still separates:

* ``novelty`` — low cosine to the closest *counterpart* (another agency's point, or the agency's
  own point of an earlier year; :mod:`~svcsim.clusters.innovation_neighbours`);
* ``beyond_template`` — low cosine to the point's own 具體措施 title, the template's words (needs
  the title vectors: measure titles in ``corpus``, in ``dupes.corpus`` or in ``titles``);
* ``new_practice`` — words no counterpart uses, in a clause whose verb builds, launches, publishes
  or partners (:mod:`~svcsim.clusters.innovation_words`, verbs in ``text/data/new_practice_verbs.txt``);
* ``routine`` — share of the point's words that many agencies use (learned from the corpus);
  enters as ``1 − percentile``.

**score** = ``(1 − tie_break) · Σ wᵢ · signalᵢ + tie_break · specificity``, then × ``(1 − boilerplate / 2)``
with ``boilerplate`` = 1 for template text and ``1 − 0.5 ** k`` for a text ``k`` counterparts carry as
a copy or near copy (``svcsim.dupes``; the agency's own earlier plans count as one). The weights
(:class:`Weights`) are equal by default; ``specificity`` (named things, rare words) only breaks ties
(``tie_break`` = 0.05). Percentiles are not comparable across corpora: compare ranks within one.

Measured on 11 hand-labelled plans with multilingual-e5-small (``benchmarks/innovation_eval.py``,
each plan scored against the others): all 10 innovative points in the top decile (worst rank 14
of 678), precision@10 0.9; the previous score (novelty + non-boilerplate + specificity) reached
precision@10 0.5 with the worst at rank 41.

>>> ranked = score_innovation(embedded_points, dupes=analyse(embedded))   # doctest: +SKIP
>>> ranked[0].reasons                                                      # doctest: +SKIP
('其他機關皆無類似措施（最相近 cos 0.90）', '新做法：建置 三維圖資、座標', '超出具體措施範本的內容')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from svcsim.clusters.innovation_neighbours import nearest_counterparts, title_cosines, title_key
from svcsim.clusters.innovation_words import word_signals
from svcsim.embedded import EmbeddedCorpus, require_embedded
from svcsim.errors import InputError
from svcsim.model import Entry

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

    from svcsim.dupes import DupesResult
    from svcsim.clusters.innovation_parse import ParseMemo
    from svcsim.clusters.knn import NeighbourMemo
    from svcsim.text.segcache import SpanCache

__all__ = ["InnovationResult", "InnovationScore", "Weights", "score_innovation"]


@dataclass(frozen=True)
class Weights:
    """How the four signals combine (non-negative, summing to 1)."""

    novelty: float = 0.25
    beyond_template: float = 0.25
    new_practice: float = 0.25
    not_routine: float = 0.25


@dataclass(frozen=True)
class InnovationScore:
    """One entry's innovation score and why.

    Attributes:
        entry: the scored entry.
        score: in [0, 1], higher = more innovative (see the module docstring).
        novelty: percentile of distance to the closest counterpart, in [0, 1] (0.5 when unmeasured).
        beyond_template: percentile of distance to the point's own 具體措施 title (0.5 when unknown).
        new_practice: percentile of new words in a build/launch/publish/partner clause.
        routine: share of the point's words that many agencies use, in [0, 1] (raw, not a percentile).
        specificity: named things and rare words, in [0, 1]; a tie-breaker.
        boilerplate: how widely the text is copied (1 = template), in [0, 1].
        max_cos: cosine to the closest counterpart (``nan`` when there is none).
        new_words: the words no counterpart uses.
        reasons: 1–4 short Traditional Chinese phrases, strongest first.
    """

    entry: Entry
    score: float
    novelty: float
    beyond_template: float
    new_practice: float
    routine: float
    specificity: float
    boilerplate: float
    max_cos: float
    new_words: tuple[str, ...]
    reasons: tuple[str, ...]

    def to_dict(self) -> dict:
        """The JSON shape of ``svcsim innovations --json``: the entry's fields (:meth:`Entry.to_dict`), then the score's."""
        return {**self.entry.to_dict(), "score": round(self.score, 4),
                "novelty": round(self.novelty, 4), "beyond_template": round(self.beyond_template, 4),
                "new_practice": round(self.new_practice, 4), "routine": round(self.routine, 4),
                "specificity": round(self.specificity, 4), "boilerplate": round(self.boilerplate, 4),
                "max_cos": None if math.isnan(self.max_cos) else round(self.max_cos, 4),
                "new_words": list(self.new_words), "reasons": list(self.reasons)}


@dataclass(frozen=True)
class InnovationResult:
    """Every point of a corpus scored for innovation, best first.

    Behaves as the sequence of its scores (``result[0]``, ``result[:10]``, ``len(result)``).

    Attributes:
        corpus: the scored points.
        scores: one :class:`InnovationScore` per entry of ``corpus``, best first.
    """

    corpus: EmbeddedCorpus
    scores: tuple[InnovationScore, ...]

    @classmethod
    def _of_rows(cls, corpus: EmbeddedCorpus, n: int, row: "Callable[[int], InnovationScore]") -> "InnovationResult":
        """A result whose ``i``-th score is ``row(i)``, made when first asked for: ``scores`` builds
        all ``n`` then, while ``result[:20]`` (what a report shows of 10⁵ stored scores) builds 20."""
        self = object.__new__(cls)
        object.__setattr__(self, "corpus", corpus)
        object.__setattr__(self, "_rows", (n, row))
        return self

    def __getattr__(self, name: str):
        if name == "scores" and "_rows" in self.__dict__:
            n, row = self.__dict__["_rows"]
            scores = tuple(row(i) for i in range(n))
            object.__setattr__(self, "scores", scores)
            return scores
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __len__(self) -> int:
        if "scores" not in self.__dict__ and "_rows" in self.__dict__:
            return self.__dict__["_rows"][0]
        return len(self.scores)

    def __iter__(self):
        return iter(self.scores)

    def __getitem__(self, i):
        if "scores" not in self.__dict__ and "_rows" in self.__dict__:
            n, row = self.__dict__["_rows"]
            if isinstance(i, slice):
                return tuple(row(j) for j in range(*i.indices(n)))
            j = i + n if -n <= i < 0 else i
            if not 0 <= j < n:
                raise IndexError("innovation score index out of range")
            return row(j)
        return self.scores[i]

    def to_dicts(self) -> list[dict]:
        """The JSON shape of every command and page: :meth:`InnovationScore.to_dict` with its ``rank``."""
        return [{"rank": r, **s.to_dict()} for r, s in enumerate(self.scores, start=1)]

    def to_frame(self) -> "pd.DataFrame":
        """One row per point, best first: the fields of :meth:`to_dicts`."""
        from svcsim.results import frame

        return frame(self.to_dicts())


def score_innovation(
    corpus: EmbeddedCorpus,
    *,
    dupes: "DupesResult | None" = None,
    titles: EmbeddedCorpus | None = None,
    weights: Weights = Weights(),
    tie_break: float = 0.05,
    n_neighbors: int = 50,
    random_state: int = 0,
    segments: "SpanCache | None" = None,
    neighbours: "NeighbourMemo | None" = None,
    parses: "ParseMemo | None" = None,
) -> InnovationResult:
    """Score every entry for innovation (the definition and formula are in the module docstring).

    Args:
        corpus: the points to score (usually ``embedded.of_kind("point")``), from several agencies.
        dupes: :func:`svcsim.dupes.analyse` of these entries or of a corpus holding them (e.g. points
            and measure titles together, whose titles then serve as the template); computed when omitted.
        titles: the measure titles of the same plans, embedded by the same model (e.g.
            ``embedded.of_kind("measure_title")``), when neither ``corpus`` nor ``dupes`` holds them.
            Without titles, ``beyond_template`` is not measured and its weight goes to the others.
        weights: the weights of the four signals.
        tie_break: weight of ``specificity``, in [0, 0.5).
        n_neighbors: nearest neighbours searched per point; a point none of whose neighbours is a
            counterpart gets the last neighbour's cosine as an upper bound.
        random_state: seed of the duplicate scan when ``dupes`` is computed here.
        segments: where token offsets are kept (:class:`~svcsim.text.segcache.SpanCache`, e.g. in
            the corpus database, as the stored analysis does); by default segmented here.
        neighbours: a :class:`~svcsim.clusters.knn.NeighbourMemo` to share the neighbour search
            with :func:`~svcsim.clusters.cluster_corpus` of the same points, and to update lists
            kept from an earlier corpus instead of searching again.
        parses: a :class:`~svcsim.clusters.innovation_parse.ParseMemo` holding texts parsed by an
            earlier analysis (only the others are parsed); it holds this call's afterwards.

    Returns:
        An :class:`InnovationResult`: one score per entry, best first (ties: text, then entry id),
        identical for any order of the input.

    Raises:
        InputError: bad weights or settings, ``dupes`` of another corpus, titles of another model.
    """
    corpus = require_embedded(corpus)
    w = _check_settings(weights, tie_break, n_neighbors)
    entries = list(corpus.entries)
    if not entries:
        return InnovationResult(corpus, ())
    if dupes is None:
        from svcsim.dupes import PairScan, analyse

        dupes = analyse(corpus, min_label="near_copy", scan=PairScan(random_state=random_state))
    counts = {b.entry.id: b for b in dupes.boilerplate}
    if any(e.id not in counts for e in entries):
        raise InputError("dupes", "it is not an analysis of these points; pass svcsim.dupes.analyse() of the "
                                  "same corpus (or of one that holds these points)")
    carried = _carried_by(dupes)
    title_vecs = _title_vectors(corpus, dupes, titles)

    # canonical order (text, id): the neighbour search, ties and percentiles see the same rows
    # whatever order the caller used
    order = sorted(range(len(entries)), key=lambda i: (entries[i].text, entries[i].id))
    es = [entries[i] for i in order]
    xs = corpus.vectors[order]

    near = nearest_counterparts(es, xs, n_neighbors, neighbours)
    tcos = title_cosines(es, xs, title_vecs)
    words = word_signals(es, segments=segments, parses=parses)
    p_nov = (_percentile(-near.max_cos) + _percentile(-near.max_lex)) / 2
    p_tmpl = _percentile(-tcos)
    if np.isnan(tcos).mean() > 0.5:  # titles mostly unknown: leave the signal out rather than guess
        w = {**w, "beyond_template": 0.0}
    p_new = _percentile(words.new_practice)
    p_rout = _percentile(-words.routine)
    total = sum(w.values()) or 1.0
    base = (w["novelty"] * p_nov + w["beyond_template"] * p_tmpl + w["new_practice"] * p_new
            + w["not_routine"] * p_rout) / total
    score = (1.0 - tie_break) * base + tie_break * words.specificity

    out = []
    msgs = _Messages()
    for j, e in enumerate(es):
        b = counts[e.id]
        k = carried.get(e.id, 0)
        boiler = 1.0 if b.template else 1.0 - 0.5 ** k
        s = min(max(float(score[j]) * (1.0 - 0.5 * boiler), 0.0), 1.0)  # np.clip per point cost ~1 s at 100k
        out.append(InnovationScore(
            entry=e, score=s, novelty=float(p_nov[j]), beyond_template=float(p_tmpl[j]),
            new_practice=float(p_new[j]), routine=float(words.routine[j]), specificity=float(words.specificity[j]),
            boilerplate=float(boiler), max_cos=float(near.max_cos[j]), new_words=words.new_words[j],
            reasons=_reasons(b.template, k, near, j, p_nov[j], p_tmpl[j], tcos[j], words, w, msgs)))
    # rounding before comparing: float noise from BLAS must not reorder ties between runs; ties keep
    # the (text, id) order the points are already in
    rounded = np.array([-round(s.score, 9) for s in out])
    return InnovationResult(corpus, tuple(out[j] for j in np.argsort(rounded, kind="stable").tolist()))


# ---------------------------------------------------------------------------- helpers
def _check_settings(weights: Weights, tie_break: float, n_neighbors: int) -> dict[str, float]:
    if not isinstance(weights, Weights):
        raise InputError("weights", f"expected svcsim.clusters.innovation.Weights, got {type(weights).__name__}")
    w = {"novelty": weights.novelty, "beyond_template": weights.beyond_template,
         "new_practice": weights.new_practice, "not_routine": weights.not_routine}
    if min(w.values()) < 0 or not math.isclose(sum(w.values()), 1.0):
        raise InputError("weights", f"got {weights}; use non-negative weights summing to 1")
    if isinstance(tie_break, bool) or not isinstance(tie_break, (int, float)) or not 0.0 <= tie_break < 0.5:
        raise InputError("tie_break", f"got {tie_break!r}; a weight in [0, 0.5), e.g. 0.05")
    if isinstance(n_neighbors, bool) or not isinstance(n_neighbors, int) or n_neighbors < 1:
        raise InputError("n_neighbors", f"got {n_neighbors!r}; expected an int >= 1, e.g. 50")
    return w


def _title_vectors(corpus: EmbeddedCorpus, dupes: "DupesResult", titles: EmbeddedCorpus | None) -> dict:
    sources = [corpus, dupes.corpus]
    if titles is not None:
        titles = require_embedded(titles, "titles")
        if titles.dim and titles.dim != corpus.dim:
            raise InputError("titles", f"vectors of dimension {titles.dim}, the points have {corpus.dim}; "
                                       "embed the titles with the same model")
        sources.append(titles)
    out = {}
    for src in sources:
        if src.dim != corpus.dim:
            continue
        for e, v in zip(src.entries, src.vectors):
            if e.kind == "measure_title":
                out.setdefault(title_key(e), v)
    return out


def _carried_by(dupes: "DupesResult") -> dict[int, int]:
    """Per entry id: how many counterparts carry a copy or near copy of it — other agencies, plus one
    for the same agency's earlier plans (its later plans continue it, they are not its source)."""
    out: dict[int, int] = {}
    for c in dupes.clusters:  # a template group can hold 10⁴ entries: per group once, not per pair
        first_year: dict[str, int] = {}
        for m in c.members:
            if m.year is not None:
                first_year[m.agency] = min(first_year.get(m.agency, m.year), m.year)
        n_agencies = len({m.agency for m in c.members})
        for e in c.members:
            earlier = e.year is not None and first_year.get(e.agency, e.year) < e.year
            out[e.id] = n_agencies - 1 + int(earlier)
    return out


def _percentile(values: np.ndarray) -> np.ndarray:
    """Average-rank percentile in [0, 1] (ties share a value); ``nan`` values get 0.5."""
    v = np.asarray(values, dtype=np.float64)
    out = np.full(v.shape, 0.5)
    ok = ~np.isnan(v)
    m = int(ok.sum())
    if m < 2:
        return out
    x = np.round(v[ok], 9)  # float noise must not split ties
    srt = np.sort(x)
    lo = np.searchsorted(srt, x, side="left")
    hi = np.searchsorted(srt, x, side="right")
    out[ok] = (lo + hi - 1) / 2 / (m - 1)
    return out


class _Messages:
    """The reason phrases in the current language, looked up once per scoring: ``i18n.t`` reads the
    environment on every call, 3·10⁵ calls at 100k points (6 of 31 s). Same text as ``t(key, **params)``."""

    def __init__(self) -> None:
        from svcsim.i18n import t

        self._t = t
        self._text: dict[str, str] = {}

    def __call__(self, key: str, **params: object) -> str:
        text = self._text.get(key)
        if text is None:
            text = self._text[key] = self._t(key)
        return text.format(**params) if params else text


def _reasons(template: bool, carried: int, near, j: int, p_nov: float, p_tmpl: float, tcos: float, words,
             w: dict, t: _Messages) -> tuple[str, ...]:
    out: list[str] = []
    sep = t("innovation.reason.sep")
    copied = template or carried > 0
    if template:
        out.append(t("innovation.reason.template"))
    elif carried:
        out.append(t("innovation.reason.carried", n=carried))
    cos = near.max_cos[j]
    if math.isnan(cos):
        out.append(t("innovation.reason.no_counterpart"))
    elif p_nov >= 0.8 and not copied:
        out.append(t("innovation.reason.unique", le="" if near.exact[j] else "≤ ", cos=cos))
    elif p_nov <= 0.3:
        out.append(t("innovation.reason.own_past_close" if near.own_agency[j] else "innovation.reason.other_close",
                     cos=cos))
    if words.practice[j]:
        verb, *found = words.practice[j]
        out.append(t("innovation.reason.new_practice", verb=verb, words=sep.join(found)))
    if w["beyond_template"] > 0 and not math.isnan(tcos):
        if p_tmpl >= 0.8:
            out.append(t("innovation.reason.beyond_template"))
        elif p_tmpl <= 0.2:
            out.append(t("innovation.reason.restates_title"))
    if words.routine[j] >= 0.5 and words.routine_words[j]:
        out.append(t("innovation.reason.routine", words=sep.join(words.routine_words[j])))
    if not out:
        out.append(t("innovation.reason.partial"))
    return tuple(out[:4])
