import numpy as np
import pytest

from svcsim.dupes import PairScan, TemplateRule, Thresholds, analyse, classify, find_pairs
from svcsim.embedded import EmbeddedCorpus
from svcsim.dupes.align import align
from svcsim.errors import InputError
from svcsim.text.normalize import match_key

from dupes_corpus import C_COPY, C_SRC, N_COPY, R_SRC, R_SWAP, SCRIPT, TITLE_1, V_COPY, V_SRC, Y_KEEP, Y_SRC

# HashEncoder cosines are not e5 cosines: switch the semantic classes off so these tests are lexical.
LEXICAL = Thresholds(paraphrase=2.0, paraphrase_same_measure=2.0, related=2.0, related_with_overlap=2.0)
# The C copy is carried by 3 of the 4 agencies, which the default rule calls template; the tests
# of agency-to-agency copying need it to stay a copy.
RULE = TemplateRule(min_agencies=4)


def _by_texts(pairs):
    return {frozenset((p.a.text, p.b.text)): p for p in pairs}


def test_planted_copies_get_their_labels(corpus):
    entries, vectors = corpus
    got = _by_texts(find_pairs(EmbeddedCorpus(entries, vectors), min_label="near_copy", scan=PairScan(thresholds=LEXICAL)))
    assert got[frozenset((C_SRC, C_COPY))].label == "copy"
    assert got[frozenset((C_SRC, N_COPY))].label == "near_copy"
    assert got[frozenset((V_SRC, V_COPY))].label == "near_copy"  # 臺→台 is a change, not width
    assert got[frozenset((R_SRC, R_SWAP))].label == "near_copy"
    assert got[frozenset((Y_SRC, Y_KEEP))].label == "near_copy"
    assert frozenset((C_SRC, SCRIPT)) not in got


def test_only_planted_point_pairs_are_reported(corpus):
    entries, vectors = corpus
    point_pairs = {k for k, p in _by_texts(find_pairs(EmbeddedCorpus(entries, vectors), min_label="near_copy", scan=PairScan(thresholds=LEXICAL))).items() if p.a.kind == "point"}
    planted = {frozenset(t) for t in [(C_SRC, C_COPY), (C_SRC, N_COPY), (C_COPY, N_COPY), (V_SRC, V_COPY),
                                      (R_SRC, R_SWAP), (Y_SRC, Y_KEEP)]}
    opening = {k for k in point_pairs if len(k) == 1}  # the identical opening row of every plan
    assert point_pairs - opening == planted


def test_earlier_entry_is_a_and_spans_index_both_originals(corpus):
    entries, vectors = corpus
    for p in find_pairs(EmbeddedCorpus(entries, vectors), min_label="near_copy", scan=PairScan(thresholds=LEXICAL)):
        assert (p.a.year, p.a.file) <= (p.b.year, p.b.file)
        assert p.a.kind == p.b.kind
        assert p.spans
        for a0, a1, b0, b1 in p.spans:
            assert match_key(p.a.text[a0:a1]) == match_key(p.b.text[b0:b1])
            assert len(match_key(p.a.text[a0:a1])) >= 4


def test_template_titles_and_opening_row_are_template_but_copies_are_not(corpus):
    entries, vectors = corpus
    pairs = find_pairs(EmbeddedCorpus(entries, vectors), min_label="near_copy", scan=PairScan(thresholds=LEXICAL, template_rule=RULE))
    titles = [p for p in pairs if p.a.text == TITLE_1]
    assert len(titles) == 10 and all(p.template and p.label == "copy" for p in titles)  # 5 plans: C(5,2)
    assert all(p.template for p in pairs if p.a.item == "0")
    assert not _by_texts(pairs)[frozenset((C_SRC, C_COPY))].template
    assert not _by_texts(pairs)[frozenset((V_SRC, V_COPY))].template


def test_text_carried_by_most_agencies_is_template(corpus):
    entries, vectors = corpus
    pairs = _by_texts(find_pairs(EmbeddedCorpus(entries, vectors), min_label="near_copy", scan=PairScan(thresholds=LEXICAL)))
    assert pairs[frozenset((C_SRC, C_COPY))].template  # 3 of 4 agencies ≥ max(3, 50 %)
    assert not pairs[frozenset((V_SRC, V_COPY))].template  # 2 agencies


def test_cross_agency_only_drops_self_reuse(corpus):
    entries, vectors = corpus
    pairs = find_pairs(EmbeddedCorpus(entries, vectors), min_label="near_copy", cross_agency_only=True, scan=PairScan(thresholds=LEXICAL))
    assert pairs and all(p.a.agency != p.b.agency for p in pairs)
    assert frozenset((Y_SRC, Y_KEEP)) not in _by_texts(pairs)


def test_result_does_not_depend_on_entry_order(corpus):
    entries, vectors = corpus
    order = np.random.default_rng(0).permutation(len(entries))
    one = find_pairs(EmbeddedCorpus(entries, vectors), scan=PairScan(thresholds=LEXICAL))
    two = find_pairs(EmbeddedCorpus([entries[i] for i in order], vectors[order]), scan=PairScan(thresholds=LEXICAL))
    assert one == two


def test_semantic_classes_follow_cosine_thresholds():
    al = align("辦理志工教育訓練", "加強服務人員禮貌")  # nothing shared
    t = Thresholds()
    assert classify(al, 0.95, identical=False, same_measure=False, thresholds=t) == "paraphrase"
    assert classify(al, 0.921, identical=False, same_measure=True, thresholds=t) == "paraphrase"
    assert classify(al, 0.921, identical=False, same_measure=False, thresholds=t) == "related"
    assert classify(al, 0.905, identical=False, same_measure=False, thresholds=t) is None
    shared = align("辦理志工教育訓練課程與講座活動", "辦理志工教育以外的其他相關工作項目")
    assert 0.1 <= shared.cover_short < 0.7
    assert classify(shared, 0.905, identical=False, same_measure=False, thresholds=t) == "related"


def test_bad_inputs_say_what_to_do(corpus):
    entries, vectors = corpus
    with pytest.raises(InputError, match="one vector per entry"):
        find_pairs(EmbeddedCorpus(entries, vectors[:-1]))
    with pytest.raises(InputError, match="min_label"):
        find_pairs(EmbeddedCorpus(entries, vectors), min_label="similar")
    with pytest.raises(InputError, match="sequence of Entry"):
        find_pairs(EmbeddedCorpus(entries[0], vectors[:1]))
    with pytest.raises(InputError, match="EmbeddedCorpus"):  # the older (entries, vectors) call
        find_pairs(entries)
    with pytest.raises(InputError, match="PairScan.k"):
        PairScan(k=0)


def test_vectors_are_normalised_at_the_edge(corpus):
    entries, vectors = corpus
    assert find_pairs(EmbeddedCorpus(entries, vectors * 3.0), scan=PairScan(thresholds=LEXICAL)) == find_pairs(EmbeddedCorpus(entries, vectors), scan=PairScan(thresholds=LEXICAL))


def test_analyse_summarises_plans(corpus):
    entries, vectors = corpus
    r = analyse(EmbeddedCorpus(entries, vectors), min_label="near_copy", scan=PairScan(thresholds=LEXICAL, template_rule=RULE))
    orig = {o.file: o for o in r.originality}
    yi = orig["yi_113.txt"]  # 4 points: the opening row (template), 2 copies, 1 of its own
    assert (yi.n_template, yi.n_copied, yi.n_own) == (1, 2, 1) and yi.originality == pytest.approx(1 / 4)
    assert orig["jia_113.txt"].n_copied == 0 and orig["jia_113.txt"].n_reused >= 1  # reuse from its own agency only
    assert {r.status[e.id] for e in entries if e.kind == "point"} <= {"own", "template", "copied", "reused"}
    assert orig["jia_112.txt"].n_template == 1  # the opening row
    ov = r.overlap
    i, j = ov.agencies.index("乙所"), ov.agencies.index("丙局")
    assert ov.counts[i, j] == 2 and ov.counts[j, i] == 2 and np.all(np.diag(ov.counts) == 0)
    (yoy,) = r.self_reuse
    assert (yoy.file, yoy.previous_file, yoy.n_reused) == ("jia_113.txt", "jia_112.txt", 1)
    c_cluster = next(c for c in r.clusters if C_SRC in {m.text for m in c.members})
    assert c_cluster.source.text == C_SRC and c_cluster.source.year == 2023
    assert len(c_cluster.members) == 3 and not c_cluster.template
    counts = {(b.entry.file, b.entry.text): b for b in r.boilerplate}
    assert counts[("jia_112.txt", C_SRC)].n_agencies == 2
    assert counts[("jia_112.txt", TITLE_1)].template and counts[("jia_112.txt", TITLE_1)].n_agencies == 3


def test_frames_have_documented_columns(corpus):
    from svcsim.report import frames

    entries, vectors = corpus
    r = analyse(EmbeddedCorpus(entries, vectors), min_label="near_copy", scan=PairScan(thresholds=LEXICAL))
    pf = frames.pairs_frame(r.pairs)
    assert len(pf) == len(r.pairs) and {"a_agency", "b_text", "label", "spans"} <= set(pf.columns)
    of = frames.overlap_frame(r.overlap, share=True)
    assert list(of.index) == list(r.overlap.agencies) and of.values.max() <= 1.0
    plans = r.to_frame("plans")  # the rows of to_dict(): the same fields as the JSON
    assert len(plans) == 5 and {"n_own", "n_template", "n_copied", "n_reused", "originality", "roc_year"} <= set(plans)
    assert len(frames.copy_groups_frame(r.clusters)) == len(r.clusters)
    assert len(frames.boilerplate_frame(r.boilerplate)) == len(entries)
    assert list(r.to_frame("self_reuse")["n_reused"]) == [1]


def test_streamed_pairs_are_find_pairs_in_label_order(corpus):
    from svcsim.dupes import LABELS, iter_pairs

    entries, vectors = corpus
    listed = find_pairs(EmbeddedCorpus(entries, vectors), scan=PairScan(thresholds=LEXICAL))
    streamed = list(iter_pairs(EmbeddedCorpus(entries, vectors), scan=PairScan(thresholds=LEXICAL)))
    assert sorted(streamed, key=lambda p: (p.a.id, p.b.id)) == sorted(listed, key=lambda p: (p.a.id, p.b.id))
    ranks = [(LABELS.index(p.label), -p.lexical) for p in streamed]
    assert ranks == sorted(ranks)
    with pytest.raises(InputError, match="min_label"):
        iter_pairs(EmbeddedCorpus(entries, vectors), min_label="similar")  # raises at the call, not on first next()


def test_a_sentence_every_plan_repeats_is_counted_not_expanded():
    from svcsim.model import Entry

    n = 3000  # 4.5M pairs: analyse must count and group them without building them
    texts = ["依據市府提升服務實施計畫訂定本機關年度執行計畫。"] * n + ["運用無人機巡查轄區公共設施，即時通報損壞。"]
    entries = [Entry(id=i, kind="point", agency=f"機關{i % 40}", year=2022, file=f"{i}.txt", item="一",
                     measure="(一)", n=1, text=t, plan_id=i) for i, t in enumerate(texts)]
    vectors = np.ones((len(texts), 8), dtype=np.float32)
    vectors[-1, 0] = -5.0
    r = analyse(EmbeddedCorpus(entries, vectors), min_label="near_copy")
    assert len(r.pairs) == n * (n - 1) // 2
    first = next(iter(r.pairs))
    assert first.label == "copy" and first.template and first.lexical == 1.0
    (cluster,) = r.clusters
    assert len(cluster.members) == n and cluster.template
    assert all(o.n_copied == 0 for o in r.originality)  # template text is not copying...
    assert all(o.originality == (1.0 if o.n_template == 0 else 0.0) for o in r.originality)  # ...nor own text
    assert r.boilerplate[0].n_agencies == 39 and r.boilerplate[-1].n_agencies == 0
