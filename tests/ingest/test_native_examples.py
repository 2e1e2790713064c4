"""The native documents in examples/native (a PDF, an ODT, a Word file with automatic numbering
and an agency web page) parse to exactly the plans they were rendered from."""

from __future__ import annotations

from pathlib import Path

import pytest

from svcsim.ingest import load_plan

NATIVE = Path(__file__).resolve().parents[2] / "examples" / "native"


def test_each_committed_native_example_parses_exactly():
    from svcsim.synth.examples import NATIVE_FORMS, NATIVE_KW
    from svcsim.synth.generate import generate_corpus
    from svcsim.synth.native import LAYOUTS, expected_plan

    if not NATIVE.is_dir():
        pytest.skip("examples/native not present")
    plans = generate_corpus(**NATIVE_KW).plans
    kinds = []
    for plan, (fmt, layout) in zip(plans, NATIVE_FORMS):
        path = NATIVE / f"{Path(plan.file).stem}.{fmt}"
        loaded = load_plan(path)
        want = plan if layout == "cms" else expected_plan(plan, LAYOUTS[layout])
        assert loaded.plan.to_dict()["items"] == want.to_dict()["items"], path.name
        assert (loaded.plan.agency, loaded.plan.roc_year) == (want.agency, want.roc_year)
        kinds.append(loaded.kind)
    assert kinds == ["pdf", "odt", "docx", "html"]
