"""Which standard measures a draft plan lacks, or fills only with copied template text.

A measure is *standard* when more than half of the corpus's agencies (other than the drafter's)
have it — the slots of :mod:`svcsim.suggest.measures`. Each draft measure is matched to a slot by
the same rule that builds the slots (title lift, code as a hint), one draft measure per slot. A
matched measure is *boilerplate* when it has no points or every point is a copy or near-copy
(:mod:`svcsim.dupes` rules) of another agency's point: the drafter kept the template and wrote
nothing of their own.
"""

from __future__ import annotations

import numpy as np

from svcsim.errors import InputError
from svcsim.model import Plan
from svcsim.suggest.measures import SAME_CODE_LIFT, SAME_LIFT
from svcsim.suggest.results import CheckFinding, CheckReport
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
    others = {a for a in suggester.agencies if a != agency}
    standard = [i for i, s in enumerate(cat.slots) if others and 2 * len(s.agencies - {agency}) > len(others)]

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
    return CheckReport(agency=agency, n_standard=len(standard), findings=tuple(findings))
