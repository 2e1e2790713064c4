import pytest

from svcsim.embed import HashEncoder
from svcsim.errors import IndexMismatchError
from svcsim.index.corpus_index import CorpusIndex, index_dir, update_index
from svcsim.store import Corpus
from tests.helpers import make_plan


@pytest.fixture
def corpus(tmp_path):
    with Corpus.open(tmp_path / "c.db", create=True) as c:
        c.add_plan(make_plan("甲局", 113))
        c.add_plan(make_plan("乙局", 113, points={("一", "(二)"): ["建置行動支付繳費服務，民眾可用手機繳納規費。"]}))
        yield c


def test_index_beside_db_and_incremental(corpus, tmp_path):
    enc = HashEncoder(dim=64)
    up = update_index(corpus, enc)
    assert up.directory == tmp_path / "c.index" == index_dir(corpus.path)
    assert up.rebuilt and up.count == corpus.stats()["distinct_texts"]
    again = update_index(corpus, enc)
    assert again.added == 0 and again.embedded == 0 and not again.rebuilt
    corpus.add_plan(make_plan("丙局", 114, points={("二", "(一)"): ["導入 AI 客服機器人回覆常見問題。"]}))
    third = update_index(corpus, enc)
    assert third.added == 1 and third.embedded == 1 and not third.rebuilt


def test_nothing_new_reads_no_vectors_embeds_nothing_and_writes_nothing(corpus, monkeypatch):
    enc = HashEncoder(dim=64)
    update_index(corpus, enc)
    d = index_dir(corpus.path)
    before = {f.name: f.stat().st_mtime_ns for f in d.iterdir()}

    def no(*a, **k):
        raise AssertionError("nothing new must not touch the embedding cache or the model")

    monkeypatch.setattr(corpus, "cached_vectors", no)
    monkeypatch.setattr(enc, "encode", no)
    up = update_index(corpus, enc)
    assert (up.added, up.embedded, up.rebuilt, up.count) == (0, 0, False, corpus.stats()["distinct_texts"])
    assert {f.name: f.stat().st_mtime_ns for f in d.iterdir()} == before
    monkeypatch.undo()
    corpus.add_plan(make_plan("丙局", 114, points={("二", "(一)"): ["導入 AI 客服機器人回覆常見問題。"]}))
    assert update_index(corpus, enc).added == 1  # and something new is still seen


def test_search_filters_and_expands_shared_texts(corpus):
    enc = HashEncoder(dim=64)
    update_index(corpus, enc)
    ci = CorpusIndex.open(corpus, enc)
    hits = ci.search("設置單一窗口提供一站式服務", k=5)
    assert hits[0].entry.text == "設置單一窗口，提供民眾一站式服務。"
    assert {h.entry.agency for h in hits[:1]} == {"甲局"}
    shared = ci.search("於機關網站公開申辦須知", k=2)
    assert {h.entry.agency for h in shared} == {"甲局", "乙局"}  # one text, two agencies
    only = ci.search("於機關網站公開申辦須知", k=3, agency="乙局")
    assert only and all(h.entry.agency == "乙局" for h in only)
    assert all(h.entry.kind == "point" for h in hits)
    assert ci.search("於機關網站公開申辦須知", k=3, year=2099) == []


def test_index_behind_store_and_model_mismatch_are_clear(corpus):
    enc = HashEncoder(dim=64)
    update_index(corpus, enc)
    corpus.add_plan(make_plan("丁局", 114, points={("二", "(一)"): ["新增一段從未索引的文字內容。"]}))
    with pytest.raises(IndexMismatchError, match="svcsim index"):
        CorpusIndex.open(corpus, enc)
    with pytest.raises(IndexMismatchError, match="--rebuild"):
        update_index(corpus, HashEncoder(dim=32))
    assert update_index(corpus, HashEncoder(dim=32), rebuild=True).rebuilt
