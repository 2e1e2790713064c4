"""Generate a corpus of synthetic plans with planted ground truth.

Agencies are generated one after another, each for ``n_years`` consecutive ROC years, so the
generator only keeps a small window of recent plans in memory: :func:`iter_corpus` streams a
million points without holding them, and :func:`generate_corpus` collects the stream.

What is planted (every pair uses gold-style refs ``{"file","item","measure","n"}``, ``n=None``
for a measure title):

* ``template`` — a template measure title identical to the previous agency's of the same year.
* ``copy`` / ``near_copy`` / ``paraphrase`` — a point copied from a recent agency of the same
  year into the same measure, raw (``none``), or disguised by :mod:`svcsim.synth.obfuscate`.
* ``yoy_reuse`` — a point the same agency already wrote, at the same measure, the year before.

Every other point is filled independently from the phrase bank (unrelated, up to the template
sentence it shares). ``innovative`` lists the rare specific points.

``provenance`` records, for every point and measure title, the bank *frame* it was filled from
and the *source* text it descends from. Two plans that fill the same frame with other slot values
(修正停車管理作業規定 / 修正停水通知作業規定) write near copies nobody planted: an evaluation should
count such pairs as template-derived, not as false positives.

>>> c = generate_corpus(n_agencies=2, n_years=2, seed=1)
>>> [p.file for p in c.plans]
['海濱範例局_110.txt', '海濱範例局_111.txt', '海濱範例區公所_110.txt', '海濱範例區公所_111.txt']
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterator, Sequence
from typing import Any

from svcsim.errors import InputError
from svcsim.model import Measure, Plan, Point
from svcsim.synth import obfuscate as ob
from svcsim.synth.draft import (
    Agency,
    DraftItem,
    DraftPoint,
    agency_for,
    draft_plan,
    freeze_plan,
    pick_goals,
    provenance_of,
)
from svcsim.synth.truth import PairKind, PlantedPair, PlanTruth, Provenance, RefKey, SynthCorpus, ref_key

# The truth types live in svcsim.synth.truth; svcsim.synth and svcsim.synth.examples import them from here.
__all__ = ["MEAN_POINTS_PER_PLAN", "PairKind", "PlanTruth", "PlantedPair", "Provenance", "RefKey", "SynthCorpus",
           "corpus_shape", "generate_corpus", "generate_points_corpus", "iter_corpus", "iter_points_corpus", "ref_key"]

MEAN_POINTS_PER_PLAN = 63.0
"""Measured average points per generated plan; :func:`corpus_shape` sizes corpora with it."""

_WINDOW = 6  # how many recent agencies a copy may come from
_NEAR = ("agency_swap", "insert_clause", "delete_clause", "synonym_swap", "reorder_clauses")


# ---------------------------------------------------------------------------- planting


def _ref(file: str, item: str, measure: str, n: int | None) -> dict[str, Any]:
    return {"file": file, "item": item, "measure": measure, "n": n}


def _slots(items: list[DraftItem]) -> list[tuple[int, int, int]]:
    return [(i, j, k) for i, it in enumerate(items) if it.code != "0"
            for j, m in enumerate(it.measures) for k, p in enumerate(m.points)
            if not p.innovative and not p.planted]


def _find_measure(plan: Plan, item: str, measure: str) -> Measure | None:
    for it in plan.items:
        if it.code == item:
            for m in it.measures:
                if m.code == measure:
                    return m
    return None


def _disguise(text: str, rng: random.Random, ag: Agency) -> tuple[PairKind, str, str]:
    """Pick a kind and an obfuscation that applies to ``text``; return (kind, name, new text)."""
    r = rng.random()
    if r < 0.3:
        if rng.random() < 0.5:
            new = ob.whitespace_width(text, rng)
            if new is not None and new != text:
                return "copy", "whitespace_width", new
        return "copy", "none", text
    if r < 0.85:
        names = list(_NEAR)
        rng.shuffle(names)
        for name in names:
            if name == "agency_swap":
                new = ob.agency_swap(text, rng, target=ag.kind.self_word)
            else:
                new = ob.OBFUSCATIONS[name](text, rng)
            if new is not None and new != text:
                return "near_copy", name, new
        return "copy", "none", text
    new = ob.synonym_swap(text, rng, k=4)
    re_ = ob.reorder_clauses(new or text, rng)
    if new and re_:
        return "paraphrase", "synonym_swap+reorder_clauses", re_
    return "copy", "none", text


# ---------------------------------------------------------------------------- corpus


def iter_corpus(*, n_agencies: int, n_years: int, start_roc_year: int = 110, seed: int = 0,
                copy_rate: float = 0.03, yoy_reuse_rate: float = 0.25, innovation_rate: float = 0.02,
                agencies: Sequence[str] | None = None) -> Iterator[PlanTruth]:
    """Yield plans agency by agency (each for ``n_years`` years) with the truth planted in each.

    Memory stays bounded by a window of recent plans, so this streams millions of points.
    Arguments are those of :func:`generate_corpus`.
    """
    _check(n_agencies, n_years, copy_rate, yoy_reuse_rate, innovation_rate, agencies)
    years = range(start_roc_year, start_roc_year + n_years)
    recent: dict[int, deque[Plan]] = {y: deque(maxlen=_WINDOW) for y in years}
    # Innovations stay rare by construction: they are never the source of a copy or a reuse.
    novel: set[tuple[str, str, str, int]] = set()
    # Provenance of the plans a copy may still come from (the window and last year's plan).
    live: dict[str, dict[RefKey, Provenance]] = {}

    def inherit(point: DraftPoint, plan: Plan, item: str, measure: str, n: int) -> None:
        prov = live[plan.file][(plan.file, item, measure, n)]
        point.frame, point.source = prov.frame, prov.source

    def ordinary(plan: Plan, item: str, old: Measure) -> list[Point]:
        return [p for p in old.points if (plan.file, item, old.code, p.n) not in novel]
    for a in range(n_agencies):
        ag = agency_for(a, seed, agencies[a] if agencies else None)
        previous: Plan | None = None
        for roc in years:
            items, rng = draft_plan(ag, roc, seed, innovation_rate)
            file = f"{ag.short}_{roc}.txt"
            planted: list[PlantedPair] = []
            # Year-over-year reuse: the agency keeps some of last year's sentences.
            if previous is not None:
                for i, j, k in _slots(items):
                    if rng.random() >= yoy_reuse_rate:
                        continue
                    it, m = items[i], items[i].measures[j]
                    old = _find_measure(previous, it.code, m.code)
                    pool = ordinary(previous, it.code, old) if old else []
                    if not pool:
                        continue
                    src = rng.choice(pool)
                    text, obf = src.text, "none"
                    if rng.random() < 0.2:
                        new = ob.synonym_swap(text, rng, k=1)
                        if new:
                            text, obf = new, "synonym_swap"
                    m.points[k].text, m.points[k].planted = text, True
                    inherit(m.points[k], previous, it.code, m.code, src.n)
                    planted.append(PlantedPair(_ref(previous.file, it.code, m.code, src.n),
                                               _ref(file, it.code, m.code, k + 1), "yoy_reuse", obf))
            # Cross-agency copies from a recent agency's plan of the same year.
            sources = list(recent[roc])
            if sources:
                for i, j, k in _slots(items):
                    if rng.random() >= copy_rate:
                        continue
                    it, m = items[i], items[i].measures[j]
                    src_plan = rng.choice(sources)
                    old = _find_measure(src_plan, it.code, m.code)
                    pool = ordinary(src_plan, it.code, old) if old else []
                    if not pool:
                        continue
                    src = rng.choice(pool)
                    kind, obf, text = _disguise(src.text, rng, ag)
                    m.points[k].text, m.points[k].planted = text, True
                    inherit(m.points[k], src_plan, it.code, m.code, src.n)
                    planted.append(PlantedPair(_ref(src_plan.file, it.code, m.code, src.n),
                                               _ref(file, it.code, m.code, k + 1), kind, obf))
                # Template titles, and the odd title an agency reworded slightly.
                prev = sources[-1]
                for it in items:
                    for m in it.measures:
                        old = _find_measure(prev, it.code, m.code)
                        if old is None:
                            continue
                        if it.code != "0" and rng.random() < 0.03:
                            new = ob.synonym_swap(m.title, rng, k=1)
                            if new and new != old.title:
                                m.title = new
                                planted.append(PlantedPair(_ref(prev.file, it.code, m.code, None),
                                                           _ref(file, it.code, m.code, None),
                                                           "near_copy", "synonym_swap"))
                                continue
                        if old.title == m.title:
                            planted.append(PlantedPair(_ref(prev.file, it.code, m.code, None),
                                                       _ref(file, it.code, m.code, None), "template", "none"))
            plan = freeze_plan(ag, roc, items, pick_goals(rng))
            innovative = tuple(_ref(file, it.code, m.code, k + 1) for it in items for m in it.measures
                               for k, p in enumerate(m.points) if p.innovative)
            novel.update((r["file"], r["item"], r["measure"], r["n"]) for r in innovative)
            recent[roc].append(plan)
            previous = plan
            provenance = provenance_of(file, items)
            live[file] = provenance
            keep = {p.file for d in recent.values() for p in d} | {file}
            for f in [f for f in live if f not in keep]:
                del live[f]
            yield PlanTruth(plan, tuple(planted), innovative, provenance)


def generate_corpus(*, n_agencies: int, n_years: int, start_roc_year: int = 110, seed: int = 0,
                    copy_rate: float = 0.03, yoy_reuse_rate: float = 0.25, innovation_rate: float = 0.02,
                    agencies: Sequence[str] | None = None) -> SynthCorpus:
    """Generate ``n_agencies × n_years`` plans with planted copies, reuse and innovations.

    Args:
        n_agencies: how many invented agencies (局, 區公所, 管理處, 自來水廠, 服務中心 in turn).
        n_years: consecutive ROC years per agency, from ``start_roc_year``.
        start_roc_year: the first ROC year (110 = 2021).
        seed: everything is a function of the seed; the same seed gives identical plans.
        copy_rate: probability that a point is copied from a recent agency of the same year.
        yoy_reuse_rate: probability that a point repeats the agency's own point of last year.
        innovation_rate: probability that a measure gains one rare, specific innovative point.
        agencies: explicit agency names (kind taken from the suffix), one per agency.

    Returns:
        The plans in agency-then-year order, the planted pairs, the innovative refs and the
        provenance of every point and measure title.

    Raises:
        InputError: a size is not a positive integer or a rate is outside ``[0, 1]``.
    """
    plans: list[Plan] = []
    planted: list[PlantedPair] = []
    innovative: list[dict[str, Any]] = []
    provenance: dict[RefKey, Provenance] = {}
    for t in iter_corpus(n_agencies=n_agencies, n_years=n_years, start_roc_year=start_roc_year, seed=seed,
                         copy_rate=copy_rate, yoy_reuse_rate=yoy_reuse_rate,
                         innovation_rate=innovation_rate, agencies=agencies):
        plans.append(t.plan)
        planted.extend(t.planted)
        innovative.extend(t.innovative)
        provenance.update(t.provenance)
    return SynthCorpus(plans=plans, planted=planted, innovative=innovative, seed=seed, provenance=provenance)


def corpus_shape(n_points: int) -> tuple[int, int]:
    """``(n_agencies, n_years)`` giving about ``n_points`` points (more years for big corpora)."""
    if not isinstance(n_points, int) or isinstance(n_points, bool) or n_points < 1:
        raise InputError("n_points", f"expected a positive int, got {n_points!r}")
    n_years = 2 if n_points < 50_000 else 4
    return max(2, round(n_points / (MEAN_POINTS_PER_PLAN * n_years))), n_years


def iter_points_corpus(n_points: int, *, seed: int = 0) -> Iterator[PlanTruth]:
    """Stream a corpus of about ``n_points`` points (see :func:`corpus_shape`) without keeping it."""
    n_agencies, n_years = corpus_shape(n_points)
    return iter_corpus(n_agencies=n_agencies, n_years=n_years, seed=seed)


def generate_points_corpus(n_points: int, *, seed: int = 0) -> SynthCorpus:
    """A corpus of about ``n_points`` points (within ~10%), e.g. 1_000, 10_000, 100_000, 1_000_000.

    1M points take about two minutes and ~650 MB of memory on one core; stream with
    :func:`iter_points_corpus` to keep memory flat.
    """
    n_agencies, n_years = corpus_shape(n_points)
    return generate_corpus(n_agencies=n_agencies, n_years=n_years, seed=seed)


def _check(n_agencies: Any, n_years: Any, copy_rate: float, yoy: float, innov: float,
           agencies: Sequence[str] | None) -> None:
    for name, v in (("n_agencies", n_agencies), ("n_years", n_years)):
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise InputError(name, f"expected a positive int, got {v!r}")
    for name, v in (("copy_rate", copy_rate), ("yoy_reuse_rate", yoy), ("innovation_rate", innov)):
        if not 0.0 <= float(v) <= 1.0:
            raise InputError(name, f"expected a probability in [0, 1], got {v!r}")
    if agencies is not None:
        if isinstance(agencies, str):
            raise InputError("agencies", "expected a list of agency names, got a single str; wrap it in a list")
        if len(agencies) != n_agencies:
            raise InputError("agencies", f"got {len(agencies)} names for n_agencies={n_agencies}; pass one name per agency")
