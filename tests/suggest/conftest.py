from __future__ import annotations

import pytest

from fixture_plans import build_corpus
from svcsim.embed import HashEncoder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    c = build_corpus(tmp_path_factory.mktemp("suggest") / "corpus.db", HashEncoder())
    yield c
    c.close()


@pytest.fixture(scope="module")
def suggester(corpus):
    from svcsim.suggest import Suggester

    return Suggester.build(corpus, HashEncoder())
