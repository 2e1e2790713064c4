"""The per-group tables of :mod:`svcsim.dupes.boilerplate` (boilerplate counts, reuse clusters), the
copy groups (union-find) and the scan's units are computed with integer codes and sorts; here they
are checked against the plain loops they replaced (and scipy's connected components), on random
corpora with every template rule in play."""

from __future__ import annotations

import random

import numpy as np
import pytest

from svcsim.dupes.boilerplate import (BoilerplateCount, CopyGroups, TemplateRule, boilerplate_counts, copy_groups,
                                      plan_order, reuse_clusters)
from svcsim.model import Entry


def _loop_counts(entries, groups):
    agencies, plans, size = {}, {}, {}
    for row, e in enumerate(entries):
        g = int(groups.group[row])
        agencies.setdefault(g, set()).add(e.agency)
        plans.setdefault(g, set()).add((e.file, e.plan_id))
        size[g] = size.get(g, 0) + 1
    return [BoilerplateCount(entry=e, n_agencies=len(agencies[int(groups.group[r])]) - 1,
                             n_plans=len(plans[int(groups.group[r])]) - 1,
                             template=bool(groups.template[int(groups.group[r])]) and size[int(groups.group[r])] > 1)
            for r, e in enumerate(entries)]


def _loop_clusters(entries, vectors, groups):
    found = []
    for g, rows in groups.members().items():
        plans = {(entries[r].file, entries[r].plan_id) for r in rows}
        if len(plans) < 2:
            continue
        rows = sorted(rows, key=lambda r: plan_order(entries[r]))
        v = vectors[rows].astype(np.float64)
        score = np.round(v @ v.sum(axis=0) / len(rows), 6)
        found.append((rows, rows[int(np.argmax(score))], len(plans), bool(groups.template[g])))
    found.sort(key=lambda f: (-len(f[0]), plan_order(entries[f[0][0]])))
    return [(tuple(entries[r] for r in rows), entries[m], n, t) for rows, m, n, t in found]


def _corpus(seed: int, n: int):
    rng = random.Random(seed)
    agencies = [f"局{i}" for i in range(rng.randint(1, 7))]
    plans = [(a, y, f"{a}_{y}.txt", i) for i, (a, y) in enumerate((a, y) for a in agencies for y in (None, 2023, 2024))]
    entries = []
    for i in range(n):
        a, y, f, pid = rng.choice(plans)
        kind = rng.choice(["point", "measure_title"] if seed % 2 else ["measure_title"])
        entries.append(Entry(id=rng.randrange(10**6) * 1000 + i, kind=kind, agency=a, year=y, file=f,
                             item=rng.choice(["0", "一", "二"]), measure=rng.choice(["", "(一)", "(二)"]),
                             n=1 if kind == "point" else None, text=f"t{i}", plan_id=pid))
    edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(rng.randint(0, 2 * n))]
    vectors = np.asarray([[rng.choice([0.0, 0.5, 1.0]) for _ in range(4)] for _ in range(n)], dtype=np.float32)
    return entries, edges, vectors


@pytest.mark.parametrize("seed", range(60))
def test_group_tables_equal_the_member_loops(seed):
    entries, edges, vectors = _corpus(seed, 1 + seed % 40)
    # every rule decides some groups: opening rows, agency counts, titles held in one slot
    rule = TemplateRule(min_agencies=(2, 4, 9)[seed % 3], min_share=(0.2, 0.5, 0.9)[seed % 3],
                        opening_items=("0",) if seed % 5 else ("none",))
    groups = copy_groups(entries, edges, rule)
    assert boilerplate_counts(entries, groups) == _loop_counts(entries, groups)
    got = [(c.members, c.canonical, c.n_plans, c.template) for c in reuse_clusters(entries, vectors, groups)]
    assert got == _loop_clusters(entries, vectors, groups)
    assert [c.source for c in reuse_clusters(entries, vectors, groups)] == [m[0] for m, *_ in got]


def test_empty_corpus():
    groups = CopyGroups(group=np.zeros(0, np.int64), template=np.zeros(0, bool))
    assert copy_groups([], []).template.tolist() == []
    assert boilerplate_counts([], groups) == [] and reuse_clusters([], np.zeros((0, 4)), groups) == []


def test_pair_order_is_the_lexsort():
    from svcsim.dupes.scan import _pair_order

    rng = np.random.default_rng(1)
    for n, hi in [(0, 5), (1, 5), (50, 3), (5000, 40), (20000, 70000)]:
        cu = rng.integers(0, hi, n).astype(np.int32)
        cv = (cu + rng.integers(1, 5, n)).astype(np.int32)
        cl = np.round(rng.integers(0, 11, n) / 10 * rng.random(n), 4)  # many ties
        assert _pair_order(cu, cv, cl).tolist() == np.lexsort((cv, cu, -cl)).tolist()
        odd = cl + 1e-7  # not 4-decimal values: the lexsort itself
        assert _pair_order(cu, cv, odd).tolist() == np.lexsort((cv, cu, -odd)).tolist()


def _loop_units(entries, keys_of=None):
    from svcsim.text.normalize import match_key

    keys, units, kinds = [], [], []
    unit_of = np.full(len(entries), -1, dtype=np.int64)
    for kind in ("point", "measure_title"):
        by_key: dict[str, list[int]] = {}
        for r, e in enumerate(entries):
            if e.kind == kind:
                by_key.setdefault(match_key(e.text) if keys_of is None else keys_of[r], []).append(r)
        kind_keys = sorted(by_key)
        base = len(units)
        for key in kind_keys:
            rs = sorted(by_key[key], key=lambda r: plan_order(entries[r]))
            unit_of[rs] = len(units)
            units.append(rs)
            keys.append(key)
        kinds.append((kind, base, kind_keys))
    return keys, units, unit_of.tolist(), kinds


@pytest.mark.parametrize("seed", range(20))
def test_units_equal_the_per_key_loop(seed):
    import dataclasses

    from svcsim.dupes.scan import build_units

    entries, _, _ = _corpus(seed, seed * 3)
    rng = random.Random(seed)
    entries = [dataclasses.replace(e, text=rng.choice(["設置 單一窗口。", "設置單一窗口", "志工訓練", "x"]))
               for e in entries]
    got = build_units(entries)
    assert (got.keys, got.units, got.unit_of.tolist(), got.kinds) == _loop_units(entries)
    keys_of = [f"k{rng.randrange(4)}" for _ in entries]
    got = build_units(entries, keys_of)
    assert (got.keys, got.units, got.unit_of.tolist(), got.kinds) == _loop_units(entries, keys_of)


@pytest.mark.parametrize("seed", range(30))
def test_copy_groups_are_the_connected_components(seed):
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 300))
    m = int(rng.integers(0, 3 * n))
    edges = rng.integers(0, n, (m, 2))
    entries, _, _ = _corpus(seed, n)
    got = copy_groups(entries, edges).group
    _, labels = connected_components(coo_matrix((np.ones(m), (edges[:, 0], edges[:, 1])), shape=(n, n)),
                                     directed=False)
    smallest = np.full(labels.max() + 1, n)
    np.minimum.at(smallest, labels, np.arange(n))
    assert got.tolist() == np.unique(smallest[labels], return_inverse=True)[1].reshape(-1).tolist()
    with pytest.raises(IndexError, match="there are"):
        copy_groups(entries, [(0, n)])
