"""Copies disguised with invisible characters, accents, Simplified or full-width forms, or buried in
other text, are still found, with spans on the right original characters (issue #12, item 1)."""

from __future__ import annotations

import random

import pytest

from svcsim.dupes import PairScan, Thresholds, analyse, find_pairs
from svcsim.embedded import EmbeddedCorpus
from svcsim.dupes.classify import COPY_LABELS
from svcsim.embed import HashEncoder
from svcsim.model import Entry
from svcsim.synth.obfuscate import EVASIONS, bury
from svcsim.text import match_key

LEXICAL = Thresholds(paraphrase=2.0, paraphrase_same_measure=2.0, related=2.0, related_with_overlap=2.0)

SRC = "本局每年至少2次檢視戶政業務作業流程與標準作業流程圖，刪減不必要的步驟，推動簡政便民並公告於網站。"
OTHERS = [
    "辦理志工教育訓練課程，提升志工服務熱忱與專業知能。",
    "建置線上預約系統，民眾可透過手機預約臨櫃洽公時段。",
    "定期召開服務品質檢討會議，追蹤各項改善措施之執行進度。",
    "結合社區資源辦理長者關懷訪視，建立獨居老人緊急通報機制。",
    "優化官方網站無障礙設計，通過無障礙檢測並取得標章。",
    "推廣電子支付繳納規費，減少民眾臨櫃排隊等候時間。",
    "彙整民眾常見問題建立知識庫，提供客服人員即時查詢。",
    "強化資訊安全防護，每半年辦理社交工程演練乙次。",
    "設置多語翻譯服務，協助新住民及外籍人士申辦各項業務。",
    "每月統計案件處理時效，逾期案件列管追蹤至結案為止。",
]
# 94 normalised characters, as in the finding
LONG = ("本所為提升為民服務品質，每年定期檢視各項申辦業務之作業流程與應備書表，刪減不必要之步驟及證明文件，"
        "並將檢視結果公告於本所網站及公布欄，供民眾查閱及提供意見，以落實簡政便民之目標，並每半年追蹤改善成效各。")


def _entries(texts_by_agency):
    out = []
    for i, (agency, text) in enumerate(texts_by_agency):
        out.append(Entry(id=i, kind="point", agency=agency, year=2024, file=f"{agency}.txt", item="一",
                         measure="(一)", n=i + 1, text=text, plan_id=i))
    return out


def _pairs(texts_by_agency):
    entries = _entries(texts_by_agency)
    vectors = HashEncoder(dim=256).encode([e.text for e in entries])
    return entries, vectors, find_pairs(EmbeddedCorpus(entries, vectors), min_label="near_copy", scan=PairScan(thresholds=LEXICAL))


def _pair_of(pairs, a, b):
    found = [p for p in pairs if {p.a.text, p.b.text} == {a, b}]
    assert len(found) == 1, f"no pair reported for {b[:20]!r}…"
    return found[0]


@pytest.mark.parametrize("name", sorted(EVASIONS))
def test_disguised_verbatim_copy_is_found_with_spans_on_its_characters(name):
    copy = EVASIONS[name](SRC, random.Random(7))
    assert copy is not None and copy != SRC
    corpus = [("甲", SRC), *(("丙", t) for t in OTHERS), ("乙", copy)]
    _, _, pairs = _pairs(corpus)
    p = _pair_of(pairs, SRC, copy)
    assert p.label in COPY_LABELS
    # a copy reads the same once the invisible characters are gone; Simplified is a character change
    assert p.label == ("near_copy" if name == "simplified" else "copy")
    covered = 0
    for a0, a1, b0, b1 in p.spans:
        assert match_key(p.a.text[a0:a1]) == match_key(p.b.text[b0:b1])
        covered += len(match_key(p.a.text[a0:a1]))
    assert covered >= 0.9 * len(match_key(SRC))
    # on the copy's side the spans run from its first character to its last copied one (站), with
    # the mark that sits on 站, if any: no visible character is cut off, none is added
    copy_spans = [s[:2] if p.a.text == copy else s[2:] for s in p.spans]
    assert min(s0 for s0, _ in copy_spans) == 0
    marked = name in ("variation_selectors", "grapheme_joiners", "combining_accents")
    assert max(s1 for _, s1 in copy_spans) == copy.rindex("站") + 1 + marked


@pytest.mark.parametrize("before_chars", [200, 800])
def test_copy_buried_in_other_text_is_a_contained_copy(before_chars):
    filler = ""
    k = 0
    while len(match_key(filler)) < before_chars:
        filler += OTHERS[k % len(OTHERS)]
        k += 1
    buried = bury(LONG, random.Random(0), before=filler, after=OTHERS[3])
    assert len(match_key(LONG)) == 94
    corpus = [("甲", LONG), *(("丙", t) for t in OTHERS[4:6]), ("乙", buried)]
    _, _, pairs = _pairs(corpus)
    p = _pair_of(pairs, LONG, buried)
    assert p.label == "near_copy" and p.contained
    a_is_src = p.a.text == LONG
    runs = [(s[0], s[1], s[2], s[3]) if a_is_src else (s[2], s[3], s[0], s[1]) for s in p.spans]
    src_span = max(runs, key=lambda r: r[1] - r[0])
    # the whole 94-character copy (up to its final 。, which matching ignores), at the right place
    end = len(LONG) - 1
    assert (src_span[0], src_span[1]) == (0, end)
    assert (src_span[2], src_span[3]) == (len(filler), len(filler) + end)
    assert buried[src_span[2]:src_span[3]] == LONG[:end]


def test_short_point_copied_inside_a_long_one_is_contained():
    short = "建置線上預約系統，民眾可透過手機預約臨櫃洽公時段。"  # 23 normalised chars: needs a 17-char run
    long = "為提升便民服務，" + short + "另於各區公所設置自助服務機台，提供二十四小時申辦與查詢，並每季檢討使用率與民眾回饋意見。"
    _, _, pairs = _pairs([("甲", short), ("乙", long), ("丙", OTHERS[0])])
    p = _pair_of(pairs, short, long)
    assert p.label == "near_copy" and p.contained


def test_shared_phrase_below_the_contained_bar_is_not_a_copy():
    a = "辦理民眾滿意度調查，針對滿意度較低項目提出改善措施，並於年底彙整成果報告陳報首長。"
    b = "每年委託專業機構辦理民眾滿意度調查，結果作為下年度修正為民服務措施之參考依據，另定期追蹤改善情形並公告。"
    _, _, pairs = _pairs([("甲", a), ("乙", b)])
    assert not [p for p in pairs if {p.a.text, p.b.text} == {a, b}]


def test_contained_flag_and_hidden_counts_are_in_the_json():
    copy = EVASIONS["variation_selectors"](SRC, random.Random(3))
    _, _, pairs = _pairs([("甲", SRC), ("乙", copy)])
    d = _pair_of(pairs, SRC, copy).to_dict()
    assert d["contained"] is False
    assert {d["hidden_a"], d["hidden_b"]} == {0, len(copy) - len(SRC)}


def test_analysis_lists_points_carrying_invisible_characters():
    copy = EVASIONS["hangul_fillers"](SRC, random.Random(4))
    entries = _entries([("甲", SRC), ("乙", copy), ("丙", OTHERS[0])])
    r = analyse(EmbeddedCorpus(entries, HashEncoder(dim=256).encode([e.text for e in entries])), min_label="near_copy", scan=PairScan(thresholds=LEXICAL))
    assert [h.entry.text for h in r.hidden] == [copy]
    chars = r.hidden[0].chars
    assert len(chars) == len(copy) - len(SRC)
    assert all(copy[h.index] in "\u3164\uffa0\u115f\u1160" and h.kind == "filler" for h in chars)
    # the disguised copy counts against both plans' originality
    assert {o.agency: o.n_copied for o in r.originality} == {"甲": 1, "乙": 1, "丙": 0}
