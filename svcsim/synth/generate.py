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
from dataclasses import dataclass, field
from typing import Any, Literal

from svcsim.errors import InputError
from svcsim.model import Item, Measure, Plan, Point
from svcsim.synth import obfuscate as ob
from svcsim.synth.bank_points import INNOVATIVE, POINTS
from svcsim.synth.bank_template import (
    GOALS,
    ITEM0_MEASURES,
    ITEM0_POINTS,
    ITEM0_TITLE,
    KINDS,
    TEMPLATE,
    AgencyKind,
    agency_name,
)
from svcsim.synth.fill import fill, vary

PairKind = Literal["template", "copy", "near_copy", "paraphrase", "yoy_reuse"]

MEAN_POINTS_PER_PLAN = 63.0
"""Measured average points per generated plan; :func:`corpus_shape` sizes corpora with it."""

_N_POINTS = (1, 2, 3, 4, 5)
_N_WEIGHTS = (15, 25, 30, 20, 10)
_WINDOW = 6  # how many recent agencies a copy may come from
_NEAR = ("agency_swap", "insert_clause", "delete_clause", "synonym_swap", "reorder_clauses")


@dataclass(frozen=True)
class PlantedPair:
    """Two refs known to be related, how, and by which edit (``"none"`` when verbatim)."""

    a: dict[str, Any]
    b: dict[str, Any]
    kind: PairKind
    obfuscation: str

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "kind": self.kind, "obfuscation": self.obfuscation}


RefKey = tuple[str, str, str, "int | None"]
"""``(file, item, measure, n)``: a planted ref as a hashable tuple (``n=None`` for a measure title)."""


@dataclass(frozen=True)
class Provenance:
    """Where one generated text came from.

    Attributes:
        frame: the phrase-bank entry it was filled from: ``"一(一)#3"`` (template 3 of measure
            一(一)), ``"0#1"`` (opening-row template 1), ``"innovative#7"``, or ``"title:一(一)"``.
            Copies and reuse keep the frame of their source.
        source: the ref of the text first filled from the bank that this one descends from (itself
            when it was filled fresh): copies, chains of copies and year-over-year reuse share it.
    """

    frame: str
    source: RefKey


def ref_key(ref: dict[str, Any]) -> RefKey:
    """A planted ref dict as a :data:`RefKey` tuple."""
    return (ref["file"], ref["item"], ref["measure"], ref["n"])


@dataclass(frozen=True)
class SynthCorpus:
    """Generated plans (``file`` set to the name :func:`write_plan` output would have) and truth."""

    plans: list[Plan]
    planted: list[PlantedPair]
    innovative: list[dict[str, Any]] = field(default_factory=list)
    seed: int = 0
    provenance: dict[RefKey, Provenance] = field(default_factory=dict, compare=False)

    @property
    def n_points(self) -> int:
        return sum(p.n_points for p in self.plans)


@dataclass(frozen=True)
class PlanTruth:
    """What :func:`iter_corpus` yields per plan: the plan and the truth planted *in* it."""

    plan: Plan
    planted: tuple[PlantedPair, ...]
    innovative: tuple[dict[str, Any], ...]
    provenance: dict[RefKey, Provenance] = field(default_factory=dict, compare=False)


# ---------------------------------------------------------------------------- agencies


@dataclass(frozen=True)
class _Agency:
    index: int
    name: str
    short: str
    kind: AgencyKind
    units: tuple[str, ...]
    topic: str
    per_point_units: bool
    spaced: bool
    title_form: str


def _kind_for(name: str) -> AgencyKind:
    for kind in sorted(KINDS, key=lambda k: -len(k.suffix)):
        if name.endswith(kind.suffix):
            return kind
    return KINDS[0]


def _agency(index: int, seed: int, name: str | None) -> _Agency:
    rng = random.Random(f"svcsim.synth:agency:{seed}:{index}")
    if name is None:
        name, kind = agency_name(index)
    else:
        kind = _kind_for(name)
    short = name.removeprefix("高雄市政府").removeprefix("高雄市") or name
    units = tuple(rng.sample(kind.units, rng.randint(3, len(kind.units))))
    return _Agency(
        index=index, name=name, short=short, kind=kind, units=units,
        topic=rng.choice(kind.topics), per_point_units=rng.random() < 0.2,
        spaced=rng.random() < 0.5,
        title_form=rng.choice(("{roc} 年度提升服務執行計畫", "{roc}年度提升服務執行計畫",
                               "{roc} 年度提升服務品質執行計畫", "{roc}年度提升服務計畫")),
    )


# ---------------------------------------------------------------------------- plans


@dataclass
class _MPoint:  # mutable while the plan is being assembled
    text: str
    unit: str | None
    innovative: bool = False
    planted: bool = False
    frame: str = ""
    source: RefKey | None = None  # None: filled fresh here, so its own ref


@dataclass
class _MMeasure:
    code: str
    title: str
    points: list[_MPoint]
    units: list[str]


@dataclass
class _MItem:
    code: str
    title: str
    measures: list[_MMeasure]


def _draft(ag: _Agency, roc: int, seed: int, innovation_rate: float) -> tuple[list[_MItem], random.Random]:
    rng = random.Random(f"svcsim.synth:plan:{seed}:{ag.index}:{roc}")
    items: list[_MItem] = []
    if not ag.per_point_units:  # the per-point-unit layout comes from district offices that skip row 0
        tpl = rng.choice(ITEM0_POINTS)
        text = fill(tpl, rng, ag.kind, ag.units, ag.topic, spaced=ag.spaced)
        items.append(_MItem("0", ITEM0_TITLE, [_MMeasure("", ITEM0_MEASURES[ag.index % 2],
                                                         [_MPoint(text, None, frame=f"0#{ITEM0_POINTS.index(tpl)}")],
                                                         [ag.units[0]])]))
    for code, title, measures in TEMPLATE:
        mitems: list[_MMeasure] = []
        for mcode, mtitle in measures:
            key = code + mcode
            bank = POINTS[key]
            n = min(rng.choices(_N_POINTS, _N_WEIGHTS)[0], len(bank))
            pts = []
            for tpl in rng.sample(bank, n):
                text = fill(vary(tpl, rng), rng, ag.kind, ag.units, ag.topic, spaced=ag.spaced)
                unit = rng.choice(ag.units + (ag.kind.all_units,)) if ag.per_point_units else None
                pts.append(_MPoint(text, unit, frame=f"{key}#{bank.index(tpl)}"))
            if rng.random() < innovation_rate:
                tpl = rng.choice(INNOVATIVE)
                text = fill(tpl, rng, ag.kind, ag.units, ag.topic, spaced=ag.spaced)
                pts.insert(rng.randint(0, len(pts)), _MPoint(text, pts[0].unit, innovative=True,
                                                             frame=f"innovative#{INNOVATIVE.index(tpl)}"))
            if ag.per_point_units:
                units = [p.unit for p in pts if p.unit]
            elif rng.random() < 0.3:
                units = [ag.kind.all_units]
            else:
                units = rng.sample(ag.units, rng.randint(1, min(4, len(ag.units))))
            mitems.append(_MMeasure(mcode, mtitle, pts, units))
        items.append(_MItem(code, title, mitems))
    return items, rng


def _freeze(ag: _Agency, roc: int, items: list[_MItem], goals: tuple[str, ...]) -> Plan:
    return Plan(
        file=f"{ag.short}_{roc}.txt", agency=ag.name, roc_year=roc,
        title=ag.title_form.format(roc=roc), goals=goals,
        items=tuple(
            Item(it.code, it.title, tuple(
                Measure(m.code, m.title, tuple(
                    Point(n=i + 1, text=p.text, units=(p.unit,) if p.unit else ())
                    for i, p in enumerate(m.points)), tuple(m.units))
                for m in it.measures))
            for it in items),
    )


def _provenance(file: str, items: list[_MItem]) -> dict[RefKey, Provenance]:
    out: dict[RefKey, Provenance] = {}
    for it in items:
        for m in it.measures:
            title = (file, it.code, m.code, None)
            out[title] = Provenance(f"title:{it.code}{m.code}", title)  # titles: the city template's slot
            for k, p in enumerate(m.points):
                ref = (file, it.code, m.code, k + 1)
                out[ref] = Provenance(p.frame, p.source or ref)
    return out


def _ref(file: str, item: str, measure: str, n: int | None) -> dict[str, Any]:
    return {"file": file, "item": item, "measure": measure, "n": n}


def _slots(items: list[_MItem]) -> list[tuple[int, int, int]]:
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


def _disguise(text: str, rng: random.Random, ag: _Agency) -> tuple[PairKind, str, str]:
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


def _goals(rng: random.Random) -> tuple[str, ...]:
    return tuple(rng.sample(GOALS, rng.randint(2, 4)))


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

    def inherit(point: _MPoint, plan: Plan, item: str, measure: str, n: int) -> None:
        prov = live[plan.file][(plan.file, item, measure, n)]
        point.frame, point.source = prov.frame, prov.source

    def ordinary(plan: Plan, item: str, old: Measure) -> list[Point]:
        return [p for p in old.points if (plan.file, item, old.code, p.n) not in novel]
    for a in range(n_agencies):
        ag = _agency(a, seed, agencies[a] if agencies else None)
        previous: Plan | None = None
        for roc in years:
            items, rng = _draft(ag, roc, seed, innovation_rate)
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
            plan = _freeze(ag, roc, items, _goals(rng))
            innovative = tuple(_ref(file, it.code, m.code, k + 1) for it in items for m in it.measures
                               for k, p in enumerate(m.points) if p.innovative)
            novel.update((r["file"], r["item"], r["measure"], r["n"]) for r in innovative)
            recent[roc].append(plan)
            previous = plan
            provenance = _provenance(file, items)
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
