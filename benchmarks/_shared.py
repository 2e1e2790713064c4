"""Helpers for benchmarks: locate ../shared and load the gold plans and labelled pairs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def shared_or_skip(name: str) -> Path:
    """Return ../shared, or print a 'skipped' line and exit 0 when it is absent."""
    if not (SHARED / "gold").is_dir():
        print(f"{name}: skipped (../shared/gold not found beside the project)")
        sys.exit(0)
    return SHARED


def gold_plans(shared: Path):
    from svcsim.model import Plan

    return [Plan.from_dict(json.loads(p.read_text(encoding="utf-8"))) for p in sorted((shared / "gold").glob("*.json"))]


def gold_pairs(shared: Path) -> list[dict]:
    return [json.loads(line) for line in (shared / "gold" / "pairs.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def ref_key(ref: dict) -> tuple:
    return (ref["file"], ref["item"], ref["measure"], ref["n"])
