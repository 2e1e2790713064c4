"""Stored analysis results: read back equal to a fresh computation, recomputed when the key changes."""

from __future__ import annotations

from pathlib import Path

import pytest

import svcsim
from svcsim.analysis import Analysis
from svcsim.dupes import analyse
from svcsim.embed import load_encoder

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "plans"


def _corpus(tmp_path: Path, files: list[Path]):
    corpus = svcsim.open_corpus(tmp_path / "c.db")
    svcsim.ingest_paths(corpus, [str(f) for f in files])
    return corpus


def _dicts(r):
    def plain(x):
        return x.to_dict() if hasattr(x, "to_dict") else repr(x)

    return ([p.to_dict() for p in r.pairs], [o.to_dict() for o in r.originality],
            [s.to_dict() for s in r.self_reuse], [plain(b) for b in r.boilerplate],
            [plain(c) for c in r.clusters], {k: plain(v) for k, v in r.status.items()},
            (r.overlap.agencies, r.overlap.counts.tolist(), r.overlap.n_points.tolist()), repr(r.hidden))


@pytest.fixture()
def files() -> list[Path]:
    return sorted(EXAMPLES.glob("*.txt"))


def test_stored_result_equals_fresh(tmp_path, files):
    corpus = _corpus(tmp_path, files)
    emb = svcsim.embed_corpus(corpus, load_encoder("hash"))
    fresh = analyse(emb)
    first = Analysis.open(corpus, emb).dupes()       # computes and stores
    assert Analysis.open(corpus, emb).stored_key("dupes") == Analysis.open(corpus, emb).key("dupes")
    loaded = Analysis.open(corpus, emb).dupes()      # reads
    assert _dicts(first) == _dicts(fresh)
    assert _dicts(loaded) == _dicts(fresh)
    assert loaded.to_frame("pairs").equals(fresh.to_frame("pairs"))
    assert len(fresh.pairs) > 0


def test_loading_does_not_scan(tmp_path, files, monkeypatch):
    corpus = _corpus(tmp_path, files)
    emb = svcsim.embed_corpus(corpus, load_encoder("hash"))
    Analysis.open(corpus, emb).refresh()
    import svcsim.dupes.scan as scan

    monkeypatch.setattr(scan, "scan_pairs", lambda *a, **k: pytest.fail("rescanned a stored result"))
    Analysis.open(corpus, emb).dupes()


def test_added_plan_changes_the_key_and_recomputes(tmp_path, files):
    corpus = _corpus(tmp_path, files[:-1])
    emb = svcsim.embed_corpus(corpus, load_encoder("hash"))
    old_key = Analysis.open(corpus, emb).key("dupes")
    Analysis.open(corpus, emb).refresh()
    svcsim.ingest_paths(corpus, [str(files[-1])])
    emb2 = svcsim.embed_corpus(corpus, load_encoder("hash"))
    a = Analysis.open(corpus, emb2)
    assert a.key("dupes") != old_key and a.stored_key("dupes") == old_key
    assert _dicts(a.dupes()) == _dicts(analyse(emb2))
    assert a.stored_key("dupes") == a.key("dupes")


def test_settings_are_part_of_the_key(tmp_path, files):
    corpus = _corpus(tmp_path, files)
    emb = svcsim.embed_corpus(corpus, load_encoder("hash"))
    assert Analysis.open(corpus, emb).key("dupes") != Analysis.open(corpus, emb, min_label="copy").key("dupes")


def test_interrupted_write_keeps_the_old_result(tmp_path, files, monkeypatch):
    corpus = _corpus(tmp_path, files)
    emb = svcsim.embed_corpus(corpus, load_encoder("hash"))
    a = Analysis.open(corpus, emb)
    a.refresh()
    before = a.stored_key("dupes")

    class Interrupted(dict):  # Ctrl-C after the first array is written
        def items(self):
            yield "a.npy", b"1"
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        a._write("dupes", "new-key", Interrupted())
    assert a.stored_key("dupes") == before
    assert _dicts(a.dupes()) == _dicts(analyse(emb))


def test_old_database_without_the_tables_opens(tmp_path, files):
    corpus = _corpus(tmp_path, files)
    emb = svcsim.embed_corpus(corpus, load_encoder("hash"))
    corpus._conn.execute("DROP TABLE analysis_arrays")
    corpus._conn.execute("DROP TABLE analysis_results")
    a = Analysis.open(corpus, emb)
    assert a.stored_key("dupes") is None
    assert _dicts(a.dupes()) == _dicts(analyse(emb))
    assert a.stored_key("dupes") == a.key("dupes")
