"""The segmentation cache: offsets equal to segmenting, kept in SQLite, keyed by the segmenter."""

from __future__ import annotations

import sqlite3

import pytest

from svcsim.text import segcache, tokenize, words
from svcsim.text.segcache import SpanCache, segmenter_fingerprint
from svcsim.text.segment import token_spans, words_at

TEXTS = ["建立業務標準作業流程", "設置單一窗口並於首長信箱回覆陳情", "提供ＱＲ code 線上申辦", "", "  ",
         "本局持續辦理民眾滿意度調查及首長信箱"]


@pytest.fixture(autouse=True)
def _home(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("SVCSIM_HOME", str(tmp_path_factory.getbasetemp() / "home"))


def _db(tmp_path) -> sqlite3.Connection:
    return sqlite3.connect(tmp_path / "c.db", isolation_level=None)


def test_spans_are_the_tokens_and_words_of_the_text():
    spans = SpanCache().spans(TEXTS)
    for t in TEXTS:
        assert [t[a:b] for a, b in spans[t]] == [k.word for k in tokenize(t)]
        assert words_at(t, spans[t]) == words(t)
        assert words_at(t, spans[t], min_len=2, drop_stopwords=False) == words(t, min_len=2, drop_stopwords=False)


def test_a_new_cache_on_the_same_database_segments_nothing(tmp_path, monkeypatch):
    conn = _db(tmp_path)
    first = SpanCache(conn)
    expected = first.spans(TEXTS)
    assert first.n_segmented == len(set(TEXTS)) and first.n_read == 0

    import svcsim.text.segment as segment

    monkeypatch.setattr(segment, "token_spans", lambda t: pytest.fail(f"segmented {t!r} again"))
    again = SpanCache(_db(tmp_path))  # another process: only the table is shared
    assert again.spans(TEXTS) == expected
    assert again.n_segmented == 0 and again.n_read == len(set(TEXTS))


def test_only_missing_texts_are_segmented_and_stored(tmp_path):
    SpanCache(_db(tmp_path)).spans(TEXTS[:2])
    c = SpanCache(_db(tmp_path))
    out = c.spans(TEXTS)
    assert (c.n_read, c.n_segmented) == (2, len(set(TEXTS)) - 2)
    assert out[TEXTS[2]] == token_spans(TEXTS[2])
    rows = _db(tmp_path).execute("SELECT COUNT(*) FROM segment_spans").fetchone()[0]
    assert rows == len(set(TEXTS))


def test_another_segmenter_misses_and_replaces_the_rows(tmp_path):
    SpanCache(_db(tmp_path)).spans(TEXTS)
    other = SpanCache(_db(tmp_path), fingerprint="another dictionary")
    other.spans(TEXTS)
    assert other.n_read == 0 and other.n_segmented == len(set(TEXTS))
    keys = {k for (k,) in _db(tmp_path).execute("SELECT DISTINCT segmenter FROM segment_spans")}
    assert keys == {"another dictionary"}  # the old segmenter's rows are dropped at the write
    back = SpanCache(_db(tmp_path))
    back.spans(TEXTS)
    assert back.n_read == 0  # and the default segmenter does not read the other's rows


def test_fingerprint_covers_the_dictionaries_and_code(monkeypatch):
    names = [n for n, _ in segcache._sources()]
    for name in ("jieba", "opencc", "jieba/dict.txt", "domain_dict.txt", "segment.py", "normalize.py"):
        assert name in names
    before = segmenter_fingerprint()
    changed = [(n, d + b"\n\xe6\x96\xb0\xe8\xa9\x9e 5" if n == "domain_dict.txt" else d)
               for n, d in segcache._sources()]
    monkeypatch.setattr(segcache, "_sources", lambda: changed)
    segmenter_fingerprint.cache_clear()
    try:
        assert segmenter_fingerprint() != before
    finally:
        segmenter_fingerprint.cache_clear()


def test_read_only_and_inside_a_transaction_nothing_is_written(tmp_path):
    SpanCache(_db(tmp_path), writable=False).spans(TEXTS)
    conn = _db(tmp_path)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("BEGIN")
    SpanCache(conn).spans(TEXTS)
    conn.execute("ROLLBACK")
    with pytest.raises(sqlite3.OperationalError):
        _db(tmp_path).execute("SELECT COUNT(*) FROM segment_spans")


def test_a_database_without_the_table_is_read_as_empty(tmp_path):
    c = SpanCache(_db(tmp_path))
    assert c.spans(["設置單一窗口"])["設置單一窗口"] == token_spans("設置單一窗口")
    assert c.n_segmented == 1


def test_a_database_locked_by_a_writer_is_left_alone_quickly(tmp_path, monkeypatch):
    import time

    monkeypatch.setattr(segcache, "LOCK_WAIT_MS", 100)
    conn = _db(tmp_path)
    conn.execute("PRAGMA busy_timeout = 30000")
    writer = _db(tmp_path)
    writer.execute("BEGIN IMMEDIATE")  # an ingest mid-plan
    try:
        c = SpanCache(conn)
        t = time.perf_counter()
        out = c.spans(TEXTS)
        assert time.perf_counter() - t < 5
        assert out[TEXTS[0]] == token_spans(TEXTS[0]) and c.n_not_kept == len(set(TEXTS))
    finally:
        writer.execute("ROLLBACK")
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30000  # restored
    later = SpanCache(conn)
    later.spans(TEXTS)
    assert later.n_segmented == len(set(TEXTS)) and later.n_not_kept == 0  # kept this time
    reader = SpanCache(_db(tmp_path))
    reader.spans(TEXTS)
    assert reader.n_segmented == 0 and reader.n_read == len(set(TEXTS))


def test_a_refused_write_is_a_store_error_naming_the_file(tmp_path):
    from svcsim.errors import StoreError

    conn = _db(tmp_path)
    conn.execute("CREATE TABLE segment_spans (x)")  # a damaged table of that name
    with pytest.raises(StoreError, match="c.db"):
        SpanCache(conn).spans(TEXTS)
    assert not conn.in_transaction
