"""The reviewer's workspace over stored results answers exactly what it answers computing in memory,
and a point's sources are the first pairs of the full pair stream, made for that point alone."""

from __future__ import annotations

from pathlib import Path

import pytest

import svcsim
from svcsim.embed import load_encoder
from svcsim.web.workspace import MAX_SOURCES, Workspace, compute_results, stored_results

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "plans"


def _answers(w: Workspace) -> list:
    out = [w.plans(), w.overlap(), w.innovations(), w.innovations(limit=3), w.themes()]
    for p in w.plans()["plans"]:
        plan = w.plan(p["id"])
        out.append(plan)
        out += [w.sources(p["id"], pt["id"]) for pt in plan["points"]]
    out += [w.theme(t["id"]) for t in w.themes()["themes"]]
    return out


def test_stored_workspace_answers_like_the_computed_one(tmp_path, monkeypatch):
    db = tmp_path / "c.db"
    corpus = svcsim.open_corpus(db)
    svcsim.ingest_paths(corpus, [str(f) for f in sorted(EXAMPLES.glob("*.txt"))])
    points = svcsim.embed_corpus(corpus, load_encoder("hash")).of_kind("point")
    corpus.close()
    computed = _answers(Workspace(lambda: points))
    assert _answers(Workspace(lambda: points, results=stored_results(db))) == computed
    # the second workspace reads what the first stored
    import svcsim.analysis.delta as delta

    monkeypatch.setattr(delta, "full_scan", lambda *a, **k: (_ for _ in ()).throw(AssertionError("rescanned")))
    assert _answers(Workspace(lambda: points, results=stored_results(db))) == computed


def test_sources_are_the_first_pairs_of_the_stream(tmp_path):
    corpus = svcsim.open_corpus(tmp_path / "c.db")
    svcsim.ingest_paths(corpus, [str(f) for f in sorted(EXAMPLES.glob("*.txt"))])
    points = svcsim.embed_corpus(corpus, load_encoder("hash")).of_kind("point")
    r = compute_results(points)
    expected: dict[int, list] = {}  # how the workspace built them before: one pass over every pair
    for p in r.dupes.pairs:
        if p.a.plan_id == p.b.plan_id and p.a.file == p.b.file:
            continue
        for e in (p.a, p.b):
            got = expected.setdefault(e.id, [])
            if len(got) < MAX_SOURCES:
                got.append(p)
    w = Workspace(lambda: points, results=lambda _: r)
    assert any(len(v) > 1 for v in expected.values())
    for e in points.entries:
        assert [p.to_dict() for p in w.tables.sources_of(e.id)] == [p.to_dict() for p in expected.get(e.id, [])]


def test_themes_equal_the_clustering_dicts(tmp_path):
    from svcsim.clusters import cluster_corpus
    from svcsim.web.workspace import Results

    corpus = svcsim.open_corpus(tmp_path / "c.db")
    svcsim.ingest_paths(corpus, [str(f) for f in sorted(EXAMPLES.glob("*.txt"))])
    points = svcsim.embed_corpus(corpus, load_encoder("hash")).of_kind("point")
    r = compute_results(points)
    for clustering in (r.clustering, cluster_corpus(points, assign_outliers=True)):
        w = Workspace(lambda: points, results=lambda _, c=clustering: Results(r.dupes, r.innovation, c))
        full = clustering.to_dicts()
        assert w.themes()["themes"] == [{k: v for k, v in d.items() if k != "members"} for d in full]
        assert [w.theme(d["id"]) for d in full] == full
        assert any(d["id"] == -1 for d in full) or any(m.get("was_outlier") for d in full for m in d["members"])


def test_warm_reads_the_results_before_the_first_request(tmp_path):
    corpus = svcsim.open_corpus(tmp_path / "c.db")
    svcsim.ingest_paths(corpus, [str(f) for f in sorted(EXAMPLES.glob("*.txt"))])
    embedded = svcsim.embed_corpus(corpus, load_encoder("hash"))
    corpus.close()
    calls = []

    def results(e):
        calls.append(len(e))
        return compute_results(e)

    w = Workspace(lambda: embedded, results=results)
    w.warm().join(timeout=600)
    assert calls == [len(embedded)] and w._t is not None
    assert w.plans()["plans"] and calls == [len(embedded)]  # the request read what was warmed

    def failing(_):
        raise RuntimeError("分析失敗")

    broken = Workspace(lambda: embedded, results=failing)
    broken.warm().join(timeout=60)  # the error is kept for the request, which raises it
    with pytest.raises(RuntimeError, match="分析失敗"):
        broken.plans()


def test_a_serving_workspace_freezes_what_it_built(tmp_path):
    import gc

    corpus = svcsim.open_corpus(tmp_path / "c.db")
    svcsim.ingest_paths(corpus, [str(f) for f in sorted(EXAMPLES.glob("*.txt"))])
    embedded = svcsim.embed_corpus(corpus, load_encoder("hash"))
    corpus.close()
    try:
        before = gc.get_freeze_count()
        Workspace(lambda: embedded).plans()
        assert gc.get_freeze_count() == before  # a library default: no process-wide step
        Workspace(lambda: embedded, freeze=True).plans()
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
