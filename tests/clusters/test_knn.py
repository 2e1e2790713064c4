"""One exact neighbour search shared by the innovation score and the clusterer's kNN graph."""

from __future__ import annotations

import numpy as np
import pytest

from svcsim.clusters import PointClusterer, knn
from svcsim.clusters.innovation_neighbours import nearest_counterparts
from svcsim.clusters.knn import NeighbourMemo, exact_knn, pair_sims
from svcsim.model import Entry


def _rows(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_a_smaller_k_of_the_same_rows_is_read_from_the_memo_and_equals_a_search():
    u = _rows(5000)  # two faiss chunks
    memo = NeighbourMemo()
    s51, n51 = memo.search(u, 51)
    s31, n31 = memo.search(u.copy(), 31)
    assert memo.n_searched == 1
    e31, f31 = exact_knn(u, 31)
    assert np.array_equal(s31, e31) and np.array_equal(n31, f31)
    assert np.array_equal(s51, exact_knn(u, 51)[0])


def test_other_rows_or_a_larger_k_search_again():
    memo = NeighbourMemo()
    u = _rows(300)
    memo.search(u, 11)
    memo.search(u, 31)
    assert memo.n_searched == 2
    v = u.copy()
    v[7, 0] = np.nextafter(v[7, 0], np.float32(2))  # one ulp is another row set
    assert np.array_equal(memo.search(v, 31)[1], exact_knn(v, 31)[1])
    assert memo.n_searched == 3


def test_the_innovation_search_serves_the_clusterers_graph():
    n = 600
    x = _rows(n, seed=1)
    x[300:] = x[:300]  # every text twice: the distinct rows are half the input
    keys = [f"t{i % 300:04d}" for i in range(n)]
    entries = [Entry(id=i, kind="point", agency=f"A{i % 7}", year=2024, file=f"{i % 7}.txt", item="一",
                     measure="(一)", n=i, text=keys[i]) for i in range(n)]
    order = sorted(range(n), key=lambda i: (entries[i].text, entries[i].id))
    memo = NeighbourMemo()
    near = nearest_counterparts([entries[i] for i in order], x[order], 50, memo)
    fitted = PointClusterer(distance_threshold=0.9, max_exact=50, neighbours=memo).fit(x, keys=keys)
    assert memo.n_searched == 1  # the clusterer's 31 neighbours came from the innovation's 51
    alone = PointClusterer(distance_threshold=0.9, max_exact=50).fit(x, keys=keys)
    assert np.array_equal(fitted.labels_, alone.labels_) and fitted.n_clusters_ > 1
    again = nearest_counterparts([entries[i] for i in order], x[order], 50)
    assert np.array_equal(near.max_cos, again.max_cos, equal_nan=True)


# -- batch-independent lists: equal to a brute-force float64 search, kept and updated ----------------
def _tied_rows(n: int, dim: int, seed: int) -> np.ndarray:
    """Random rows with exact duplicates and many tied inner products (small-integer rows)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, dim)).astype(np.float32)
    x[n // 5: n // 5 + 30] = x[0]                                          # one vector 31 times
    x[n // 2:] = rng.integers(-1, 2, (n - n // 2, dim)).astype(np.float32)  # ties everywhere
    x[np.abs(x).sum(axis=1) == 0, 0] = 1.0
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _brute(u: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    m = u.shape[0]
    a, b = np.repeat(np.arange(m), m), np.tile(np.arange(m), m)
    s = pair_sims(u.astype(np.float64), a, b).reshape(m, m)
    order = np.lexsort((np.broadcast_to(np.arange(m), (m, m)), -s), axis=-1)[:, :k]
    return np.take_along_axis(s, order, axis=1), order


@pytest.mark.parametrize("seed, chunk, margin", [(0, 4096, 8), (1, 7, 0), (2, 64, 2)])
def test_lists_equal_a_brute_force_float64_search_for_any_batch(seed, chunk, margin, monkeypatch):
    u = _tied_rows(400, 12, seed)
    monkeypatch.setattr(knn, "_CHUNK", chunk)    # how faiss is batched
    monkeypatch.setattr(knn, "_MARGIN", margin)  # margin 0: most rows need the completeness check
    monkeypatch.setattr(knn, "_PAIRS", 5)
    for k in (1, 17, 400):
        sims, nbrs = exact_knn(u, k)
        want_s, want_n = _brute(u, k)
        assert np.array_equal(nbrs, want_n) and np.array_equal(sims, want_s)


def test_pair_sims_are_the_same_bits_in_any_batch_order_or_alignment():
    rng = np.random.default_rng(3)
    u64 = rng.standard_normal((300, 384)).astype(np.float32).astype(np.float64)
    a, b = rng.integers(0, 300, 5000), rng.integers(0, 300, 5000)
    want = pair_sims(u64, a, b)
    perm = rng.permutation(5000)
    assert np.array_equal(pair_sims(u64, a[perm], b[perm]), want[perm])
    assert np.array_equal(pair_sims(u64, b, a), want)
    assert np.array_equal(np.concatenate([pair_sims(u64, a[i:i + 3], b[i:i + 3]) for i in range(0, 5000, 3)]), want)
    buf = np.empty(u64.size + 1)
    shifted = buf[1:].reshape(u64.shape)  # rows 8 bytes off the allocator's alignment
    shifted[:] = u64
    assert np.array_equal(pair_sims(shifted, a, b), want)


def _keys(n: int) -> list[str]:
    return [f"text {i:05d}" for i in range(n)]


@pytest.mark.parametrize("seed", [0, 1])
def test_updated_lists_equal_a_fresh_search_after_rows_are_added_and_removed(seed):
    rng = np.random.default_rng(seed)
    u = _tied_rows(600, 12, seed)
    keys = _keys(600)
    old = np.sort(rng.choice(600, 450, replace=False))   # the earlier corpus: 150 rows are new now
    old = old[~np.isin(old, [5, 6])]
    memo = NeighbourMemo()
    memo.search(u[old], 20, [keys[i] for i in old])
    prior = memo.lists
    now = np.setdiff1d(np.arange(600), [old[3], old[100], old[200]])  # ... and three rows are gone
    updated = NeighbourMemo(prior)
    sims, nbrs = updated.search(u[now], 20, [keys[i] for i in now])
    want_s, want_n = exact_knn(u[now], 20)
    assert np.array_equal(nbrs, want_n) and np.array_equal(sims, want_s)
    assert updated.n_searched == 0 and updated.n_updated == 1
    assert 150 <= updated.rows_searched < len(now)  # the new rows and the lists that lost a neighbour
    # rows whose list is unchanged are exactly those not flagged
    at = {t: i for i, t in enumerate(prior.keys)}
    for r in np.flatnonzero(~updated.changed).tolist():
        was = prior.nbrs[at[keys[now[r]]]]
        assert [prior.keys[j] for j in was] == [keys[now[j]] for j in nbrs[r]]
    # a smaller k (the clusterer's) reads the updated lists
    assert np.array_equal(updated.search(u[now], 7, [keys[i] for i in now])[1], want_n[:, :7])
    assert updated.n_searched == 0


def test_prior_lists_narrower_than_k_are_not_used():
    u = _rows(200)
    memo = NeighbourMemo()
    memo.search(u[:150], 5, _keys(150))
    wider = NeighbourMemo(memo.lists)
    assert np.array_equal(wider.search(u, 9, _keys(200))[1], exact_knn(u, 9)[1])
    assert wider.n_searched == 1 and wider.n_updated == 0


@pytest.mark.parametrize("max_exact", [50, 5000])
def test_the_auto_thresholds_local_term_read_from_the_lists_is_the_searched_one(max_exact):
    from svcsim.clusters.threshold import local_distance, local_distance_from_lists

    u = _rows(800, seed=4)
    sims, nbrs = exact_knn(u, 31)
    got = local_distance_from_lists(nbrs, 1.0 - sims, n_neighbors=30, max_exact=max_exact, random_state=0)
    want = local_distance(u, n_neighbors=30, max_exact=max_exact, random_state=0)
    assert got == pytest.approx(want, abs=1e-6)  # float64 pairs against float32 BLAS
