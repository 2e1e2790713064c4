"""The compiled tiler gives exactly the tiles of the Python reference (svcsim.dupes.align)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from svcsim.dupes.align import _greedy_tiles
from svcsim.dupes.tiling import codes_of, covered_batch, tiles_fast

# a small alphabet makes long shared runs, repeats and overlapping candidates common
TEXT = st.text(alphabet="設置單一窗口提供便民服務本局所ab1", max_size=60)


@settings(max_examples=400, deadline=None)
@given(TEXT, TEXT, st.integers(min_value=1, max_value=6))
def test_tiles_fast_equals_reference(a, b, k):
    assert tiles_fast(a, b, k) == _greedy_tiles(a, b, k)


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXT, min_size=2, max_size=12), st.data())
def test_covered_batch_equals_reference(keys, data):
    n = len(keys)
    pairs = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), min_size=1, max_size=30))
    codes, starts = codes_of(keys)
    us, vs = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    got = covered_batch(codes, starts, us, vs, 4)
    want = [sum(t[2] for t in _greedy_tiles(keys[u], keys[v], 4)) for u, v in pairs]
    assert got.tolist() == want


def test_astral_characters_and_edge_lengths():
    a, b = "𠀀𠀁𠀂𠀃設置窗口", "前𠀀𠀁𠀂𠀃設置"
    assert tiles_fast(a, b, 4) == _greedy_tiles(a, b, 4) == [(0, 1, 6)]
    assert tiles_fast("", "abcd", 4) == [] and tiles_fast("abcd", "abcd", 4) == [(0, 0, 4)]
    assert covered_batch(*codes_of(["abc"]), np.array([], np.int64), np.array([], np.int64), 4).shape == (0,)


def _brute_near_copies(keys, short_min=0.7, long_min=0.35):
    import itertools

    out = {}
    for i, j in itertools.combinations(range(len(keys)), 2):
        a, b = keys[i], keys[j]
        if not a or not b:
            continue
        cov = sum(t[2] for t in _greedy_tiles(a, b, 4))
        if cov / min(len(a), len(b)) >= short_min and cov / max(len(a), len(b)) >= long_min:
            out[(i, j)] = cov
    return out


def _pairs(keys, **kw):
    from svcsim.dupes.tiling import near_copy_pairs

    u, v, cov, _ = near_copy_pairs(keys, **kw)
    assert (u < v).all()
    return {(int(a), int(b)): int(c) for a, b, c in zip(u, v, cov)}


def test_join_equals_brute_force_on_a_generated_corpus():
    from svcsim.model import entries_from_plans
    from svcsim.synth import generate_points_corpus
    from svcsim.text.normalize import normalize_for_match

    es = entries_from_plans(generate_points_corpus(600, seed=3).plans)
    keys = sorted({normalize_for_match(e.text).text for e in es if e.kind == "point"})
    truth = _brute_near_copies(keys)
    assert len(truth) > 100  # the generator plants plenty of edited copies
    assert _pairs(keys) == truth
    assert _pairs(keys, threads=1) == truth  # the split across threads loses nothing


@settings(max_examples=80, deadline=None)
@given(st.lists(TEXT, min_size=2, max_size=14))
def test_join_equals_brute_force_on_random_texts(keys):
    assert _pairs(keys) == _brute_near_copies(keys)


@settings(max_examples=80, deadline=None)
@given(st.lists(TEXT, min_size=2, max_size=14), st.data())
def test_join_with_only_gives_exactly_the_pairs_touching_those_texts(keys, data):
    only = np.array(data.draw(st.lists(st.booleans(), min_size=len(keys), max_size=len(keys))), dtype=bool)
    truth = _brute_near_copies(keys)
    want = {p: c for p, c in truth.items() if only[p[0]] or only[p[1]]}
    assert _pairs(keys, only=only) == want
    assert _pairs(keys, only=only, threads=1) == want


def test_join_with_only_on_a_generated_corpus():
    from svcsim.model import entries_from_plans
    from svcsim.synth import generate_points_corpus
    from svcsim.text.normalize import normalize_for_match

    es = entries_from_plans(generate_points_corpus(600, seed=4).plans)
    keys = sorted({normalize_for_match(e.text).text for e in es if e.kind == "point"})
    only = np.zeros(len(keys), dtype=bool)
    only[::17] = True  # texts spread over the sorted order: pairs found from either side
    full = _pairs(keys)
    want = {p: c for p, c in full.items() if only[p[0]] or only[p[1]]}
    assert len(want) > 20
    assert _pairs(keys, only=only) == want


def test_dense_reuse_has_no_cap():
    # 700 fills of one frame: every pair is a near copy (the old candidate caps kept 50 per text)
    keys = [f"本機關辦理第{i:03d}號便民服務措施並定期檢討改善" for i in range(700)]
    assert len(_pairs(keys)) == 700 * 699 // 2


def test_pair_counts_are_arithmetic_and_match_the_stream():
    from svcsim.dupes import analyse
    from svcsim.embedded import EmbeddedCorpus
    from svcsim.embed import HashEncoder
    from svcsim.model import entries_from_plans
    from svcsim.synth import generate_points_corpus

    es = entries_from_plans(generate_points_corpus(1500, seed=1).plans)
    r = analyse(EmbeddedCorpus(es, HashEncoder(dim=64).encode([e.text for e in es])), min_label="near_copy")
    counts = {lab: sum(1 for _ in r.pairs.iter_label(lab)) for lab in ("copy", "near_copy")}
    assert counts["copy"] > 0 and counts["near_copy"] > 0
    assert {lab: r.pairs.count(lab) for lab in counts} == counts
    assert len(r.pairs) == sum(counts.values())


def test_contained_join_with_only_gives_exactly_the_pairs_touching_those_texts():
    from svcsim.dupes.contained import contained_pairs
    from svcsim.model import entries_from_plans
    from svcsim.synth import generate_points_corpus
    from svcsim.text.normalize import normalize_for_match

    es = entries_from_plans(generate_points_corpus(600, seed=5).plans)
    keys = sorted({normalize_for_match(e.text).text for e in es if e.kind == "point"})
    keys += [keys[i] + "並持續滾動檢討辦理情形" + keys[i + 1] for i in range(0, 60, 3)]  # copies buried in longer text
    keys = sorted(set(keys))
    full = contained_pairs(keys, floor=6, run=12)
    for only in (np.arange(len(keys)) % 7 == 0, np.zeros(len(keys), bool), np.ones(len(keys), bool)):
        mine = only[full[0]] | only[full[1]]
        want = [a[mine].tolist() for a in full]
        got = contained_pairs(keys, floor=6, run=12, only=only)
        assert [a.tolist() for a in got] == want
    assert len(full[0]) > 20
