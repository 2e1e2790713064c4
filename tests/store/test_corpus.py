import dataclasses

import numpy as np
import pytest

from svcsim.embed import HashEncoder
from svcsim.embed.cache import embed_corpus
from svcsim.errors import InputError, StoreError
from svcsim.model import Entry
from svcsim.store import Corpus
from tests.helpers import make_plan


@pytest.fixture
def corpus(tmp_path):
    with Corpus.open(tmp_path / "c.db", create=True) as c:
        yield c


def test_open_missing_without_create_says_how_to_fix(tmp_path):
    with pytest.raises(StoreError, match="svcsim ingest"):
        Corpus.open(tmp_path / "nope.db")


def test_not_a_database_is_a_clear_error(tmp_path):
    bad = tmp_path / "x.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="x.db"):
        Corpus.open(bad)


def test_add_unchanged_replaced(corpus):
    plan = make_plan()
    assert corpus.add_plan(plan).action == "added"
    assert corpus.add_plan(plan).action == "unchanged"
    changed = make_plan(points={("一", "(二)"): ["設置單一窗口並延長服務時間至晚間八點。"]}, content_hash="v2")
    out = corpus.add_plan(changed)
    assert out.action == "replaced"
    assert len(corpus.plans()) == 1
    texts = [e.text for e in corpus.entries("point")]
    assert "設置單一窗口並延長服務時間至晚間八點。" in texts
    assert "設置單一窗口，提供民眾一站式服務。" not in texts


def test_unchanged_is_judged_on_content_and_ids_are_stable(corpus):
    first = corpus.add_plan(make_plan(content_hash="bytes-as-utf8"))
    # the same plan re-saved in another encoding: other raw bytes, same parsed content
    assert corpus.add_plan(make_plan(content_hash="bytes-as-big5")).action == "unchanged"
    replaced = corpus.add_plan(make_plan(points={("一", "(二)"): ["改寫後的內容。"]}))
    assert replaced.action == "replaced" and replaced.plan_id == first.plan_id


def test_same_agency_different_years_kept_apart(corpus):
    corpus.add_plan(make_plan(roc_year=113))
    corpus.add_plan(make_plan(roc_year=114))
    assert sorted(p.roc_year for p in corpus.plans()) == [113, 114]
    assert corpus.find_plan("高雄市政府範例局 114").year == 2025
    assert corpus.find_plan("高雄市政府範例局 2024").roc_year == 113


def test_find_plan_ambiguous_and_unknown(corpus):
    corpus.add_plan(make_plan(roc_year=113))
    corpus.add_plan(make_plan(roc_year=114))
    with pytest.raises(InputError, match="matches 2 plans"):
        corpus.find_plan("範例局")
    with pytest.raises(InputError, match="matches no plan"):
        corpus.find_plan("不存在")


def test_crash_mid_ingest_keeps_previous_state(corpus, monkeypatch):
    corpus.add_plan(make_plan())
    before = [e.text for e in corpus.entries()]
    changed = make_plan(points={("一", "(二)"): ["全新文字。"]}, content_hash="v2")
    calls = {"n": 0}
    real = corpus._text_id

    def boom(text):
        calls["n"] += 1
        if calls["n"] > 2:
            raise RuntimeError("disk on fire")
        return real(text)

    monkeypatch.setattr(corpus, "_text_id", boom)
    with pytest.raises(RuntimeError):
        corpus.add_plan(changed)
    assert [e.text for e in corpus.entries()] == before
    from svcsim.store.corpus import content_digest

    assert corpus.plans()[0].content_hash == content_digest(make_plan())


def test_embedding_cache_embeds_each_text_once(corpus):
    class Counting(HashEncoder):
        def __init__(self):
            super().__init__(dim=32)
            self.seen = []

        def encode(self, texts, **kw):
            self.seen.extend(texts)
            return super().encode(texts, **kw)

    enc = Counting()
    corpus.add_plan(make_plan("甲局"))
    corpus.add_plan(make_plan("乙局"))  # same texts: identical points across agencies
    ec = embed_corpus(corpus, enc)
    entries, vecs = ec.entries, ec.vectors
    assert ec.fingerprint == enc.fingerprint
    assert len(enc.seen) == len(set(enc.seen))
    assert len(enc.seen) == len({e.text for e in entries})
    assert vecs.shape == (len(entries), 32)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    enc.seen.clear()
    embed_corpus(corpus, enc)
    corpus.add_plan(dataclasses.replace(make_plan("甲局"), content_hash="again"))
    embed_corpus(corpus, enc)
    assert enc.seen == []  # re-ingesting changes nothing already embedded


def test_cache_is_per_model(corpus):
    corpus.add_plan(make_plan())
    a = HashEncoder(dim=16)
    b = HashEncoder(dim=24)
    va = embed_corpus(corpus, a).vectors
    vb = embed_corpus(corpus, b).vectors
    assert va.shape[1] == 16 and vb.shape[1] == 24


def _direct(corpus, enc, kind=None):
    """What embed_corpus must equal: each entry's own text encoded and normalised, entry by entry."""
    entries = corpus.entries(kind)
    x = np.asarray(enc.encode([e.text for e in entries], kind="passage"), dtype=np.float32)
    return entries, x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.mark.parametrize("kind", [None, "point", "measure_title"])
def test_embed_corpus_matches_encoding_each_entry(corpus, kind):
    corpus.add_plan(make_plan("甲局"))
    corpus.add_plan(make_plan("乙局"))
    enc = HashEncoder(dim=32)
    embed_corpus(corpus, enc, "point")  # a partly filled cache, as after an earlier command
    ec = embed_corpus(corpus, enc, kind)
    entries, x = _direct(corpus, enc, kind)
    assert ec.entries == tuple(entries) and len(entries) > 0
    assert np.allclose(ec.vectors, x, atol=1e-6)
    assert not ec.vectors.flags.writeable


def test_embed_corpus_re_embeds_a_damaged_cache_row(corpus):
    corpus.add_plan(make_plan())
    enc = HashEncoder(dim=16)
    good = embed_corpus(corpus, enc).vectors.copy()
    key = corpus.distinct_texts()[0][1]
    nan = np.full(16, np.nan, dtype=np.float32).tobytes()
    short = np.ones(8, dtype=np.float32).tobytes()
    for bad in (nan, short):
        corpus._conn.execute("UPDATE embeddings SET vector = ? WHERE fingerprint = ? AND text_key = ?",
                             (bad, enc.fingerprint, key))
        again = embed_corpus(corpus, enc)
        assert np.isfinite(again.vectors).all() and np.array_equal(again.vectors, good)


def test_embed_corpus_inside_a_snapshot_sees_what_it_embedded(corpus):
    corpus.add_plan(make_plan())

    class Counting(HashEncoder):
        calls = 0

        def encode(self, texts, **kw):
            type(self).calls += len(texts)
            return super().encode(texts, **kw)

    enc = Counting(dim=16)
    with corpus.snapshot():
        first = embed_corpus(corpus, enc)
        n = Counting.calls
        second = embed_corpus(corpus, enc)  # the vectors written during the snapshot are reused
    assert n > 0 and Counting.calls == n
    assert np.array_equal(first.vectors, second.vectors)


def test_entries_read_from_the_store_are_plain_entries(corpus):
    # the store sets each Entry's fields directly (no __init__): they must be what __init__ makes
    corpus.add_plan(make_plan("甲局"))
    for e in corpus.entries():
        built = Entry(**{f.name: getattr(e, f.name) for f in dataclasses.fields(Entry)})
        assert e == built and list(vars(e)) == list(vars(built))


def test_a_new_corpus_has_16k_pages(tmp_path):
    import sqlite3

    from svcsim.store import Corpus
    from svcsim.store.connect import PAGE_SIZE

    Corpus.open(tmp_path / "c.db", create=True).close()
    conn = sqlite3.connect(tmp_path / "c.db")
    assert conn.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE == 16384
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
