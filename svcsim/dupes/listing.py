"""What ``svcsim dupes`` lists by default: the pairs that are not template text, and how many are.

At 100k points the city's template text alone is ~6·10⁷ copy pairs; producing each one only to drop
it cost minutes before the first useful line. :func:`without_template` skips such blocks whole and
counts them by arithmetic, giving exactly the stream and count of filtering on ``pair.template``.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from svcsim.dupes.pairset import DupePair, PairSet

_BLOCK = 65536  # cross pairs tested at a time


def _unit_groups(pairs: PairSet) -> np.ndarray:
    """Each unit's copy group, or -1 when its rows sit in several (kept on ``pairs``: the report
    both counts and lists, and each pass over 10⁵ rows' lists costs ~0.05 s)."""
    got = pairs.__dict__.get("_unit_groups")
    if got is None:
        got = pairs.__dict__["_unit_groups"] = _find_unit_groups(pairs)
    return got


def _find_unit_groups(pairs: PairSet) -> np.ndarray:
    group = np.asarray(pairs.groups.group, dtype=np.int64)
    sizes = np.fromiter((len(rs) for rs in pairs.units), dtype=np.int64, count=len(pairs.units))
    unit_group = np.full(len(pairs.units), -1, dtype=np.int64)
    if not sizes.any():
        return unit_group
    rows = np.fromiter((r for rs in pairs.units for r in rs), dtype=np.int64, count=int(sizes.sum()))
    g = group[rows]
    full = np.flatnonzero(sizes > 0)
    starts = np.r_[0, np.cumsum(sizes)][:-1][full]
    lo, hi = np.minimum.reduceat(g, starts), np.maximum.reduceat(g, starts)
    unit_group[full] = np.where(lo == hi, lo, -1)
    return unit_group


def template_count(pairs: PairSet) -> int:
    """How many pairs of ``pairs`` are template text (``pair.template``), counted without producing
    any: what :func:`without_template` leaves out, known before its stream is read.

    >>> import svcsim
    >>> from svcsim.dupes import analyse
    >>> from svcsim.model import Item, Measure, Plan, Point
    >>> corpus = svcsim.open_corpus(":memory:")
    >>> for i, agency in enumerate(["甲局", "乙局", "丙局"]):
    ...     pts = (Point(1, "設置單一服務窗口，提供民眾便捷服務。"), Point(2, f"辦理第{i}種志工教育訓練課程"))
    ...     _ = corpus.add_plan(Plan(file=f"{i}.txt", agency=agency, roc_year=113, title="計畫",
    ...                              items=(Item("一", "便民", (Measure("(一)", "單一窗口", pts),)),)))
    >>> pairs = analyse(svcsim.embed_corpus(corpus, "hash").of_kind("point")).pairs
    >>> template_count(pairs), sum(p.template for p in pairs)
    (3, 3)
    """
    labels = pairs._labels()
    if "copy" not in labels and "near_copy" not in labels:
        return 0
    g = pairs.groups
    template = np.asarray(g.template, dtype=bool)
    group = np.asarray(g.group)

    def tmpl(ra: int, rb: int) -> bool:
        return group[ra] == group[rb] and bool(template[group[ra]])

    unit_group = _unit_groups(pairs)
    sizes = np.fromiter((len(rs) for rs in pairs.units), dtype=np.int64, count=len(pairs.units))
    keyed = np.fromiter(map(bool, pairs.keys), dtype=bool, count=len(pairs.keys))
    in_one = np.flatnonzero((sizes >= 2) & keyed & (unit_group >= 0))
    in_one = in_one[template[unit_group[in_one]]]  # units all in one template group
    n = 0
    if labels == ("copy",):  # only the copies: pairs of rows with equal strict keys
        for u in in_one.tolist():
            counts: dict[str, int] = {}
            for sk in map(pairs.strict, pairs.units[u]):
                counts[sk] = counts.get(sk, 0) + 1
            n += sum(m * (m - 1) // 2 for m in counts.values())
    else:
        n += int((sizes[in_one] * (sizes[in_one] - 1) // 2).sum())
    for u in np.flatnonzero((sizes >= 2) & keyed & (unit_group < 0)).tolist():
        # rows in several groups: pair by pair (copies are the equal strict keys)
        rs = pairs.units[u]
        n += sum(tmpl(rs[i], rs[j]) for i in range(len(rs)) for j in range(i + 1, len(rs))
                 if labels != ("copy",) or pairs.strict(rs[i]) == pairs.strict(rs[j]))
    if "near_copy" in labels:
        # block by block: 5·10⁶ pairs at once made ~10 temporary arrays of 40 MB (page faults, not work)
        for s0 in range(0, len(pairs.cross_u), _BLOCK):
            cu, cv = pairs.cross_u[s0:s0 + _BLOCK], pairs.cross_v[s0:s0 + _BLOCK]
            gu, gv = unit_group[cu], unit_group[cv]
            whole = (gu >= 0) & (gu == gv)
            drop = whole & template[np.maximum(gu, 0)]
            n += int(np.dot(sizes[cu[drop]], sizes[cv[drop]]))
            for u, v in zip(cu[~whole].tolist(), cv[~whole].tolist()):
                n += sum(tmpl(ra, rb) for ra in pairs.units[u] for rb in pairs.units[v])
    return n


def without_template(pairs: PairSet) -> tuple[Iterator[DupePair], list[int]]:
    """The stream without template pairs, and a one-item list that holds, once the stream is
    exhausted, how many template pairs it left out.

    The same pairs in the same order as filtering ``iter(pairs)`` on ``pair.template``, but a unit
    or block whose rows all sit in one template copy group is skipped whole and counted by
    arithmetic: at 100k points template text is ~10⁷ pairs, produced only to be dropped.
    """
    skipped = [0]
    labels = pairs._labels()
    g = pairs.groups
    unit_group = _unit_groups(pairs)  # -1: rows in several groups, their pairs are checked one by one
    template = np.asarray(g.template, dtype=bool)
    unit_flag = np.where(unit_group >= 0, template[np.maximum(unit_group, 0)], False)  # all template
    sizes = np.fromiter((len(rs) for rs in pairs.units), dtype=np.int64, count=len(pairs.units))
    both = "copy" in labels and "near_copy" in labels

    def within(same_strict: bool) -> Iterator[DupePair]:
        for u, (rs, key) in enumerate(zip(pairs.units, pairs.keys)):
            if len(rs) < 2 or not key:
                continue
            if unit_flag[u]:
                n = len(rs) * (len(rs) - 1) // 2
                if both:  # copies and near copies both listed: count the unit's pairs once
                    skipped[0] += n if same_strict else 0
                    continue
                # pairs with equal strict keys are copies, the others near copies
                counts: dict[str, int] = {}
                for r in rs:
                    sk = pairs.strict(r)
                    counts[sk] = counts.get(sk, 0) + 1
                copies = sum(m * (m - 1) // 2 for m in counts.values())
                skipped[0] += copies if same_strict else n - copies
                continue
            mixed = unit_group[u] < 0
            for p in pairs._within(same_strict=same_strict, unit=u):
                if mixed and p.template:
                    skipped[0] += 1
                else:
                    yield p

    def cross() -> Iterator[DupePair]:
        # block by block: the first lines come before the template test of 10⁷ blocks (0.3 s at 100k)
        step = _BLOCK
        for s0 in range(0, len(pairs.cross_u), step):
            cu, cv = pairs.cross_u[s0 : s0 + step], pairs.cross_v[s0 : s0 + step]
            gu, gv = unit_group[cu], unit_group[cv]
            whole = (gu >= 0) & (gu == gv)
            drop = whole & template[np.maximum(gu, 0)]
            skipped[0] += int(np.dot(sizes[cu[drop]], sizes[cv[drop]]))
            keep = np.flatnonzero(~drop)
            for u, v, lexical, sure in zip(cu[keep].tolist(), cv[keep].tolist(),
                                           pairs.cross_lexical[s0 : s0 + step][keep].tolist(), whole[keep].tolist()):
                for p in pairs._cross_pairs(u, v, round(lexical, 4)):
                    if not sure and p.template:
                        skipped[0] += 1
                    else:
                        yield p

    def stream() -> Iterator[DupePair]:
        for label in labels:
            if label == "copy":
                yield from within(True)
            elif label == "near_copy":
                yield from within(False)
                yield from cross()
            else:
                yield from pairs.iter_label(label)  # weaker pairs are never template

    return stream(), skipped
