"""The three seed plans parse exactly to their gold JSON (../shared; skipped when absent)."""

from __future__ import annotations

import json

import pytest

from plan_compare import assert_plan_matches

from svcsim.ingest import parse_file

SEEDS = ["000_ae3a233db015ce7f", "001_72458ec5985daac7", "003_ea2f468669ccafa5"]


@pytest.mark.parametrize("stem", SEEDS)
def test_seed_matches_gold(shared_dir, stem):
    seed = shared_dir / "seeds" / f"{stem}.txt"
    if not seed.exists():
        pytest.skip(f"{seed} not present")
    gold = json.loads((shared_dir / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
    assert_plan_matches(parse_file(seed), gold, label="gold")
