"""One agency's plan drafted from the phrase bank, before anything is copied into it.

An agency (:func:`agency_for`) is a name, a kind (局, 區公所, …), its units, a topic and a few
habits of layout, all drawn from the seed. :func:`draft_plan` fills the city template's measures
with points from the bank (and, rarely, an innovative one) as mutable drafts, which
:mod:`svcsim.synth.generate` then plants copies and reuse in, before :func:`freeze_plan` turns them
into a :class:`~svcsim.model.Plan` and :func:`provenance_of` records where each text came from.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from svcsim.model import Item, Measure, Plan, Point
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
from svcsim.synth.truth import Provenance, RefKey

_N_POINTS = (1, 2, 3, 4, 5)
_N_WEIGHTS = (15, 25, 30, 20, 10)


# ---------------------------------------------------------------------------- agencies


@dataclass(frozen=True)
class Agency:
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


def agency_for(index: int, seed: int, name: str | None) -> Agency:
    rng = random.Random(f"svcsim.synth:agency:{seed}:{index}")
    if name is None:
        name, kind = agency_name(index)
    else:
        kind = _kind_for(name)
    short = name.removeprefix("高雄市政府").removeprefix("高雄市") or name
    units = tuple(rng.sample(kind.units, rng.randint(3, len(kind.units))))
    return Agency(
        index=index, name=name, short=short, kind=kind, units=units,
        topic=rng.choice(kind.topics), per_point_units=rng.random() < 0.2,
        spaced=rng.random() < 0.5,
        title_form=rng.choice(("{roc} 年度提升服務執行計畫", "{roc}年度提升服務執行計畫",
                               "{roc} 年度提升服務品質執行計畫", "{roc}年度提升服務計畫")),
    )


# ---------------------------------------------------------------------------- plans


@dataclass
class DraftPoint:  # mutable while the plan is being assembled
    text: str
    unit: str | None
    innovative: bool = False
    planted: bool = False
    frame: str = ""
    source: RefKey | None = None  # None: filled fresh here, so its own ref


@dataclass
class DraftMeasure:
    code: str
    title: str
    points: list[DraftPoint]
    units: list[str]


@dataclass
class DraftItem:
    code: str
    title: str
    measures: list[DraftMeasure]


def draft_plan(ag: Agency, roc: int, seed: int, innovation_rate: float) -> tuple[list[DraftItem], random.Random]:
    rng = random.Random(f"svcsim.synth:plan:{seed}:{ag.index}:{roc}")
    items: list[DraftItem] = []
    if not ag.per_point_units:  # the per-point-unit layout comes from district offices that skip row 0
        tpl = rng.choice(ITEM0_POINTS)
        text = fill(tpl, rng, ag.kind, ag.units, ag.topic, spaced=ag.spaced)
        point = DraftPoint(text, None, frame=f"0#{ITEM0_POINTS.index(tpl)}")
        measure = DraftMeasure("", ITEM0_MEASURES[ag.index % 2], [point], [ag.units[0]])
        items.append(DraftItem("0", ITEM0_TITLE, [measure]))
    for code, title, measures in TEMPLATE:
        mitems: list[DraftMeasure] = []
        for mcode, mtitle in measures:
            key = code + mcode
            bank = POINTS[key]
            n = min(rng.choices(_N_POINTS, _N_WEIGHTS)[0], len(bank))
            pts = []
            for tpl in rng.sample(bank, n):
                text = fill(vary(tpl, rng), rng, ag.kind, ag.units, ag.topic, spaced=ag.spaced)
                unit = rng.choice(ag.units + (ag.kind.all_units,)) if ag.per_point_units else None
                pts.append(DraftPoint(text, unit, frame=f"{key}#{bank.index(tpl)}"))
            if rng.random() < innovation_rate:
                tpl = rng.choice(INNOVATIVE)
                text = fill(tpl, rng, ag.kind, ag.units, ag.topic, spaced=ag.spaced)
                pts.insert(rng.randint(0, len(pts)), DraftPoint(text, pts[0].unit, innovative=True,
                                                                frame=f"innovative#{INNOVATIVE.index(tpl)}"))
            if ag.per_point_units:
                units = [p.unit for p in pts if p.unit]
            elif rng.random() < 0.3:
                units = [ag.kind.all_units]
            else:
                units = rng.sample(ag.units, rng.randint(1, min(4, len(ag.units))))
            mitems.append(DraftMeasure(mcode, mtitle, pts, units))
        items.append(DraftItem(code, title, mitems))
    return items, rng


def freeze_plan(ag: Agency, roc: int, items: list[DraftItem], goals: tuple[str, ...]) -> Plan:
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


def provenance_of(file: str, items: list[DraftItem]) -> dict[RefKey, Provenance]:
    out: dict[RefKey, Provenance] = {}
    for it in items:
        for m in it.measures:
            title = (file, it.code, m.code, None)
            out[title] = Provenance(f"title:{it.code}{m.code}", title)  # titles: the city template's slot
            for k, p in enumerate(m.points):
                ref = (file, it.code, m.code, k + 1)
                out[ref] = Provenance(p.frame, p.source or ref)
    return out


def pick_goals(rng: random.Random) -> tuple[str, ...]:
    return tuple(rng.sample(GOALS, rng.randint(2, 4)))
