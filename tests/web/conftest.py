from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "suggest"))

from fixture_plans import build_corpus  # noqa: E402
from svcsim.embed import HashEncoder  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "plans"


@pytest.fixture(autouse=True)
def _chinese_pages(monkeypatch):
    """The pages and their API speak the default language, whatever the developer's locale."""
    monkeypatch.setenv("SVCSIM_LANG", "zh")
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def suggester(tmp_path_factory):
    from svcsim.suggest import Suggester

    corpus = build_corpus(tmp_path_factory.mktemp("web") / "corpus.db", HashEncoder())
    s = Suggester.build(corpus, HashEncoder())
    corpus.close()  # the suggester keeps what it needs in memory
    return s


@pytest.fixture(scope="module")
def app(suggester):
    from svcsim.web import create_app

    return create_app(suggester)


@pytest.fixture(scope="session")
def review_suggester(tmp_path_factory):
    """The example plans, with one point made hostile markup, in a temp corpus."""
    from svcsim.embed import load_encoder
    from svcsim.ingest.into import ingest_paths
    from svcsim.store import Corpus
    from svcsim.suggest import Suggester

    src = tmp_path_factory.mktemp("plans")
    for f in EXAMPLES.glob("*.txt"):
        text = f.read_text(encoding="utf-8")
        if f.name == "範例局_114.txt":
            # the reader strips tags but decodes entities: this reaches the corpus as literal markup
            escaped = HOSTILE.replace("<", "&lt;").replace(">", "&gt;")
            text = text.replace("1. 持續優化本局網站版面", f"1. {escaped}持續優化本局網站版面", 1)
            assert escaped in text
        (src / f.name).write_text(text, encoding="utf-8")
    corpus = Corpus.open(tmp_path_factory.mktemp("db") / "corpus.db", create=True)
    ingest_paths(corpus, [src])
    enc = load_encoder("hash")
    s = Suggester.build(corpus, enc)
    corpus.close()
    return s


@pytest.fixture(scope="session")
def review_app(review_suggester):
    from svcsim.web import create_app

    return create_app(review_suggester)
