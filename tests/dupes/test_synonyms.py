"""Copies with words swapped for synonyms are near copies; rewritten sentences are not (issue #15)."""

import random

import numpy as np
import pytest

from svcsim.dupes import PairScan, Thresholds, find_pairs
from svcsim.dupes.synonyms import canonical, canonical_key, is_edited_copy
from svcsim.embed import HashEncoder
from svcsim.embedded import EmbeddedCorpus
from svcsim.model import Entry
from svcsim.synth.obfuscate import UNLISTED, synonym_swap
from svcsim.text.normalize import match_key

LEXICAL = Thresholds(paraphrase=2.0, paraphrase_same_measure=2.0, related=2.0, related_with_overlap=2.0)

SRC = "提供民眾網站資訊查詢服務。"          # 12 normalised characters
TABLE_SWAPS = "給予市民網頁訊息查詢服務。"       # 提供→給予, 民眾→市民, 網站→網頁, 資訊→訊息: no 4-character run left
UNLISTED_SRC = "每季檢討申請流程並更新表單內容"
UNLISTED_COPY = "每季檢討申請程序並更新表格內容"  # 流程→程序, 表單→表格: in no detection table
REWRITTEN = "每季召開會議檢視民眾意見並改善"    # same opening, the rest rewritten


def _corpus(texts, vectors=None):
    entries = [Entry(id=i, kind="point", agency=f"機關{i}", year=2024, file=f"{i}.txt", item="一",
                     measure="(一)", n=1, text=t, plan_id=i) for i, t in enumerate(texts)]
    if vectors is None:
        vectors = HashEncoder(dim=256).encode(texts)
    return EmbeddedCorpus(entries, vectors)


def _labels(corpus, t=Thresholds()):
    return {frozenset((p.a.text, p.b.text)): p for p in find_pairs(corpus, min_label="near_copy",
                                                                   scan=PairScan(thresholds=t, pair_model=None))}


def test_canonical_rewrites_synonyms_and_maps_back():
    c = canonical(match_key(TABLE_SWAPS))
    assert c.text == canonical_key(match_key(SRC)) == match_key(SRC)
    assert [c.to_norm(i, i + 2) for i in (0, 2, 4, 6)] == [(0, 2), (2, 4), (4, 6), (6, 8)]
    longer = canonical("洽公民眾")  # a longer word of a group becomes its shorter head word
    assert longer.text == "民眾" and longer.to_norm(0, 2) == (0, 4)


def test_copy_with_four_table_swaps_is_a_near_copy_with_spans_into_the_originals():
    corpus = _corpus([SRC, TABLE_SWAPS, "辦理志工教育訓練課程。"])
    assert frozenset((SRC, TABLE_SWAPS)) not in _labels(corpus, Thresholds(synonyms=False))
    p = _labels(corpus)[frozenset((SRC, TABLE_SWAPS))]
    assert p.label == "near_copy" and not p.contained
    (a0, a1, b0, b1), = p.spans  # one run: the swapped words are inside it on both sides
    assert p.a.text[a0:a1].startswith(p.a.text[:2]) and p.b.text[b0:b1].endswith("服務")
    assert (a1 - a0, b1 - b0) == (12, 12)


def test_swaps_no_table_holds_need_the_vectors_to_agree():
    same = np.ones((2, 8), dtype=np.float32)
    apart = np.eye(2, 8, dtype=np.float32)
    texts = [UNLISTED_SRC, UNLISTED_COPY]
    assert _labels(_corpus(texts, same))[frozenset(texts)].label == "near_copy"
    assert frozenset(texts) not in _labels(_corpus(texts, apart))
    assert frozenset(texts) not in _labels(_corpus(texts, same), Thresholds(synonyms=False))


def test_a_rewritten_sentence_is_not_an_edited_copy_even_at_cosine_one():
    texts = [UNLISTED_SRC, REWRITTEN]
    assert frozenset(texts) not in _labels(_corpus(texts, np.ones((2, 8), dtype=np.float32)))
    assert not is_edited_copy(match_key(UNLISTED_SRC), match_key(REWRITTEN), max_gap=4, short_min=0.6,
                              long_min=0.35, min_len=10)


@pytest.mark.parametrize("seed", range(20))
def test_generated_synonym_edits_of_a_short_point_are_found(seed):
    rng = random.Random(seed)
    edited = synonym_swap(SRC + "並加強檢討作業流程。", rng)
    assert edited is not None
    src = SRC + "並加強檢討作業流程。"
    assert sum(a != b for a, b in zip(src, edited)) >= 4 or len(src) != len(edited)  # several swaps
    vectors = np.ones((2, 8), dtype=np.float32)  # the real model puts such pairs at ≥ 0.97
    assert _labels(_corpus([src, edited], vectors))[frozenset((src, edited))].label == "near_copy"


def test_unlisted_synonyms_are_outside_the_detection_table():
    assert all(canonical_key(match_key(w)) == match_key(w) for w in UNLISTED)
    assert all(canonical_key(match_key(s)) == match_key(s) for syn in UNLISTED.values() for s in syn)
