"""What ``svcsim dupes`` lists by default: the pairs that are not template text, and how many are.

At 100k points the city's template text alone is ~6·10⁷ copy pairs; producing each one only to drop
it cost minutes before the first useful line. :func:`without_template` skips such blocks whole and
counts them by arithmetic, giving exactly the stream and count of filtering on ``pair.template``.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from svcsim.dupes.pairset import DupePair, PairSet


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
    # each unit's copy group, or -1 when its rows sit in several (then pairs are checked one by one)
    unit_group = np.full(len(pairs.units), -1, dtype=np.int64)
    for u, rs in enumerate(pairs.units):
        if rs:
            first = int(g.group[rs[0]])
            if all(int(g.group[r]) == first for r in rs):
                unit_group[u] = first
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
        gu, gv = unit_group[pairs.cross_u], unit_group[pairs.cross_v]
        whole = (gu >= 0) & (gu == gv)
        drop = whole & template[np.maximum(gu, 0)]
        skipped[0] += int(np.dot(sizes[pairs.cross_u[drop]], sizes[pairs.cross_v[drop]]))
        keep = np.flatnonzero(~drop)
        step = 65536
        for s0 in range(0, len(keep), step):
            idx = keep[s0 : s0 + step]
            for u, v, lexical, sure in zip(pairs.cross_u[idx].tolist(), pairs.cross_v[idx].tolist(),
                                           pairs.cross_lexical[idx].tolist(), whole[idx].tolist()):
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
