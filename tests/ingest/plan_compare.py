"""Compare a parsed plan with an expected JSON (gold file or hand-written fixture), with a readable diff."""

from __future__ import annotations

import difflib
import json

import pytest

from svcsim.model import Plan


def assert_plan_matches(plan: Plan, expected: dict, *, ignore: tuple[str, ...] = ("content_hash",),
                        label: str = "expected") -> None:
    """Fail with a unified diff (first 80 lines) when ``plan.to_dict()`` differs from ``expected``.

    ``ignore`` lists top-level keys left out on both sides (provenance the expected file lacks).
    """
    got = {k: v for k, v in plan.to_dict().items() if k not in ignore}
    want = {k: v for k, v in expected.items() if k not in ignore}
    if got != want:
        diff = difflib.unified_diff(
            json.dumps(want, ensure_ascii=False, indent=1).splitlines(),
            json.dumps(got, ensure_ascii=False, indent=1).splitlines(),
            label, "parsed", lineterm="", n=2,
        )
        pytest.fail(f"parse differs from {label}:\n" + "\n".join(list(diff)[:80]))
