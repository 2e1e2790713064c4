"""The cheap copy prefilter never rejects a pair the full svcsim.dupes rule calls a copy."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from fixture_plans import SOP, SPECIFIC, T11, T12, T21, T22, T31, WINDOW
from svcsim.suggest.copying import copy_candidates, copy_relation, could_copy, is_copy, shingles

TEXTS = [SOP.format(ag=a) for a in ("本局", "本處", "衛生局")] + [WINDOW.format(self=s) for s in ("本局", "本所")]
TEXTS += [T11, T12, T21, T22, T31, *SPECIFIC.values(), "提供多元便捷申辦管道並簡化申辦程序", "１９９９專線", "1999專線",
          "設置單一窗口", "設置單一窗口，提供便民服務。", "本所設置單一窗口提供便民服務", "", "窗口"]


def test_prefilter_keeps_every_copy_among_template_texts():
    for a, b in itertools.product(TEXTS, repeat=2):
        if copy_relation(a, b).label is not None:
            assert could_copy(a, b), (a, b)
        assert is_copy(a, b) == (copy_relation(a, b).label is not None), (a, b)


def test_shingle_gate_keeps_every_copy_pair():
    maybe = copy_candidates([shingles(t) for t in TEXTS])
    assert maybe.shape == (len(TEXTS), len(TEXTS)) and (maybe == maybe.T).all()
    for (i, a), (j, b) in itertools.product(enumerate(TEXTS), repeat=2):
        if a and b and is_copy(a, b):
            assert maybe[i, j], (a, b)
    assert not maybe[TEXTS.index(T21), TEXTS.index(T31)]
    assert copy_candidates([]).shape == (0, 0)


def test_prefilter_rejects_unrelated_texts():
    assert not could_copy(SPECIFIC["甲局"], SPECIFIC["乙處"])
    assert not is_copy(T21, T31)


@settings(max_examples=300, deadline=None)
@given(base=st.sampled_from(TEXTS[:12]), cut=st.integers(0, 30), insert=st.text("的之與及和區里市", max_size=4),
       at=st.integers(0, 40))
def test_prefilter_keeps_edited_copies(base, cut, insert, at):
    edited = base[:at] + insert + base[at + cut // 10:]
    if copy_relation(base, edited).label is not None:
        assert could_copy(base, edited) and could_copy(edited, base)


def _sparse_candidates(sets):
    """The gate as it was computed with scipy.sparse: the reference the dense product must equal."""
    import numpy as np
    from scipy import sparse

    from svcsim.suggest.copying import SHINGLE_GATE

    n = len(sets)
    sizes = np.array([len(x) for x in sets], dtype=np.int64)
    allh = np.concatenate(sets) if sizes.any() else np.zeros(0, np.int64)
    if not len(allh):
        return np.zeros((n, n), dtype=bool)
    _, inv = np.unique(allh, return_inverse=True)
    m = sparse.csr_matrix((np.ones(len(allh), dtype=np.float32), (np.repeat(np.arange(n), sizes), inv)),
                          shape=(n, int(inv.max()) + 1))
    smaller = np.minimum(sizes[:, None], sizes[None, :]).astype(np.float32)
    return ((m @ m.T).toarray() >= SHINGLE_GATE * smaller) & (smaller > 0)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sets(st.integers(0, 40), max_size=25), min_size=1, max_size=30))
def test_dense_gate_equals_the_sparse_product(raw):
    import numpy as np

    sets = [np.array(sorted(s), dtype=np.int64) for s in raw]
    assert np.array_equal(copy_candidates(sets), _sparse_candidates(sets))


def test_gate_over_real_texts_equals_the_sparse_product():
    import numpy as np

    sets = [shingles(t) for t in TEXTS]
    assert np.array_equal(copy_candidates(sets), _sparse_candidates(sets))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sets(st.integers(0, 40), max_size=25), min_size=1, max_size=30), st.sets(st.integers(0, 40), max_size=25))
def test_one_against_many_is_the_last_row_of_the_square(raw, text):
    import numpy as np

    from svcsim.suggest.copying import copy_candidates_for

    sets = [np.array(sorted(s), dtype=np.int64) for s in raw]
    t = np.array(sorted(text), dtype=np.int64)
    assert np.array_equal(copy_candidates_for(t, sets), _sparse_candidates([*sets, t])[-1, :-1])


def test_large_inputs_go_sparse_with_the_same_answer(monkeypatch):
    import numpy as np

    from svcsim.suggest import copying

    sets = [shingles(t) for t in TEXTS]
    monkeypatch.setattr(copying, "DENSE_GATE_CELLS", 0)
    assert np.array_equal(copy_candidates(sets), _sparse_candidates(sets))
