from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "suggest"))

from fixture_plans import build_corpus  # noqa: E402
from svcsim.embed import HashEncoder  # noqa: E402


@pytest.fixture(scope="module")
def suggester(tmp_path_factory):
    from svcsim.suggest import Suggester

    corpus = build_corpus(tmp_path_factory.mktemp("web") / "corpus.db", HashEncoder())
    s = Suggester(corpus, HashEncoder())
    corpus.close()  # the suggester keeps what it needs in memory
    return s


@pytest.fixture(scope="module")
def app(suggester):
    from svcsim.web import create_app

    return create_app(suggester)
