"""Which standard measures a draft plan lacks, or fills only with copied template text.

The city's template changes between years (measures renamed, added, renumbered), so a draft is
held to its own *template version*: the plans of the corpus from the draft's year, or from the
nearest years that have plans, widened year by year until at least :data:`MIN_REFERENCE_AGENCIES`
other agencies are in (a draft of unknown year is held to the latest years). A measure is
*standard* when more than half of those agencies have it in those years: the slots of
:mod:`svcsim.suggest.measures`, which group measures by title across years, not by code.

Each draft measure is matched to a slot by the rule that builds the slots (title lift, code as a
hint), one draft measure per slot. A matched measure is *boilerplate* when it has no points or every
point is a copy or near-copy (:mod:`svcsim.dupes` rules) of another agency's point: the drafter kept
the template and wrote nothing of their own. Every draft point that copies another agency's point is
listed too (``copied_points``), with its source and spans.
"""

from __future__ import annotations

import numpy as np

from svcsim.errors import InputError
from svcsim.model import Plan
from svcsim.suggest.measures import SAME_CODE_LIFT, SAME_LIFT
from svcsim.suggest.results import CheckFinding, CheckReport, CopiedPoint
from svcsim.suggest.suggester import Suggester


def check_plan(plan: Plan, suggester: Suggester, *, n_examples: int = 3) -> CheckReport:
    """Check a draft plan against the corpus's standard measures.

    Args:
        plan: the draft, e.g. from ``svcsim.parse_file(path)``.
        suggester: a :class:`~svcsim.suggest.Suggester` over the corpus.
        n_examples: best versions from other agencies to attach to each finding.

    Returns:
        A :class:`CheckReport`; its findings follow the standard measures' code order.

    >>> report = check_plan(svcsim.parse_file("草稿.txt"), suggester)          # doctest: +SKIP
    >>> [(f.kind, f.measure.code) for f in report.findings]                  # doctest: +SKIP
    [('boilerplate', '一(一)'), ('missing', '三(四)')]
    """
    if not isinstance(plan, Plan):
        raise InputError("plan", f"expected a svcsim.Plan (e.g. from svcsim.parse_file), got {type(plan).__name__}")
    cat = suggester.index.catalogue
    agency = suggester.own_agency(plan.agency) or plan.agency
    years = reference_years(_agencies_by_year(cat.measures, agency), plan.year)
    others = {m.agency for m in cat.measures if m.agency != agency and m.year in years}
    standard = [i for i, slot in enumerate(cat.slots)
                if others and 2 * len({cat.measures[j].agency for j in slot.members
                                       if cat.measures[j].year in years} - {agency}) > len(others)]

    draft_measures = [(it, m) for it in plan.items for m in it.measures]
    titles = [m.title for _, m in draft_measures]
    vecs = suggester.encoder.encode(titles, kind="passage") if titles else None
    # Strongest matches first, so a weakly similar measure cannot take a slot its true match needs.
    slot_matrix = np.stack([s.vector for s in cat.slots]).T if cat.slots else None
    matches = []
    for j, (_item, m) in enumerate(draft_measures):
        if not m.title:
            continue
        lifts = cat.lift(vecs[j] @ slot_matrix)
        matches.extend((float(lifts[s]), j, s) for s in standard)
    matches.sort(key=lambda x: (-x[0], x[1], x[2]))
    slot_of: dict[int, int] = {}
    used: set[int] = set()
    for lift, j, s in matches:
        if s in slot_of or j in used:
            continue
        it, m = draft_measures[j]
        ref = cat.slots[s].ref
        same_code = bool(m.code) and (it.code, m.code) == (ref.item, ref.measure)
        if lift >= (SAME_CODE_LIFT if same_code else SAME_LIFT):
            slot_of[s] = j
            used.add(j)
    # Untitled draft measures (a lost title cell) can still claim a free slot by their code.
    for j, (it, m) in enumerate(draft_measures):
        if j in used or m.title or not m.code:
            continue
        for s in standard:
            ref = cat.slots[s].ref
            if s not in slot_of and (ref.item, ref.measure) == (it.code, m.code):
                slot_of[s] = j
                used.add(j)
                break

    findings = []
    for s in standard:
        slot = cat.slots[s]
        if s not in slot_of:
            findings.append(CheckFinding("missing", slot.ref, "", suggester.examples(slot, agency=agency,
                                                                                       k=n_examples)))
            continue
        it, m = draft_measures[slot_of[s]]
        copied = all(suggester.copy_source(p.text, agency=agency, slot=slot) is not None for p in m.points)
        if copied:
            findings.append(CheckFinding("boilerplate", slot.ref, f"{it.code}{m.code}",
                                         suggester.examples(slot, agency=agency, k=n_examples)))
    return CheckReport(agency=agency, n_standard=len(standard), findings=tuple(findings),
                       reference_years=tuple(sorted(y for y in years if y is not None)),
                       copied_points=_copied_points(draft_measures, suggester, agency, slot_of, cat))


MIN_REFERENCE_AGENCIES = 3


def _agencies_by_year(measures, own: str) -> dict[int | None, set[str]]:
    by_year: dict[int | None, set[str]] = {}
    for m in measures:
        if m.agency != own:
            by_year.setdefault(m.year, set()).add(m.agency)
    return by_year


def reference_years(by_year: dict[int | None, set[str]], year: int | None) -> set[int | None]:
    """The years whose plans set the standard for a draft of ``year`` (see the module docstring).

    >>> reference_years({2016: {"甲", "乙", "丙"}, 2024: {"甲", "乙"}, 2025: {"丙", "丁"}}, 2025)
    {2024, 2025}
    >>> sorted(reference_years({2016: {"甲", "乙", "丙"}, 2024: {"甲", "乙"}}, 2015))
    [2016]
    """
    if not by_year:
        return set()
    known = [y for y in by_year if y is not None]
    if not known:
        return {None}
    target = max(known) if year is None else year
    chosen: set[int | None] = set()
    agencies: set[str] = set()
    for y in sorted(known, key=lambda y: (abs(y - target), -y)):
        chosen.add(y)
        agencies |= by_year[y]
        if len(agencies) >= MIN_REFERENCE_AGENCIES:
            break
    if len(agencies) < MIN_REFERENCE_AGENCIES and None in by_year:
        chosen.add(None)  # plans of unknown year fill in only when the dated ones are too few
    return chosen


def _copied_points(draft_measures, suggester: Suggester, agency: str, slot_of: dict[int, int],
                   cat) -> tuple[CopiedPoint, ...]:
    """Every draft point that copies another agency's point (same-key texts, its measure's points and
    the nearest texts), in draft order."""
    slot_for = {j: cat.slots[s] for s, j in slot_of.items()}
    points = [(j, it, m, p) for j, (it, m) in enumerate(draft_measures) for p in m.points if p.text.strip()]
    if not points:
        return ()
    vecs = suggester.encoder.encode([p.text for *_, p in points], kind="query")
    out = []
    for (j, it, m, p), v in zip(points, vecs):
        warning = suggester.copy_source(p.text, agency=agency, slot=slot_for.get(j), vector=v)
        if warning is not None:
            out.append(CopiedPoint(f"{it.code}{m.code}", p.n, p.text, warning))
    return tuple(out)
