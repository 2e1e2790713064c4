"""The store under damage and concurrency: snapshots, foreign files, full disks, racing creators, chunked caching."""

import sqlite3
import threading

import numpy as np
import pytest

from svcsim.embed import HashEncoder
from svcsim.errors import ModelError, StoreError
from svcsim.index.corpus_index import CorpusIndex, update_index
from svcsim.embed.cache import vectors_for_texts
from svcsim.store import Corpus
from tests.helpers import make_plan


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "c.db"
    with Corpus.open(path, create=True) as c:
        c.add_plan(make_plan("甲局", 113))
    return path


def _foreign(path):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE people (name TEXT)")
    conn.execute("INSERT INTO people VALUES ('王小明')")
    conn.commit()
    conn.close()
    return path.read_bytes()


@pytest.mark.parametrize("readonly", [True, False])
def test_foreign_sqlite_file_is_refused_and_left_untouched(tmp_path, readonly):
    path = tmp_path / "foreign.sqlite"
    before = _foreign(path)
    with pytest.raises(StoreError, match="not an svcsim corpus.*people"):
        Corpus.open(path, readonly=readonly, create=not readonly)
    assert path.read_bytes() == before
    assert not (tmp_path / "foreign.sqlite-wal").exists()
    conn = sqlite3.connect(path)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["people"]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_read_only_open_reads_and_refuses_writes(db):
    with Corpus.open(db, readonly=True) as c:
        assert c.readonly and [p.agency for p in c.plans()] == ["甲局"]
        with pytest.raises(StoreError, match="read-only"):
            c.add_plan(make_plan("乙局", 113))


def test_corpus_has_a_stable_random_id(db, tmp_path):
    with Corpus.open(db) as a, Corpus.open(db, readonly=True) as b:
        assert a.corpus_id and len(a.corpus_id) == 32 and a.corpus_id == b.corpus_id
    with Corpus.open(tmp_path / "other.db", create=True) as other:
        assert other.corpus_id != a.corpus_id


def test_first_time_creation_races_agree(tmp_path):
    for round_ in range(4):
        path = tmp_path / f"race{round_}.db"
        barrier = threading.Barrier(8)
        ids, errors = [], []

        def create():
            barrier.wait()
            try:
                with Corpus.open(path, create=True) as c:
                    ids.append(c.corpus_id)
            except Exception as exc:  # noqa: BLE001 - any exception is the failure under test
                errors.append(repr(exc))

        threads = [threading.Thread(target=create) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == [] and len(ids) == 8 and len(set(ids)) == 1


def test_parent_path_that_is_a_file(tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="notes.txt is a file, not a folder"):
        Corpus.open(blocker / "sub" / "c.db", create=True)


def test_disk_full_reports_the_real_error_and_keeps_the_old_state(db):
    with Corpus.open(db) as c:
        pages = c._conn.execute("PRAGMA page_count").fetchone()[0]
        c._conn.execute(f"PRAGMA max_page_count = {pages + 1}")
        big = make_plan("乙局", 113, points={("一", "(一)"): [f"第{i}項很長的服務措施說明。" * 40 for i in range(60)]})
        with pytest.raises(StoreError) as info:
            c.add_plan(big)
        msg = str(info.value)
        assert "full" in msg and "no transaction is active" not in msg and str(db) in msg
        assert [p.agency for p in c.plans()] == ["甲局"]
        assert not any(e.agency == "乙局" for e in c.entries())


def test_snapshot_hides_a_concurrent_ingest(db):
    with Corpus.open(db) as reader, Corpus.open(db) as writer:
        with reader.snapshot():
            tids = reader.text_ids_all()
            writer.add_plan(make_plan("乙局", 114, points={("二", "(一)"): ["新增的一段文字。"]}))
            entries = reader.entries()
            assert {e.agency for e in entries} == {"甲局"} and all(e.id in tids for e in entries)
        assert {e.agency for e in reader.entries()} == {"甲局", "乙局"}


def test_index_open_during_an_ingest_never_sees_half_a_state(db, monkeypatch):
    enc = HashEncoder(dim=32)
    with Corpus.open(db) as c:
        update_index(c, enc)
    with Corpus.open(db, readonly=True) as reader, Corpus.open(db) as writer:
        original = reader.text_ids_all

        def then_ingest():
            out = original()
            writer.add_plan(make_plan("乙局", 114))  # lands between the reader's two statements
            return out

        monkeypatch.setattr(reader, "text_ids_all", then_ingest)
        ci = CorpusIndex.open(reader, enc)
        assert {e.agency for es in ci.by_text.values() for e in es} == {"甲局"}


class _Flaky(HashEncoder):
    """Interrupted (like Ctrl-C) on its ``fail_at``-th call."""

    def __init__(self, fail_at):
        super().__init__(dim=32)
        self.calls, self.fail_at = 0, fail_at

    def encode(self, texts, **kw):
        self.calls += 1
        if self.calls == self.fail_at:
            raise KeyboardInterrupt
        return super().encode(texts, **kw)


def test_interrupted_embedding_keeps_finished_chunks_and_resumes(db):
    items = [(f"k{i}", f"第{i}則服務措施文字") for i in range(20)]
    with Corpus.open(db) as c:
        with pytest.raises(KeyboardInterrupt):
            vectors_for_texts(c, _Flaky(fail_at=3), items, chunk_size=4)
        assert len(c.cached_vectors(_Flaky(0).fingerprint, [k for k, _ in items])) == 8
        _, stats = vectors_for_texts(c, _Flaky(fail_at=0), items, chunk_size=4)
        assert stats.cached == 8 and stats.embedded == 12


class _NaN(HashEncoder):
    def encode(self, texts, **kw):
        x = super().encode(texts, **kw)
        x[-1, 0] = np.nan
        return x


def test_non_finite_vectors_are_an_error_and_not_cached(db):
    with Corpus.open(db) as c:
        with pytest.raises(ModelError, match="NaN or infinite.*model install --force"):
            vectors_for_texts(c, _NaN(dim=16), [("a", "設置單一窗口"), ("b", "公開申辦須知")])
        assert c.cached_vectors(_NaN(dim=16).fingerprint, ["a", "b"]) == {}


def test_creator_killed_mid_transaction_leaves_a_usable_file(tmp_path):
    import os
    import subprocess
    import sys

    code = ("import sqlite3, os\nc = sqlite3.connect('c.db', isolation_level=None)\nc.execute('BEGIN IMMEDIATE')\n"
            "c.execute('CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)')\nc.execute('PRAGMA cache_size=1')\n"
            "c.execute('CREATE TABLE x(a)')\nc.execute('INSERT INTO x VALUES (zeroblob(200000))')\n"
            "c.execute('INSERT INTO x SELECT a FROM x')\nos._exit(9)")
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=False)
    assert (tmp_path / "c.db-journal").exists()  # a hot journal: only a read-write connection may roll it back
    with Corpus.open(tmp_path / "c.db", create=True) as c:
        c.add_plan(make_plan("甲局", 113))
    with Corpus.open(tmp_path / "c.db", readonly=True) as c:
        assert [p.agency for p in c.plans()] == ["甲局"]
    assert os.path.getsize(tmp_path / "c.db") > 0
