"""SuggestIndex: building is an explicit step, loading writes nothing, the tables say what they hold."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from fixture_plans import SPECIFIC, WINDOW, build_corpus, plan_for
from svcsim.embed import HashEncoder
from svcsim.embedded import EmbeddedCorpus
from svcsim.errors import IndexMismatchError, InputError
from svcsim.index.corpus_index import index_dir
from svcsim.model import Item, Measure, Point
from svcsim.store import Corpus
from svcsim.suggest import SuggestIndex, Suggester

ME = "高雄市政府甲局"


def _index_state(corpus) -> dict[str, int]:
    d = index_dir(corpus.path)
    return {p.name: p.stat().st_mtime_ns for p in sorted(d.iterdir())}


def test_load_reads_the_built_index_and_writes_nothing(corpus):
    before = _index_state(corpus)
    index = SuggestIndex.load(corpus, HashEncoder())
    Suggester(index)
    Suggester(index, pool=32)
    assert _index_state(corpus) == before
    assert len(index) == len(corpus.distinct_texts())


def test_load_without_an_index_says_to_run_svcsim_index(tmp_path):
    corpus = Corpus.open(tmp_path / "corpus.db", create=True)
    corpus.add_plan(plan_for("甲局"))
    with pytest.raises(IndexMismatchError, match="svcsim index"):
        SuggestIndex.load(corpus, HashEncoder())
    assert not index_dir(corpus.path).exists()
    index = SuggestIndex.build(corpus, HashEncoder())  # the explicit step writes it
    assert (index_dir(corpus.path) / "manifest.json").exists()
    assert index.agencies == (ME,)
    corpus.close()


def test_a_behind_index_is_refused_by_load_and_updated_by_build(tmp_path):
    corpus = build_corpus(tmp_path / "corpus.db", HashEncoder())
    new = plan_for("丙所", 116)
    extra = Item("四", "新增項目", (Measure("(一)", "新的措施", (Point(1, "全新的執行重點文字，只此一處。"),)),))
    corpus.add_plan(dataclasses.replace(new, items=(*new.items, extra)))
    with pytest.raises(IndexMismatchError, match="behind|落後"):
        SuggestIndex.load(corpus, HashEncoder())
    index = SuggestIndex.build(corpus, HashEncoder())
    assert "全新的執行重點文字，只此一處。" in index.texts
    corpus.close()


def test_rows_are_the_distinct_texts_in_text_id_order(corpus):
    index = SuggestIndex.load(corpus, HashEncoder())
    texts = corpus.distinct_texts()
    assert index.text_ids.tolist() == [t for t, _, _ in texts]
    assert index.texts == tuple(t for _, _, t in texts)
    assert index.vectors.shape == (len(texts), HashEncoder().dim) and index.vectors.dtype == np.float32
    for a in (index.vectors, index.text_ids, index.key_group, index.owner):
        assert not a.flags.writeable


def test_copy_groups_owners_and_agency_filter(corpus):
    index = SuggestIndex.load(corpus, HashEncoder())
    window = index.rows_with_key(WINDOW.format(self="本局"))
    assert len(window) == 1  # 甲局, 丁局 and 戊局 share this exact text
    (row,) = window
    assert {e.agency for e in index.points_of(row)} == {ME, "高雄市政府丁局", "高雄市政府戊局"}
    assert index.owner[row] == -1  # several agencies
    assert index.group_agencies(int(index.key_group[row])) == {ME, "高雄市政府丁局", "高雄市政府戊局"}
    own = index.rows_with_key(SPECIFIC["甲局"])[0]
    assert index.agencies[index.owner[own]] == ME
    assert index.has_other(np.array([own, row]), ME).tolist() == [False, True]
    assert index.has_other(np.array([own, row]), None).tolist() == [True, True]
    assert index.other_points(own, ME) == ()
    assert all(e.agency != ME for e in index.other_points(row, ME))
    assert index.rows_with_key("沒有這句話") == []


def test_nearest_rows_leave_out_the_drafters_own_texts(corpus):
    index = SuggestIndex.load(corpus, HashEncoder())
    q = index.encoder.encode([SPECIFIC["甲局"]], kind="query")[0]
    rows, rel = index.nearest_rows(q, 5, ME)
    assert len(rows) == 5 and rel.dtype == np.float32 and list(rel) == sorted(rel, reverse=True)
    assert index.rows_with_key(SPECIFIC["甲局"])[0] not in rows
    rows_all, _ = index.nearest_rows(q, 5, None)
    assert rows_all[0] == index.rows_with_key(SPECIFIC["甲局"])[0]


def test_measure_rows_and_slot_tables(corpus):
    index = SuggestIndex.load(corpus, HashEncoder())
    slot = index.resolve_measure("一(二)")
    rows = index.measure_rows(slot)
    assert len(rows) == len(set(rows))
    assert sorted(rows) == index.slot_rows(slot).tolist()
    browse_rows, browse_rel = index.slot_browse(slot)
    assert sorted(browse_rows.tolist()) == sorted(rows)
    assert list(browse_rel) == sorted(browse_rel, reverse=True)
    assert {SPECIFIC[a] for a in ("乙處", "丙所")} <= {index.texts[r] for r in rows}
    with pytest.raises(InputError, match="已知的代碼"):
        index.resolve_measure("九(九)")


def test_points_are_an_embedded_corpus_in_entry_id_order(corpus):
    index = SuggestIndex.load(corpus, HashEncoder())
    points = index.points()
    assert isinstance(points, EmbeddedCorpus)
    assert [e.id for e in points.entries] == sorted(e.id for e in corpus.entries("point"))
    assert points.fingerprint == HashEncoder().fingerprint
    by_text = dict(zip(index.texts, index.vectors))
    for e, v in zip(points.entries, points.vectors):
        assert np.allclose(v, by_text[e.text], atol=1e-6)


def test_suggester_takes_a_built_index_not_a_corpus(corpus):
    with pytest.raises(InputError, match=r"Suggester\.build\(corpus, encoder\)"):
        Suggester(corpus)
    with pytest.raises(InputError, match="spec_weight"):
        Suggester(SuggestIndex.load(corpus, HashEncoder()), spec_weight=2.0)
