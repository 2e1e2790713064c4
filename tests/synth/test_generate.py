"""The generator: determinism, sizes, planted truth that resolves and differs as intended."""

from __future__ import annotations

import re
import unicodedata

import pytest

from svcsim.errors import InputError
from svcsim.synth import corpus_shape, generate_corpus, generate_points_corpus, iter_points_corpus
from svcsim.synth.obfuscate import normal_form, split_clauses
from svcsim.synth.bank_template import SELF_WORDS, TEMPLATE


@pytest.fixture(scope="module")
def corpus():
    return generate_corpus(n_agencies=12, n_years=3, seed=7, copy_rate=0.08, innovation_rate=0.05)


def _lookup(corpus):
    by_file = {p.file: p for p in corpus.plans}

    def text(ref):
        plan = by_file[ref["file"]]
        item = next(it for it in plan.items if it.code == ref["item"])
        measure = next(m for m in item.measures if m.code == ref["measure"])
        if ref["n"] is None:
            return measure.title
        return next(p.text for p in measure.points if p.n == ref["n"])

    return text


def _squash(t: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", t))


def test_same_seed_same_corpus_other_seed_differs():
    a = generate_corpus(n_agencies=4, n_years=2, seed=3)
    b = generate_corpus(n_agencies=4, n_years=2, seed=3)
    c = generate_corpus(n_agencies=4, n_years=2, seed=4)
    assert a == b
    assert [p.to_dict() for p in a.plans] != [p.to_dict() for p in c.plans]


def test_shape_files_and_template(corpus):
    assert len(corpus.plans) == 36
    assert len({p.file for p in corpus.plans}) == 36
    assert {p.roc_year for p in corpus.plans} == {110, 111, 112}
    for plan in corpus.plans:
        codes = [it.code for it in plan.items if it.code != "0"]
        assert codes == [code for code, _, _ in TEMPLATE]
        for it in plan.items:
            for m in it.measures:
                assert [p.n for p in m.points] == list(range(1, len(m.points) + 1))


def test_texts_are_in_the_parsers_normal_form(corpus):
    for plan in corpus.plans:
        for it in plan.items:
            for m in it.measures:
                for t in [m.title] + [p.text for p in m.points]:
                    assert t == normal_form(t), t
                    assert not re.search(r"\d\.", t), t  # would read as list numbering


def test_planted_refs_resolve_and_kinds_all_occur(corpus):
    text = _lookup(corpus)
    kinds = set()
    for pair in corpus.planted:
        a, b = text(pair.a), text(pair.b)  # raises StopIteration/KeyError if a ref dangles
        kinds.add(pair.kind)
        assert (pair.a["n"] is None) == (pair.b["n"] is None)
        if pair.kind == "template":
            assert a == b and pair.a["n"] is None
        elif pair.kind == "copy":
            assert _squash(a) == _squash(b)
            assert (a == b) == (pair.obfuscation == "none")
        elif pair.kind == "yoy_reuse":
            assert pair.a["file"].split("_")[0] == pair.b["file"].split("_")[0]
        else:
            assert a != b
    assert kinds == {"template", "copy", "near_copy", "paraphrase", "yoy_reuse"}


def test_obfuscations_differ_in_the_intended_way(corpus):
    text = _lookup(corpus)
    seen = set()
    for pair in corpus.planted:
        if pair.kind not in ("near_copy", "paraphrase", "copy") or pair.a["n"] is None:
            continue
        a, b, how = text(pair.a), text(pair.b), pair.obfuscation
        seen.add(how)
        ca, _, _ = split_clauses(a)
        cb, _, _ = split_clauses(b)
        if how == "whitespace_width":
            assert a != b and _squash(a) == _squash(b)
        elif how == "agency_swap":
            words = [w for w in SELF_WORDS if w in a]
            assert words and any(b == a.replace(words[0], w) for w in SELF_WORDS if w != words[0])
        elif how == "insert_clause":
            assert len(cb) == len(ca) + 1 and all(c in cb for c in ca)
        elif how == "delete_clause":
            assert len(cb) == len(ca) - 1 and all(c in ca for c in cb)
        elif how == "reorder_clauses":
            assert sorted(ca) == sorted(cb) and ca != cb
        elif how == "synonym_swap":
            assert a != b and len(ca) == len(cb)
        elif how == "synonym_swap+reorder_clauses":
            assert a != b and len(ca) == len(cb) and sorted(ca) != sorted(cb)
    assert {"whitespace_width", "insert_clause", "reorder_clauses", "synonym_swap"} <= seen


def test_innovative_points_are_rare_specific_and_never_copied(corpus):
    text = _lookup(corpus)
    assert 0 < len(corpus.innovative) < 0.05 * corpus.n_points
    planted_refs = [p.a for p in corpus.planted] + [p.b for p in corpus.planted]
    for ref in corpus.innovative:
        assert "「" in text(ref)  # a named app/platform
        assert ref not in planted_refs


def test_rates_zero_plant_only_templates():
    c = generate_corpus(n_agencies=5, n_years=2, seed=1, copy_rate=0, yoy_reuse_rate=0, innovation_rate=0)
    assert {p.kind for p in c.planted} <= {"template", "near_copy"}
    assert all(p.a["n"] is None for p in c.planted)
    assert c.innovative == []


@pytest.mark.parametrize("n", [1_000, 10_000])
def test_points_corpus_sizes(n):
    c = generate_points_corpus(n, seed=0)
    assert 0.85 * n <= c.n_points <= 1.15 * n


def test_streaming_matches_shape():
    n_agencies, n_years = corpus_shape(100_000)
    assert n_years == 4
    total = sum(t.plan.n_points for t in iter_points_corpus(100_000))
    assert 85_000 <= total <= 115_000


def test_text_variety():
    c = generate_points_corpus(10_000, seed=2)
    texts = [p.text for pl in c.plans for it in pl.items for m in it.measures for p in m.points]
    assert len(set(texts)) > 0.5 * len(texts)


@pytest.mark.parametrize("kwargs", [
    dict(n_agencies=0, n_years=1), dict(n_agencies=2, n_years=1, copy_rate=1.5),
    dict(n_agencies=1, n_years=1, agencies="高雄市政府範例局"),
])
def test_bad_arguments_raise_input_error(kwargs):
    with pytest.raises(InputError):
        generate_corpus(**kwargs)


def test_provenance_covers_every_text_and_follows_copies(corpus):
    from svcsim.synth import ref_key

    prov = corpus.provenance
    refs = [(p.file, it.code, m.code, n) for p in corpus.plans for it in p.items for m in it.measures
            for n in [None, *(pt.n for pt in m.points)]]
    assert set(prov) == set(refs)
    for pair in corpus.planted:
        a, b = prov[ref_key(pair.a)], prov[ref_key(pair.b)]
        assert a.frame == b.frame  # a copy, a reuse or a template title keeps its source's frame
        if pair.a["n"] is not None:
            assert a.source == b.source
    copied = {ref_key(p.b) for p in corpus.planted}
    fresh = [r for r in refs if r[3] is not None and r not in copied]
    assert all(prov[r].source == r for r in fresh)
    assert {prov[ref_key(r)].frame.split("#")[0] for r in corpus.innovative} == {"innovative"}
    assert {prov[r].frame.split("#")[0] for r in refs if r[1] == "0" and r[3] is not None} == {"0"}


def test_streamed_provenance_matches_collected():
    from svcsim.synth import iter_corpus

    c = generate_corpus(n_agencies=8, n_years=2, seed=5, copy_rate=0.2)
    streamed = {}
    for t in iter_corpus(n_agencies=8, n_years=2, seed=5, copy_rate=0.2):
        streamed.update(t.provenance)
    assert streamed == c.provenance
