"""Kept suggestion tables: written once, read by the next process, recomputed when the corpus or
the model changes, and never a different suggestion from a fresh build."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest
from click.testing import CliRunner

from fixture_plans import SPECIFIC, WINDOW, build_corpus, plan_for
from svcsim.cli.main import cli
from svcsim.embed import HashEncoder
from svcsim.index.corpus_index import update_index
from svcsim.store import Corpus
from svcsim.suggest import SuggestIndex, Suggester, keep
from svcsim.suggest.tables import SuggestTables

QUERIES = [(WINDOW.format(self="本署"), None, None), (SPECIFIC["乙處"], "一(二)", "高雄市政府甲局"),
           ("", "二(一)", "高雄市政府乙處"), ("", "一(二)", None), ("每年辦理滿意度調查", None, "高雄市政府丙所")]


def _answers(suggester: Suggester) -> list:
    out = []
    for text, measure, agency in QUERIES:
        r = suggester.suggest(text, measure=measure, agency=agency, k=8)
        out.append(([s.to_dict() for s in r.suggestions], r.warning.to_dict() if r.warning else None,
                     r.measure.code if r.measure else None))
    return out


def _no_compute(monkeypatch):
    def fail(*a, **k):
        raise AssertionError("the tables were computed, not read")
    monkeypatch.setattr(SuggestTables, "compute", fail)


@pytest.fixture()
def corpus(tmp_path):
    c = build_corpus(tmp_path / "corpus.db", HashEncoder())
    yield c
    c.close()


def test_kept_tables_are_read_and_answer_as_a_fresh_build(corpus, monkeypatch):
    fresh = SuggestIndex.load(corpus, HashEncoder())
    assert keep.stored_names(corpus._conn) == []       # load writes nothing
    assert fresh.keep(corpus) is True
    assert fresh.keep(corpus) is False                  # kept once
    assert keep.stored_names(corpus._conn) == [keep.name_for(HashEncoder().fingerprint)]
    _no_compute(monkeypatch)
    read = SuggestIndex.load(corpus, HashEncoder())
    assert read.keep(corpus) is False                   # read, so nothing to keep
    assert np.array_equal(read.vectors, fresh.vectors) and read.vectors.dtype == fresh.vectors.dtype
    for name in ("text_ids", "key_group", "owner"):
        assert np.array_equal(getattr(read, name), getattr(fresh, name))
    assert read.agencies == fresh.agencies
    assert read.catalogue.baseline == fresh.catalogue.baseline
    assert read.catalogue.measures == fresh.catalogue.measures
    assert [(s.ref, s.members, s.agencies) for s in read.catalogue.slots] == \
        [(s.ref, s.members, s.agencies) for s in fresh.catalogue.slots]
    for a, b in zip(read.catalogue.slots, fresh.catalogue.slots):
        assert a.vector.tobytes() == b.vector.tobytes()
        assert np.array_equal(read.slot_rows(a), fresh.slot_rows(b))
        assert all(np.array_equal(x, y) for x, y in zip(read.slot_browse(a), fresh.slot_browse(b)))
        assert read.measure_rows(a) == fresh.measure_rows(b)
    assert {c: read.catalogue.slots.index(s) for c, s in read.catalogue.slot_of_code.items()} == \
        {c: fresh.catalogue.slots.index(s) for c, s in fresh.catalogue.slot_of_code.items()}
    for g in set(fresh.key_group.tolist()):
        assert read.group_agencies(g) == fresh.group_agencies(g)
    assert read.rows_with_key(WINDOW.format(self="本局")) == fresh.rows_with_key(WINDOW.format(self="本局"))
    assert _answers(Suggester(read)) == _answers(Suggester(fresh))
    p, q = read.points(), fresh.points()
    assert [e.id for e in p.entries] == [e.id for e in q.entries] and np.array_equal(p.vectors, q.vectors)


def test_build_keeps_the_tables(corpus, monkeypatch):
    Suggester.build(corpus, HashEncoder())
    _no_compute(monkeypatch)
    assert SuggestIndex.load(corpus, HashEncoder()).keep(corpus) is False


def test_adding_a_plan_recomputes_and_the_new_plan_is_suggested(corpus):
    Suggester.build(corpus, HashEncoder())
    new = "結合在地大學辦理青年志工培力營，每年培訓100名志工投入服務。"
    plan = plan_for("甲局", 114)
    items = (plan.items[0].__class__(plan.items[0].code, plan.items[0].title,
                                     (plan.items[0].measures[0].__class__("(一)", plan.items[0].measures[0].title,
                                                                          (*plan.items[0].measures[0].points,
                                                                           plan.items[0].measures[0].points[0].__class__(3, new))),
                                      *plan.items[0].measures[1:])), *plan.items[1:])
    corpus.add_plan(plan.__class__(file=plan.file, agency=plan.agency, roc_year=114, title=plan.title, items=items,
                                   content_hash="fixture-new"))
    update_index(corpus, HashEncoder())
    index = SuggestIndex.load(corpus, HashEncoder())
    assert index._keep is not None                      # the kept tables are of the old corpus
    assert new in index.texts
    got = Suggester(index).suggest(new, agency="高雄市政府乙處", k=3)
    assert got.suggestions[0].text == new
    assert _answers(Suggester(index)) == _answers(Suggester(SuggestIndex(
        index.encoder, index.vector_index, list(zip(index.text_ids.tolist(), index.texts)), index.vectors,
        _by_text(corpus))))
    assert index.keep(corpus) is True


def _by_text(corpus):
    from svcsim.index.corpus_index import CorpusIndex

    return CorpusIndex.open(corpus, HashEncoder()).by_text


def test_removing_and_re_adding_a_plan_recomputes(corpus):
    Suggester.build(corpus, HashEncoder())
    plan_id = next(p.id for p in corpus.plans() if p.agency.endswith("乙處"))
    corpus.remove_plan(plan_id)
    corpus.add_plan(plan_for("乙處"))   # the same content: a new plan id, so new entries
    index = SuggestIndex.load(corpus, HashEncoder())
    assert index._keep is not None
    assert {m.plan_id for m in index.catalogue.measures} == {p.id for p in corpus.plans()}


def test_each_model_keeps_its_own_tables(corpus, monkeypatch):
    Suggester.build(corpus, HashEncoder())
    other = HashEncoder(dim=128)
    update_index(corpus, other, rebuild=True)
    index = SuggestIndex.load(corpus, other)
    assert index._keep is not None and index.vectors.shape[1] == 128
    assert index.keep(corpus) is True
    assert len(keep.stored_names(corpus._conn)) == 2
    _no_compute(monkeypatch)
    assert SuggestIndex.load(corpus, other).vectors.shape[1] == 128


def test_a_damaged_part_is_recomputed_not_trusted(corpus):
    Suggester.build(corpus, HashEncoder())
    with corpus._conn:
        corpus._conn.execute("UPDATE suggest_parts SET data = ? WHERE part = 'owner.npy'", (b"garbage",))
    index = SuggestIndex.load(corpus, HashEncoder())
    assert index._keep is not None
    assert _answers(Suggester(index))


def test_a_read_only_corpus_reads_and_computes_but_never_writes(corpus, tmp_path):
    path = corpus.path
    corpus.close()
    with Corpus.open(path, readonly=True) as ro:
        index = SuggestIndex.load(ro, HashEncoder())
        assert index.keep(ro) is False
    with sqlite3.connect(path) as conn:
        assert keep.stored_names(conn) == []


def test_cli_keeps_the_tables_and_answers_the_same_from_them(tmp_path):
    db = tmp_path / "corpus.db"
    build_corpus(db, HashEncoder()).close()
    args = ["suggest", SPECIFIC["乙處"], "--measure", "一(二)", "--agency", "甲局", "--db", str(db), "--model", "hash",
            "--json"]
    runner = CliRunner(env={"SVCSIM_LANG": "zh"})
    first = runner.invoke(cli, args, catch_exceptions=False)
    with sqlite3.connect(db) as conn:
        assert keep.stored_names(conn) == [keep.name_for(HashEncoder().fingerprint)]
    second = runner.invoke(cli, args, catch_exceptions=False)
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout and first.stdout.strip()


def test_a_full_disk_is_a_store_error_and_leaves_no_half_tables(corpus):
    from svcsim.errors import StoreError

    index = SuggestIndex.load(corpus, HashEncoder())
    pages = corpus._conn.execute("PRAGMA page_count").fetchone()[0]
    corpus._conn.execute(f"PRAGMA max_page_count = {pages + 2}")   # the tables need more than 2 pages
    with pytest.raises(StoreError, match="full"):
        index.keep(corpus)
    corpus._conn.execute("PRAGMA max_page_count = 1073741823")
    assert keep.stored_names(corpus._conn) == []
    assert index.keep(corpus) is True                   # still usable, and keeps once there is room


def test_cli_answers_and_says_so_when_the_tables_cannot_be_kept(tmp_path, monkeypatch):
    from svcsim.errors import StoreError

    def refuse(*a, **k):
        raise StoreError("corpus.db: SQLite error: database or disk is full; free some space")
    monkeypatch.setattr(keep, "write_parts", refuse)
    db = tmp_path / "corpus.db"
    build_corpus(db, HashEncoder()).close()
    r = CliRunner(env={"SVCSIM_LANG": "en"}).invoke(
        cli, ["suggest", SPECIFIC["乙處"], "--db", str(db), "--model", "hash", "--json"], catch_exceptions=False)
    assert r.exit_code == 0
    assert r.stdout.strip() and "could not be kept" in r.stderr and "disk is full" in r.stderr


def test_a_corpus_locked_by_a_writer_is_left_alone_quickly(corpus, monkeypatch):
    import time

    monkeypatch.setattr(keep, "LOCK_WAIT_MS", 100)
    index = SuggestIndex.load(corpus, HashEncoder())
    writer = sqlite3.connect(corpus.path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")                   # an ingest mid-plan
    try:
        t = time.perf_counter()
        assert index.keep(corpus) is False
        assert time.perf_counter() - t < 5
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert corpus._conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30000   # restored
    assert index.keep(corpus) is True


def test_svcsim_index_keeps_the_tables_for_the_first_suggest(tmp_path, monkeypatch):
    from fixture_plans import fixture_plans

    db = tmp_path / "corpus.db"
    with Corpus.open(db, create=True) as c:
        for p in fixture_plans():
            c.add_plan(p)
    runner = CliRunner(env={"SVCSIM_LANG": "zh"})
    r = runner.invoke(cli, ["index", "--db", str(db), "--model", "hash"], catch_exceptions=False)
    assert r.exit_code == 0
    with sqlite3.connect(db) as conn:
        assert keep.stored_names(conn) == [keep.name_for(HashEncoder().fingerprint)]
    _no_compute(monkeypatch)  # neither the first suggest nor an index with nothing new computes them
    again = runner.invoke(cli, ["index", "--db", str(db), "--model", "hash"], catch_exceptions=False)
    s = runner.invoke(cli, ["suggest", SPECIFIC["乙處"], "--db", str(db), "--model", "hash", "--json"],
                      catch_exceptions=False)
    assert again.exit_code == s.exit_code == 0 and s.stdout.strip()
