"""The three seed plans parse exactly to their gold JSON (../shared; skipped when absent)."""

from __future__ import annotations

import difflib
import json

import pytest

from svcsim.ingest import parse_file

SEEDS = ["000_ae3a233db015ce7f", "001_72458ec5985daac7", "003_ea2f468669ccafa5"]


def comparable(d: dict) -> dict:
    """Gold omits a point's ``units`` when it has none; ``Point.to_dict`` writes ``[]``."""
    d = json.loads(json.dumps(d))
    d.pop("content_hash", None)
    for it in d["items"]:
        for m in it["measures"]:
            for p in m["points"]:
                if not p.get("units"):
                    p.pop("units", None)
    return d


@pytest.mark.parametrize("stem", SEEDS)
def test_seed_matches_gold(shared_dir, stem):
    seed = shared_dir / "seeds" / f"{stem}.txt"
    if not seed.exists():
        pytest.skip(f"{seed} not present")
    got = comparable(parse_file(seed).to_dict())
    gold = comparable(json.loads((shared_dir / "gold" / f"{stem}.json").read_text(encoding="utf-8")))
    if got != gold:
        diff = difflib.unified_diff(
            json.dumps(gold, ensure_ascii=False, indent=1).splitlines(),
            json.dumps(got, ensure_ascii=False, indent=1).splitlines(),
            "gold",
            "parsed",
            lineterm="",
            n=2,
        )
        pytest.fail("parse differs from gold:\n" + "\n".join(list(diff)[:80]))
