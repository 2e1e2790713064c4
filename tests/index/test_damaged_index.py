"""A damaged, edited, foreign or half-saved index is detected, never used, and `update_index` repairs it."""

import json
import threading

import numpy as np
import pytest

from svcsim.embed import HashEncoder
from svcsim.errors import IndexDamagedError, IndexMismatchError
from svcsim.index.corpus_index import CorpusIndex, index_dir, update_index
from svcsim.index.vectors import VectorIndex
from svcsim.store import Corpus
from tests.helpers import make_plan

ENC = HashEncoder(dim=32)


@pytest.fixture
def corpus(tmp_path):
    with Corpus.open(tmp_path / "c.db", create=True) as c:
        c.add_plan(make_plan("甲局", 113))
        c.add_plan(make_plan("乙局", 113, points={("一", "(二)"): ["建置行動支付繳費服務。"]}))
        update_index(c, ENC)
        yield c


def _vectors_file(d):
    return d / json.loads((d / "manifest.json").read_text())["file"]


def _repaired(corpus):
    up = update_index(corpus, ENC)
    assert up.rebuilt and up.reason and "svcsim index" in up.reason
    assert CorpusIndex.open(corpus, ENC).search("設置單一窗口", k=1)


def test_truncated_vectors_file(corpus):
    f = _vectors_file(index_dir(corpus.path))
    f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
    with pytest.raises(IndexDamagedError, match="bytes, expected.*run `svcsim index`"):
        CorpusIndex.open(corpus, ENC)
    _repaired(corpus)


def test_same_size_bytes_changed(corpus):
    f = _vectors_file(index_dir(corpus.path))
    data = bytearray(f.read_bytes())
    data[-40:-8] = bytes(32)
    f.write_bytes(bytes(data))
    with pytest.raises(IndexDamagedError, match="contents changed"):
        CorpusIndex.open(corpus, ENC)
    _repaired(corpus)


def _edits():
    def setk(k, v):
        return lambda m: {**m, k: v}

    def drop(k):
        return lambda m: {x: y for x, y in m.items() if x != k}

    return [
        ("count", setk("count", 1)), ("dim str", setk("dim", "32")), ("dim", setk("dim", 64)),
        ("kind", setk("kind", "hnsw")), ("nprobe", setk("nprobe", -3)), ("no kind", drop("kind")),
        ("no file", drop("file")), ("file escape", setk("file", "../c.db")), ("extra", setk("extra", [])),
        ("corpus id", lambda m: {**m, "extra": {**m["extra"], "corpus_id": "0" * 32}}),
        ("format", setk("format_version", 99)), ("sha", setk("sha256", "0" * 64)),
        ("bool count", setk("count", True)), ("null", lambda m: None), ("list", lambda m: [m]),
    ]


@pytest.mark.parametrize("name,edit", _edits(), ids=[n for n, _ in _edits()])
def test_every_manifest_edit_is_a_clear_error_that_index_repairs(corpus, name, edit):
    mpath = index_dir(corpus.path) / "manifest.json"
    mpath.write_text(json.dumps(edit(json.loads(mpath.read_text()))))
    with pytest.raises(IndexDamagedError, match="`svcsim index`"):  # either language
        CorpusIndex.open(corpus, ENC)
    _repaired(corpus)


@pytest.mark.parametrize("garbage", [b"", b"{", b"\xff\xfe\x00garbage", b"[]", b"null"])
def test_garbled_manifest(corpus, garbage):
    (index_dir(corpus.path) / "manifest.json").write_bytes(garbage)
    with pytest.raises(IndexDamagedError):
        CorpusIndex.open(corpus, ENC)
    _repaired(corpus)


def test_index_of_a_deleted_and_recreated_corpus_is_not_used(tmp_path):
    db = tmp_path / "c.db"
    with Corpus.open(db, create=True) as c:
        c.add_plan(make_plan("甲局", 113))
        update_index(c, ENC)
    db.unlink()
    with Corpus.open(db, create=True) as c:  # same path, other plans: the old ids now mean other texts
        c.add_plan(make_plan("丙局", 114, points={("一", "(一)"): ["導入 AI 客服回覆常見問題。"]}))
        with pytest.raises(IndexDamagedError, match="another corpus|另一個語料庫"):
            CorpusIndex.open(c, ENC)
        up = update_index(c, ENC)
        assert up.rebuilt and ("another corpus" in up.reason or "另一個語料庫" in up.reason)
        assert {h.entry.agency for h in CorpusIndex.open(c, ENC).search("AI 客服", k=3)} == {"丙局"}


def test_model_mismatch_is_still_an_error_not_a_silent_rebuild(corpus):
    with pytest.raises(IndexMismatchError, match="--rebuild") as info:
        update_index(corpus, HashEncoder(dim=16))
    assert not isinstance(info.value, IndexDamagedError)


def test_orphaned_temporary_folders_are_removed(corpus, tmp_path):
    orphans = [tmp_path / ".c.index.k2j4x8", tmp_path / ".c.index.old-4242"]
    for o in orphans:
        o.mkdir()
        (o / "index.faiss").write_bytes(b"\0" * 100_000)
    (index_dir(corpus.path) / ".index-dead.faiss.tmp").write_bytes(b"\0" * 1000)
    update_index(corpus, ENC, rebuild=True)
    assert not any(o.exists() for o in orphans)
    names = sorted(p.name for p in index_dir(corpus.path).iterdir())
    assert len([n for n in names if n.endswith(".faiss")]) == 1 and not any(n.endswith(".tmp") for n in names)


def test_concurrent_rebuilds_and_readers(corpus):
    errors = []

    def rebuild():
        try:
            with Corpus.open(corpus.path) as c:
                for _ in range(5):
                    update_index(c, ENC, rebuild=True)
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))

    def read():
        try:
            with Corpus.open(corpus.path, readonly=True) as c:
                for _ in range(30):
                    assert CorpusIndex.open(c, ENC).search("設置單一窗口", k=1)
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))

    threads = [threading.Thread(target=rebuild) for _ in range(4)] + [threading.Thread(target=read) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_vector_index_roundtrip_keeps_extra(tmp_path):
    x = np.random.default_rng(0).normal(size=(20, 8)).astype(np.float32)
    idx = VectorIndex.build(x, np.arange(20) * 3, fingerprint="fp")
    idx.extra = {"corpus_id": "abc"}
    idx.save(tmp_path / "ix")
    again = VectorIndex.load(tmp_path / "ix", fingerprint="fp", dim=8)
    assert again.extra == {"corpus_id": "abc"} and (again.ids() == idx.ids()).all()
