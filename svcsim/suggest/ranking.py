"""How suggestions are scored and ordered, for a draft ``d`` and/or a measure ``m``.

Every number below is a keyword of :class:`Ranker` (and of :class:`~svcsim.suggest.Suggester`):

1. **Pool** (:meth:`Ranker.pool_for`). The ``pool`` texts nearest to the draft in the index; with a
   measure, also every point filed under that measure (its slot, see :mod:`svcsim.suggest.measures`)
   in other plans — and with a measure but no draft, only those. Only points of *other* agencies
   are kept.
2. **Relevance** ``r`` = cos(draft, point), or cos(measure centroid, point) when there is no draft.
3. **Copies collapse.** Texts equal after :func:`svcsim.text.match_key`, or copies/near-copies by
   :mod:`svcsim.dupes` rules, become one group; it shows its member closest to the draft and lists
   every agency using any member (``used_by``).
4. **Score** = ``(1 − w)·r̂ + w·specificity`` with ``r̂`` = ``r`` min-max scaled over the pool (so
   the encoder's cosine scale does not matter) and specificity from
   :mod:`svcsim.suggest.specificity` (rarity counts the group's agencies). ``w`` is ``spec_weight``
   (0.3) with a draft; without one it is ``browse_spec_weight`` (0.7), because closeness to the
   measure title mostly rewards points that merely restate the title — the boilerplate.
   With a draft and a measure, points of that measure get ``+ measure_bonus`` (0.15): the measure
   is a preference, not a filter, because the wording a drafter needs is often filed under a
   neighbouring measure by another agency (on the gold pairs a hard filter halved hit@5).
5. **MMR.** Pick ``k`` groups by ``λ·score − (1 − λ)·max cos(group, picked)``.

Steps 3–5 are :meth:`Ranker.rank`. A query's work is proportional to its pool, not to the corpus:
the tables it reads are precomputed by :class:`~svcsim.suggest.index.SuggestIndex`, and copy checks
go through :func:`~svcsim.suggest.copying.copy_candidates` and
:func:`~svcsim.suggest.copying.could_copy` before any alignment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from svcsim.errors import InputError
from svcsim.suggest.copying import copy_candidates, is_copy
from svcsim.suggest.index import SuggestIndex
from svcsim.suggest.measures import MeasureSlot
from svcsim.suggest.results import Suggestion
from svcsim.suggest.specificity import specificity


@dataclass(frozen=True, eq=False)
class Pool:
    """The candidates of one query, before copies collapse.

    Attributes:
        rows: index rows, in the order ties keep.
        relevance: cosine of each row to the draft (or to the measure's centroid), row-aligned.
        in_slot: rows filed under the chosen measure (they get the measure bonus with a draft).
        drafted: whether there was a draft (it chooses the specificity weight and the bonus).
    """

    rows: tuple[int, ...]
    relevance: np.ndarray
    in_slot: frozenset[int] = frozenset()
    drafted: bool = True


@dataclass
class _Group:
    rows: list[int]
    relevance: float
    gids: set[int]


class Ranker:
    """Scores and orders the suggestions of one query over a :class:`SuggestIndex` (module docstring).

    Args:
        index: the corpus's suggestion index.
        pool: how many nearest texts to consider before grouping and diversifying.
        spec_weight: weight of specificity against relevance in the score (0 = relevance only).
        browse_spec_weight: the same weight when there is no draft, only a measure.
        measure_bonus: score added to points of the chosen measure when there is also a draft.
        mmr_lambda: MMR trade-off; 1 = no diversification.

    Raises:
        InputError: a weight, the bonus or ``mmr_lambda`` outside [0, 1].
    """

    def __init__(self, index: SuggestIndex, *, pool: int = 64, spec_weight: float = 0.3,
                 browse_spec_weight: float = 0.7, measure_bonus: float = 0.15, mmr_lambda: float = 0.75) -> None:
        for name, v in (("spec_weight", spec_weight), ("browse_spec_weight", browse_spec_weight),
                        ("measure_bonus", measure_bonus), ("mmr_lambda", mmr_lambda)):
            if not 0.0 <= v <= 1.0:
                raise InputError(name, f"must lie in [0, 1], got {v}")
        self.index = index
        self.pool = pool
        self.spec_weight = spec_weight
        self.browse_spec_weight = browse_spec_weight
        self.measure_bonus = measure_bonus
        self.mmr_lambda = mmr_lambda

    def pool_for(self, q: np.ndarray | None, slot: MeasureSlot | None, agency: str | None,
                 near_rows: list[int], near_rel: np.ndarray) -> Pool:
        """The candidates for a draft vector ``q`` and/or a measure ``slot`` (step 1 of the module docstring).

        ``near_rows``/``near_rel`` are the draft's nearest rows from
        :meth:`SuggestIndex.nearest_rows` (at least ``pool`` of them; ignored without a draft).
        """
        index = self.index
        if slot is not None and q is None:
            browse_rows, browse_rel = index.slot_browse(slot)
            keep = np.flatnonzero(index.has_other(browse_rows, agency))[: self.pool]
            rows = browse_rows[keep].tolist()
            return Pool(tuple(rows), browse_rel[keep], frozenset(rows), drafted=False)
        if slot is not None:
            # The slot's rows first (ascending), then pool rows from outside it: the order ties keep.
            slot_rows = index.slot_rows(slot)
            slot_rows = slot_rows[index.has_other(slot_rows, agency)]
            near = np.asarray(near_rows[: self.pool], dtype=np.int64)
            arr = np.concatenate([slot_rows, near[~np.isin(near, slot_rows)]])
            rel = index.vectors[arr] @ q if len(arr) else np.zeros(0, np.float32)
            order = _top_stable(rel, 2 * self.pool)
            rows = arr[order].tolist()
            in_slot = frozenset(np.asarray(rows, dtype=np.int64)[np.isin(arr[order], slot_rows)].tolist())
            return Pool(tuple(rows), rel[order], in_slot, drafted=q is not None)
        return Pool(tuple(near_rows[: self.pool]), near_rel[: self.pool], drafted=q is not None)

    def rank(self, pool: Pool, agency: str | None, k: int) -> tuple[Suggestion, ...]:
        """Up to ``k`` suggestions from ``pool``: copies collapsed, scored, diversified (steps 3–5)."""
        groups = self._group(pool.rows, pool.relevance)
        w = self.spec_weight if pool.drafted else self.browse_spec_weight
        bonus = self.measure_bonus if pool.drafted else 0.0
        return self._rank(groups, pool.relevance, agency, k, w, pool.in_slot, bonus)

    # -- internals -------------------------------------------------------------------------------
    def _group(self, rows: tuple[int, ...], rel: np.ndarray) -> list[_Group]:
        index = self.index
        groups: list[_Group] = []
        by_gid: dict[int, _Group] = {}
        maybe = copy_candidates([index.shingles[r] for r in rows])
        pos = {r: i for i, r in enumerate(rows)}
        heads: list[int] = []  # position in ``rows`` of each group's first row
        for r, s in zip(rows, rel.tolist()):
            gid = int(index.key_group[r])
            g = by_gid.get(gid)
            if g is None and heads:
                for gi in np.flatnonzero(maybe[pos[r], heads]).tolist():
                    head = groups[gi].rows[0]
                    if is_copy(index.texts[r], index.texts[head]):
                        g = groups[gi]
                        break
            if g is None:
                g = _Group([r], float(s), {gid})
                groups.append(g)
                heads.append(pos[r])
            else:
                g.rows.append(r)
                g.gids.add(gid)
            by_gid[gid] = g
        return groups

    def _spread(self, g: _Group, used_by: tuple[str, ...]) -> int:
        """Agencies a text counts as used by, for rarity: a point that only restates its measure's
        title is as common as the title itself, i.e. the whole slot."""
        rep = g.rows[0]
        e = self.index.points_of(rep)[0]
        if e.measure_title and is_copy(self.index.texts[rep], e.measure_title):
            return len(self.index.agencies)
        return len(used_by)

    def _used_by(self, g: _Group) -> tuple[str, ...]:
        agencies: set[str] = set()
        for gid in g.gids:
            agencies |= self.index.group_agencies(gid)
        return tuple(sorted(agencies))

    def _rank(self, groups: list[_Group], rel: np.ndarray, agency: str | None, k: int,
              w: float, in_slot: frozenset[int] = frozenset(), bonus: float = 0.0) -> tuple[Suggestion, ...]:
        if not groups:
            return ()
        index = self.index
        lo, hi = (float(rel.min()), float(rel.max())) if len(rel) else (0.0, 1.0)
        span = hi - lo
        total = len(index.agencies)
        cands = []
        for g in groups:
            used_by = self._used_by(g)
            rep = g.rows[0]
            spec = specificity(index.texts[rep], n_agencies=self._spread(g, used_by), total_agencies=total)
            r_hat = (g.relevance - lo) / span if span > 1e-9 else 1.0
            score = (1 - w) * r_hat + w * spec + (bonus if any(r in in_slot for r in g.rows) else 0.0)
            cands.append((g, used_by, spec, score))
        reps = np.stack([index.vectors[g.rows[0]] for g, *_ in cands])
        chosen: list[int] = []
        max_sim = np.full(len(cands), -np.inf, dtype=np.float32)
        lam = self.mmr_lambda
        while len(chosen) < min(k, len(cands)):
            best, best_val = -1, -np.inf
            for i, (_, _, _, score) in enumerate(cands):
                if i in chosen:
                    continue
                val = lam * score - (1 - lam) * (max_sim[i] if chosen else 0.0)
                if val > best_val + 1e-12:
                    best, best_val = i, val
            chosen.append(best)
            max_sim = np.maximum(max_sim, reps @ reps[best])
        out = []
        for i in chosen:
            g, used_by, spec, score = cands[i]
            members = [e for r in g.rows for e in index.other_points(r, agency)]
            out.append(Suggestion(entry=members[0], score=float(score), relevance=float(g.relevance),
                                  specificity=float(spec), used_by=used_by, copies=tuple(members[1:])))
        return tuple(out)


def _top_stable(scores: np.ndarray, m: int) -> np.ndarray:
    """``np.argsort(-scores, kind="stable")[:m]`` without sorting all of ``scores``."""
    neg = -scores
    if m >= len(neg):
        return np.argsort(neg, kind="stable")
    kth = np.partition(neg, m - 1)[m - 1]
    cand = np.flatnonzero(neg <= kth)  # ascending positions, so the stable sort keeps ties in order
    return cand[np.argsort(neg[cand], kind="stable")][:m]
