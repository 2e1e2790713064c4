"""Stored analysis results: read back equal to a fresh computation, recomputed when the key changes,
updated (not rescanned) when plans are added, replaced or removed."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

import svcsim
from svcsim.analysis import Analysis
from svcsim.analysis.store import code_fingerprint
from svcsim.clusters import cluster_corpus, score_innovation
from svcsim.dupes import analyse
from svcsim.embed import load_encoder
from svcsim.synth import generate_points_corpus

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "plans"


def _corpus(tmp_path: Path, files: list[Path]):
    corpus = svcsim.open_corpus(tmp_path / "c.db")
    svcsim.ingest_paths(corpus, [str(f) for f in files])
    return corpus


def _plain(x):
    return x.to_dict() if hasattr(x, "to_dict") else repr(x)


def _dicts(r):
    return ([p.to_dict() for p in r.pairs], [o.to_dict() for o in r.originality],
            [s.to_dict() for s in r.self_reuse], [_plain(b) for b in r.boilerplate],
            [_plain(c) for c in r.clusters], {k: _plain(v) for k, v in r.status.items()},
            (r.overlap.agencies, r.overlap.counts.tolist(), r.overlap.n_points.tolist()), repr(r.hidden))


def _themes(r):
    return (r.to_dicts(), r.labels, repr(r.clusters), repr(r.outliers), r.threshold, r.method,
            r.innovation.to_dicts() if r.innovation is not None else None, r.corpus.ids())


@pytest.fixture()
def files() -> list[Path]:
    return sorted(EXAMPLES.glob("*.txt"))


@pytest.fixture()
def enc():
    return load_encoder("hash")


def test_stored_results_equal_fresh(tmp_path, files, enc):
    corpus = _corpus(tmp_path, files)
    emb = svcsim.embed_corpus(corpus, enc)
    points = emb.of_kind("point")
    fresh = analyse(emb)
    innov = score_innovation(points, dupes=fresh)
    themes = cluster_corpus(points, assign_outliers=True)
    top = cluster_corpus(points, innovative_only=0.5, innovation=innov)
    for _ in range(2):  # computes and stores, then reads
        a = Analysis.open(corpus, emb)
        assert _dicts(a.dupes()) == _dicts(fresh)
        assert a.dupes().to_frame("pairs").equals(fresh.to_frame("pairs"))
        assert a.innovation().to_dicts() == innov.to_dicts()
        assert _themes(a.clusters(assign_outliers=True)) == _themes(themes)
        assert _themes(a.clusters(innovative_only=0.5)) == _themes(top)
    for result in ("dupes", "innovation"):
        assert a.stored_key(a.name(result)) == a.key(result)
    assert len(fresh.pairs) > 0


def test_loading_computes_nothing(tmp_path, files, enc, monkeypatch):
    corpus = _corpus(tmp_path, files)
    emb = svcsim.embed_corpus(corpus, enc)
    Analysis.open(corpus, emb).refresh()
    import svcsim.analysis.delta as delta
    import svcsim.clusters as clusters
    import svcsim.clusters.innovation as innovation

    def fail(*a, **k):
        pytest.fail("recomputed a stored result")

    for mod, fn in ((delta, "full_scan"), (delta, "rescan"), (innovation, "score_innovation"),
                    (clusters, "cluster_corpus")):
        monkeypatch.setattr(mod, fn, fail)
    a = Analysis.open(corpus, emb)
    a.dupes(), a.innovation(), a.clusters()


def _synth(tmp_path, n=700, seed=3):
    plans = generate_points_corpus(n, seed=seed).plans
    corpus = svcsim.open_corpus(tmp_path / "s.db")
    for p in plans[:-1]:
        corpus.add_plan(p)
    return corpus, plans


def _edited(plan, donor):
    """``plan`` with one point reworded, its last point dropped and one of ``donor``'s points copied in."""
    item = plan.items[1]
    measure = item.measures[0]
    pts = list(measure.points)
    pts[0] = dataclasses.replace(pts[0], text=pts[0].text + "並加強宣導")
    pts = pts[:-1] + [dataclasses.replace(donor.items[1].measures[0].points[0], n=len(pts))]
    item = dataclasses.replace(item, measures=(dataclasses.replace(measure, points=tuple(pts)),) + item.measures[1:])
    return dataclasses.replace(plan, items=(plan.items[0], item) + plan.items[2:], content_hash="")


@pytest.mark.parametrize("min_label, kinds", [("near_copy", "point"), ("paraphrase", "all")])
def test_refresh_after_add_replace_remove_equals_a_full_analysis(tmp_path, enc, monkeypatch, min_label, kinds):
    corpus, plans = _synth(tmp_path)

    def embedded():
        e = svcsim.embed_corpus(corpus, enc)
        return e.of_kind("point") if kinds == "point" else e

    assert Analysis.open(corpus, embedded(), min_label=min_label).refresh() == {"all": "computed"}
    import svcsim.analysis.delta as delta
    import svcsim.clusters.knn as knn

    changes = [lambda: corpus.add_plan(plans[-1]),
               lambda: corpus.add_plan(_edited(plans[5], plans[7])),
               lambda: corpus.remove_plan(corpus.plans()[2].id)]
    for change in changes:
        change()
        emb = embedded()
        with monkeypatch.context() as m:
            m.setattr(delta, "full_scan", lambda *a, **k: pytest.fail("rescanned the whole corpus"))
            # the innovation's neighbour lists are kept and updated, never searched in full again
            m.setattr(knn, "exact_knn", lambda *a, **k: pytest.fail("searched every neighbour list again"))
            a = Analysis.open(corpus, emb, min_label=min_label)
            how = a.refresh()
        assert all(v.split(";")[0] == "delta" for v in how.values()) and how, how
        fresh = analyse(emb, min_label=min_label)
        assert _dicts(a.dupes()) == _dicts(fresh)
        innov = score_innovation(emb.of_kind("point"), dupes=fresh)
        assert a.innovation().to_dicts() == innov.to_dicts()
        assert _themes(a.clusters()) == _themes(cluster_corpus(emb.of_kind("point")))
        # and what was stored reads back equal
        b = Analysis.open(corpus, emb, min_label=min_label)
        assert _dicts(b.dupes()) == _dicts(fresh)


def test_variants_are_kept_side_by_side(tmp_path, files, enc):
    corpus = _corpus(tmp_path, files)
    emb = svcsim.embed_corpus(corpus, enc)
    web = Analysis.open(corpus, emb.of_kind("point"), min_label="near_copy")
    report = Analysis.open(corpus, emb)
    web.refresh(clusters=False)
    report.refresh(clusters=False)
    assert web.name("dupes") != report.name("dupes")
    web2 = Analysis.open(corpus, emb.of_kind("point"), min_label="near_copy")
    assert web2.stored_key(web2.name("dupes")) == web2.key("dupes")
    assert report.stored_key(report.name("dupes")) == report.key("dupes")


def test_settings_are_part_of_the_key(tmp_path, files, enc):
    corpus = _corpus(tmp_path, files)
    emb = svcsim.embed_corpus(corpus, enc)
    a = Analysis.open(corpus, emb)
    assert a.key("dupes") != Analysis.open(corpus, emb, min_label="copy").key("dupes")
    assert a.key("dupes") != Analysis.open(corpus, emb, scan=svcsim.PairScan(k=5)).key("dupes")
    assert a.key("clusters", method="agglomerative") != a.key("clusters", method="hdbscan")


def test_pair_classifier_weights_are_part_of_the_key(tmp_path):
    package = Path(svcsim.__file__).resolve().parent
    copy = tmp_path / "svcsim"
    for sub in ("analysis", "dupes", "clusters", "text"):
        shutil.copytree(package / sub, copy / sub, ignore=shutil.ignore_patterns("__pycache__"))
    before = code_fingerprint(copy)
    assert before == code_fingerprint(package)
    weights = copy / "dupes" / "data" / "pair_model.json"
    weights.write_text(weights.read_text(encoding="utf-8").replace("0", "1", 1), encoding="utf-8")
    code_fingerprint.cache_clear()
    assert code_fingerprint(copy) != before


def test_interrupted_write_keeps_the_old_result(tmp_path, files, enc):
    corpus = _corpus(tmp_path, files)
    emb = svcsim.embed_corpus(corpus, enc)
    a = Analysis.open(corpus, emb)
    a.refresh(clusters=False)
    before = a.stored_key(a.name("dupes"))

    class Interrupted(dict):  # Ctrl-C after the first array is written
        def items(self):
            yield "a.npy", b"1"
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        a._write(a.name("dupes"), "new-key", Interrupted())
    assert a.stored_key(a.name("dupes")) == before
    assert _dicts(Analysis.open(corpus, emb).dupes()) == _dicts(analyse(emb))


def test_old_database_without_the_tables_opens(tmp_path, files, enc):
    corpus = _corpus(tmp_path, files)
    emb = svcsim.embed_corpus(corpus, enc)
    Analysis.open(corpus, emb).dupes()
    corpus._conn.execute("DROP TABLE analysis_arrays")
    corpus._conn.execute("DROP TABLE analysis_results")
    a = Analysis.open(corpus, emb)
    assert a.stored_key(a.name("dupes")) is None
    assert _dicts(a.dupes()) == _dicts(analyse(emb))
    assert a.stored_key(a.name("dupes")) == a.key("dupes")


def test_inside_a_snapshot_results_come_without_being_stored(tmp_path, files, enc):
    corpus = _corpus(tmp_path, files)
    emb = svcsim.embed_corpus(corpus, enc)
    with corpus.snapshot():
        a = Analysis.open(corpus, emb, min_label="near_copy")
        assert _dicts(a.dupes()) == _dicts(analyse(emb, min_label="near_copy"))
    assert a.stored_key(a.name("dupes")) is None
    Analysis.open(corpus, emb, min_label="near_copy").dupes()
    assert a.stored_key(a.name("dupes")) == a.key("dupes")


def test_a_refresh_segments_only_the_new_plans_texts(tmp_path, enc, monkeypatch):
    corpus, plans = _synth(tmp_path, n=300)
    Analysis.open(corpus, svcsim.embed_corpus(corpus, enc).of_kind("point"), min_label="near_copy").refresh()
    old = {e.text for e in svcsim.embed_corpus(corpus, enc).of_kind("point").entries}
    corpus.add_plan(plans[-1])
    points = svcsim.embed_corpus(corpus, enc).of_kind("point")
    new = {e.text for e in points.entries} - old
    assert new
    import svcsim.text.segment as segment

    seen: list[str] = []
    real = segment.token_spans
    monkeypatch.setattr(segment, "token_spans", lambda t: seen.append(t) or real(t))
    a = Analysis.open(corpus, points, min_label="near_copy")  # a new process' view: only the database is shared
    a.refresh()
    assert set(seen) == new and len(seen) == len(new)
    used = a.innovation_update  # the kept neighbour lists were updated and only new texts parsed
    assert used["lists_searched"] == 0 and used["lists_updated"] == 1 and used["texts_parsed"] == len(new)
    assert a.innovation().to_dicts() == score_innovation(points, dupes=analyse(points, min_label="near_copy")).to_dicts()
    assert _themes(a.clusters()) == _themes(cluster_corpus(points))
