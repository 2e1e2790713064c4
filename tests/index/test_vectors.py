import numpy as np
import pytest

from svcsim.errors import IndexMismatchError, InputError
from svcsim.index import VectorIndex, neighbours


def _data(n=300, d=24, seed=0):
    x = np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_neighbours_exact_matches_brute_force():
    x = _data()
    sims, idx = neighbours(x, k=5)
    full = x @ x.T
    np.fill_diagonal(full, -np.inf)
    expect = np.argsort(-full, axis=1)[:, :5]
    assert (idx == expect).mean() > 0.99
    assert np.allclose(sims[:, 0], full.max(axis=1), atol=1e-5)
    assert not (idx == np.arange(len(x))[:, None]).any()


def _clustered(n=3000, d=32, centres=60, seed=0):
    # real embeddings are clustered (topics), unlike isotropic noise; IVF is tuned for that
    rng = np.random.default_rng(seed)
    c = rng.normal(size=(centres, d))
    x = c[rng.integers(0, centres, n)] + 0.35 * rng.normal(size=(n, d))
    x = x.astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_neighbours_approximate_recall_and_determinism():
    x = _clustered()
    exact = neighbours(x, k=10)[1]
    s1, approx = neighbours(x, k=10, exact_below=1000)
    s2, approx2 = neighbours(x, k=10, exact_below=1000)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact, approx)])
    assert recall > 0.95
    assert (approx == approx2).all()


def test_duplicates_are_neighbours_of_each_other():
    x = _data(50)
    x = np.vstack([x, x[:1]])
    _, idx = neighbours(x, k=1)
    assert idx[0, 0] == 50 and idx[50, 0] == 0


def test_save_load_roundtrip_and_mismatch(tmp_path):
    x = _data(100)
    ids = np.arange(100) * 7
    idx = VectorIndex.build(x, ids, model="m", fingerprint="fp1")
    idx.save(tmp_path / "ix")
    again = VectorIndex.load(tmp_path / "ix", fingerprint="fp1", dim=24)
    s1, f1 = idx.search(x[:3], 4)
    s2, f2 = again.search(x[:3], 4)
    assert (f1 == f2).all() and f1[0, 0] == 0 and f1[1, 0] == 7
    with pytest.raises(IndexMismatchError, match="rebuild"):
        VectorIndex.load(tmp_path / "ix", fingerprint="other")
    with pytest.raises(IndexMismatchError, match="dimension"):
        again.search(_data(2, 8), 3)
    manifest = (tmp_path / "ix" / "manifest.json").read_text()
    assert '"count": 100' in manifest and '"metric": "inner_product"' in manifest


def test_incremental_add_and_ivf_ids(tmp_path):
    x = _data(400)
    idx = VectorIndex.build(x[:300], np.arange(300), approximate_above=200)
    assert idx.kind == "ivf"
    idx.add(x[300:], np.arange(300, 400))
    assert idx.count == 400
    assert sorted(idx.ids().tolist()) == list(range(400))
    _, found = idx.search(x[350:351], 1)
    assert found[0, 0] == 350


def test_rejects_bad_shapes():
    with pytest.raises(InputError):
        VectorIndex.build(np.zeros(5, dtype=np.float32))
