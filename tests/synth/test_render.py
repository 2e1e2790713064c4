"""The writer: byte determinism, the seed quirks it must show, and parse(write(plan)) == plan."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from svcsim.errors import InputError
from svcsim.model import Plan
from svcsim.synth import generate_corpus, write_plan
from svcsim.synth.render import _han

ROOT = Path(__file__).resolve().parents[2]


def _plain(plan: Plan) -> Plan:
    return dataclasses.replace(plan, content_hash="")


@pytest.fixture(scope="module")
def corpus():
    return generate_corpus(n_agencies=10, n_years=2, seed=5, copy_rate=0.05, innovation_rate=0.05)


def test_same_plan_and_seed_give_identical_bytes(corpus, tmp_path):
    plan = corpus.plans[3]
    a = write_plan(plan, tmp_path / "a.txt", seed=2)
    b = write_plan(plan, tmp_path / "sub" / "b.txt", seed=2)
    assert a == b
    assert (tmp_path / "a.txt").read_bytes() == (tmp_path / "sub" / "b.txt").read_bytes() == a.encode("utf-8")
    assert write_plan(plan, seed=3) != a


def test_clean_output_holds_every_text_verbatim(corpus):
    plan = corpus.plans[0]
    text = write_plan(plan, messy=False)
    assert "<p>" not in text and "<ol" not in text
    for it in plan.items:
        for m in it.measures:
            assert m.title in text
            for p in m.points:
                assert p.text in text


def test_messy_output_shows_the_seed_quirks(corpus):
    texts = [write_plan(p, seed=i) for i, p in enumerate(corpus.plans)]
    joined = "\n".join(texts)
    assert '<ol style="list-style-type: none"> <li>1. ' in joined
    assert re.search(r"<p>\d+\. ", joined)
    assert "（" in joined and re.search(r"^(<p>)?[一二三四五六]\. ", joined, re.M)
    assert re.search(r"^\t\t\S", joined, re.M)  # a continuation row with empty leading cells
    assert "訂定「提升服務計畫」\t" in joined
    assert "實施要項\t\t執行重點\t執行單位" in joined or "執行要項(具體措施)" in joined
    assert re.search(r"<p>\(一\)[^<]*</p> <p>\(二\)", joined)  # merged measures in one cell
    assert re.search(r"- 一、", joined)


def test_page_breaks_cut_only_between_two_cjk_ideographs(corpus):
    checked = 0
    for i, plan in enumerate(corpus.plans):
        lines = write_plan(plan, seed=i).splitlines()
        for k in range(2, len(lines)):
            if lines[k - 1] == "" and lines[k].startswith("\t") and "\t" in lines[k - 2]:
                before = lines[k - 2] if "---" not in lines[k - 2] and lines[k - 2] != "--\t--\t--\t--" else lines[k - 3]
                for head, tail in zip(before.split("\t"), lines[k].split("\t")):
                    h = re.sub(r"<[^>]+>|\s", "", head)
                    t = re.sub(r"<[^>]+>|\s", "", tail)
                    if h and t and not re.match(r"\d+\.|[(（]", t):
                        if not (h[-1] in "。" or t[:1] in "("):
                            assert _han(h[-1]) and _han(t[0]), (plan.file, h[-10:], t[:10])
                            checked += 1
    assert checked > 20


def test_bad_input_raises_input_error():
    with pytest.raises(InputError):
        write_plan("not a plan")  # type: ignore[arg-type]


# ------------------------------------------------------------------ round trip through the parser

@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("messy", [False, True])
def test_parse_of_write_gives_back_the_plan(seed, messy):
    ingest = pytest.importorskip("svcsim.ingest")
    corpus = generate_corpus(n_agencies=5, n_years=2, seed=seed, copy_rate=0.05, innovation_rate=0.05)
    for i, plan in enumerate(corpus.plans):
        text = write_plan(plan, messy=messy, seed=seed * 100 + i)
        assert _plain(ingest.parse_text(text, file=plan.file)) == plan


def test_parse_file_round_trip_on_disk(tmp_path):
    ingest = pytest.importorskip("svcsim.ingest")
    plan = generate_corpus(n_agencies=2, n_years=1, seed=9).plans[1]
    path = tmp_path / plan.file
    write_plan(plan, path, seed=1)
    assert _plain(ingest.parse_file(path)) == plan


# ------------------------------------------------------------------ committed examples

def test_committed_examples_match_the_generator(tmp_path):
    from svcsim.synth.examples import write_examples

    examples = ROOT / "examples"
    if not (examples / "plans").is_dir():
        pytest.skip("examples/ not present")
    for path in write_examples(tmp_path):
        rel = path.relative_to(tmp_path)
        assert (examples / rel).read_bytes() == path.read_bytes(), f"{rel} is stale; run python -m svcsim.synth.examples examples"


def test_examples_parse_back_and_bad_ones_are_rejected():
    ingest = pytest.importorskip("svcsim.ingest")
    from svcsim.errors import PlanParseError
    from svcsim.synth.examples import example_corpus

    examples = ROOT / "examples"
    if not (examples / "plans").is_dir():
        pytest.skip("examples/ not present")
    for plan in example_corpus().plans:
        assert _plain(ingest.parse_file(examples / "plans" / plan.file)) == plan
    for name in ("empty.txt", "meeting_minutes.txt"):
        with pytest.raises(PlanParseError):
            ingest.parse_file(examples / "bad" / name)
    big5 = ingest.parse_file(examples / "bad" / "big5_plan.txt")
    assert big5.items == example_corpus().plans[0].items
