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


def copy_families(planted, key):
    """Union-find over the planted copies (every kind but paraphrase): ``find(k)`` names the family of
    the text at ``key(ref)``, so a copy of a copy counts as a copy of the original too."""
    parent: dict = {}

    def find(k):
        parent.setdefault(k, k)
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for pp in planted:
        if pp.kind != "paraphrase":
            parent[find(key(pp.a))] = find(key(pp.b))
    return find
