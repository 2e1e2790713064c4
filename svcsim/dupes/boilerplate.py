"""Boilerplate: which texts come from the city template, how widely each text is carried, reuse clusters.

Copies chain: agency B copies A, C copies B with an edit. We therefore work on *copy groups*, the
connected components of the graph whose edges are ``copy``/``near_copy`` pairs (within a plan too).

**Template rule** — a copy group is template text, not one agency copying another, when

1. it contains an entry of the standard opening row (item ``"0"``, 訂定「提升服務計畫」): every
   plan must have it and the city prescribes its wording;
2. it is a group of measure titles carried by ≥ 2 agencies at the *same* item and measure code:
   the city's 提升服務實施計畫 fixes the 執行要項/具體措施 skeleton, so the same title in the same
   slot is the template, whereas a title moved to another slot was chosen by the agency;
3. or it spans at least ``max(min_agencies, ceil(min_share × agencies in the corpus))`` agencies
   (default 3 and 50 %): a sentence half the city repeats is boilerplate whoever wrote it first.

Pairs inside a template group keep their label (``copy``/``near_copy``) with ``template=True``;
plan originality and the agency overlap ignore them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from svcsim.model import Entry


@dataclass(frozen=True)
class TemplateRule:
    """When a copy group counts as template text (see module docstring).

    Attributes:
        min_agencies: a group carried by this many agencies or more can be template (rule 3).
        min_share: ... and by at least this share of the corpus' agencies.
        opening_items: item codes of the standard opening row (rule 1).
    """

    min_agencies: int = 3
    min_share: float = 0.5
    opening_items: tuple[str, ...] = ("0",)


@dataclass(frozen=True)
class CopyGroups:
    """Connected components of the copy graph over entry rows.

    Attributes:
        group: ``group[i]`` is the component id of row ``i`` (rows with no copy are singletons).
        template: ``template[g]`` is whether component ``g`` is template text.
    """

    group: np.ndarray
    template: np.ndarray

    def members(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for row, g in enumerate(self.group.tolist()):
            out.setdefault(g, []).append(row)
        return out


def copy_groups(entries: Sequence[Entry], edges: Sequence[tuple[int, int]] | np.ndarray,
                rule: TemplateRule = TemplateRule()) -> CopyGroups:
    """Components of the copy graph and the template flag of each (rows index ``entries``).

    ``edges`` may be a list of row pairs or an ``(m, 2)`` int array (a million-point corpus has
    ~10⁸ of them). Component ids follow the smallest row of each component, so they are stable.
    """
    from svcsim.dupes._groups_jit import _smallest_roots

    n = len(entries)
    e = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    if len(e) and (e.min() < 0 or e.max() >= n):
        raise IndexError(f"copy_groups: an edge names row {int(e.max()) if e.max() >= n else int(e.min())}, "
                         f"there are {n} rows")
    # union-find (~0.04 s for 5·10⁶ edges where building a sparse graph took ~0.4 s)
    roots = _smallest_roots(n, np.ascontiguousarray(e[:, 0]), np.ascontiguousarray(e[:, 1]))
    _, group = np.unique(roots, return_inverse=True)
    group = group.reshape(-1).astype(np.int64)
    n_agencies = len({e.agency for e in entries})
    need = max(rule.min_agencies, math.ceil(rule.min_share * n_agencies))
    template = np.zeros(int(group.max()) + 1 if n else 0, dtype=bool)
    by_group: dict[int, list[int]] = {}
    for row, g in enumerate(group.tolist()):
        by_group.setdefault(g, []).append(row)
    for g, rows in by_group.items():
        if len(rows) < 2:
            continue
        members = [entries[r] for r in rows]
        agencies = {e.agency for e in members}
        if any(e.item in rule.opening_items for e in members):
            template[g] = True
        elif len(agencies) >= need:
            template[g] = True
        elif len(agencies) >= 2 and all(e.kind == "measure_title" for e in members):
            slots: dict[tuple[str, str], set[str]] = {}
            for e in members:
                if e.measure:
                    slots.setdefault((e.item, e.measure), set()).add(e.agency)
            template[g] = any(len(a) >= 2 for a in slots.values())
    return CopyGroups(group=group, template=template)


@dataclass(frozen=True)
class BoilerplateCount:
    """How widely one entry's text is carried.

    Attributes:
        entry: the entry.
        n_agencies: other agencies whose plans carry a copy or near copy of it (its copy group).
        n_plans: other plans (any agency) that carry one.
        template: whether its copy group is template text.
    """

    entry: Entry
    n_agencies: int
    n_plans: int
    template: bool


def boilerplate_counts(entries: Sequence[Entry], groups: CopyGroups) -> list[BoilerplateCount]:
    """One :class:`BoilerplateCount` per entry, in entry order."""
    n = len(entries)
    if not n:
        return []
    g = np.asarray(groups.group, dtype=np.int64)
    n_groups = int(g.max()) + 1
    # per group once, as integer codes: a template sentence can be carried by thousands of entries
    size = np.bincount(g, minlength=n_groups)
    n_agencies = _distinct_per_group(g, _codes([e.agency for e in entries]), n_groups)[g] - 1
    n_plans = _distinct_per_group(g, _codes([(e.file, e.plan_id) for e in entries]), n_groups)[g] - 1
    template = (np.asarray(groups.template, dtype=bool) & (size > 1))[g]
    return [BoilerplateCount(entry=e, n_agencies=a, n_plans=p, template=t)
            for e, a, p, t in zip(entries, n_agencies.tolist(), n_plans.tolist(), template.tolist())]


def _codes(values: Sequence) -> np.ndarray:
    """An int64 code per value (equal values, equal codes; in first-seen order)."""
    seen: dict = {}
    return np.fromiter((seen.setdefault(v, len(seen)) for v in values), dtype=np.int64, count=len(values))


def _distinct_per_group(group: np.ndarray, code: np.ndarray, n_groups: int) -> np.ndarray:
    """How many distinct ``code`` values each group holds (at least ``n_groups`` groups)."""
    if not len(code):
        return np.zeros(n_groups, dtype=np.int64)
    m = int(code.max()) + 1
    pairs = np.unique(group * m + code)
    return np.bincount(pairs // m, minlength=n_groups)


@dataclass(frozen=True)
class ReuseCluster:
    """A text copied across plans.

    Attributes:
        id: running number, clusters ordered by size (largest first) then earliest member.
        members: every entry of the group, in (year, file, id) order.
        source: the member of the earliest plan (year, then file): the likely original.
        canonical: the medoid (highest mean cosine to the other members): the typical wording.
        agencies: distinct agencies, sorted.
        n_plans: distinct plans.
        template: whether the group is template text.
    """

    id: int
    members: tuple[Entry, ...]
    source: Entry
    canonical: Entry
    agencies: tuple[str, ...]
    n_plans: int
    template: bool


def plan_order(e: Entry) -> tuple:
    """Chronological sort key: year (unknown last), file, id."""
    return (e.year if e.year is not None else 10**6, e.file, e.id)


def reuse_clusters(entries: Sequence[Entry], vectors: np.ndarray, groups: CopyGroups) -> list[ReuseCluster]:
    """Copy groups spanning ≥ 2 plans, with their likely source and canonical text."""
    n = len(entries)
    if not n:
        return []
    g = np.asarray(groups.group, dtype=np.int64)
    n_groups = int(g.max()) + 1
    multi = _distinct_per_group(g, _codes([(e.file, e.plan_id) for e in entries]), n_groups)
    # each group's rows in plan order (year, unknown last; file; id): one sort of every row
    chrono = np.empty(n, dtype=np.int64)
    chrono[sorted(range(n), key=lambda r: plan_order(entries[r]))] = np.arange(n)
    by = np.lexsort((chrono, g))
    bounds = np.flatnonzero(np.r_[True, g[by][1:] != g[by][:-1], True])
    found = []
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        gid = int(g[by[a]])
        if multi[gid] < 2:
            continue
        rows = by[a:b].tolist()
        v = vectors[rows].astype(np.float64)
        # Row sums of v @ v.T without the n × n matrix (a template group can hold 10⁴ entries);
        # rounded so float noise between identical texts cannot pick a later one.
        score = np.round(v @ v.sum(axis=0) / len(rows), 6)
        medoid = rows[int(np.argmax(score))]  # argmax takes the first on ties: deterministic
        found.append((rows, medoid, int(multi[gid]), bool(groups.template[gid])))
    found.sort(key=lambda f: (-len(f[0]), int(chrono[f[0][0]])))
    return [
        ReuseCluster(
            id=i,
            members=tuple(entries[r] for r in rows),
            source=entries[rows[0]],
            canonical=entries[medoid],
            agencies=tuple(sorted({entries[r].agency for r in rows})),
            n_plans=n_plans,
            template=template,
        )
        for i, (rows, medoid, n_plans, template) in enumerate(found)
    ]
