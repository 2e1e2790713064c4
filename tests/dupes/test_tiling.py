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
