"""Fixture: the hand-written corpus of :mod:`dupes_corpus` with HashEncoder vectors."""

from __future__ import annotations

import pytest
from dupes_corpus import PLANS

from svcsim.embed import HashEncoder
from svcsim.model import entries_from_plans


@pytest.fixture(scope="session")
def corpus():
    entries = entries_from_plans(PLANS)
    vectors = HashEncoder(dim=256).encode([e.text for e in entries])
    return entries, vectors
