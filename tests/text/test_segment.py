"""Segmentation: Traditional text cut at the right places, offsets exact, stop words, laziness."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as st

from svcsim.errors import InputError
from svcsim.text import STOPWORDS, Token, tokenize, words
from svcsim.text import segment


@pytest.fixture(autouse=True)
def _home(tmp_path_factory, monkeypatch):
    # jieba's cache goes under SVCSIM_HOME; keep it out of the real home during tests
    monkeypatch.setenv("SVCSIM_HOME", str(tmp_path_factory.getbasetemp() / "home"))


def _words(s: str) -> list[str]:
    return [t.word for t in tokenize(s)]


def test_traditional_compound_is_not_mis_split():
    ws = _words("建立業務標準作業流程")
    assert "業務標" not in ws and "準作業" not in ws
    assert ws in (["建立", "業務", "標準", "作業", "流程"], ["建立", "業務", "標準作業流程"])


def test_domain_dictionary_words_stay_whole():
    ws = _words("設置單一窗口並於首長信箱回覆陳情，推動線上申辦及偏鄉數位落差改善")
    for w in ("單一窗口", "首長信箱", "線上申辦", "偏鄉", "數位落差"):
        assert w in ws


def test_tokens_are_original_traditional_substrings():
    s = "臺北市政府啓用電子謄本，並辦理滿意度調查。"
    toks = tokenize(s)
    assert "".join(t.word for t in toks) == s  # nothing but whitespace is dropped
    assert all(s[t.start : t.end] == t.word for t in toks)
    assert any("臺" in t.word for t in toks)  # never the Simplified 台


def test_full_width_latin_is_one_token():
    toks = tokenize("提供ＱＲ碼與ＡＰＰ服務")
    assert "ＡＰＰ" in [t.word for t in toks]


def test_whitespace_is_not_a_token():
    toks = tokenize("單一窗口  \n　首長信箱\t1999")
    assert [t.word for t in toks] == ["單一窗口", "首長信箱", "1999"]


_ALPHABET = list("建立業務標準作業流程臺台灣裏面啓動單一窗口ABCxyz0123ＡＢＣ１２３、，。；：「」（）() \n　-_.%")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=50))
def test_offsets_map_back_exactly(s):
    toks = tokenize(s)
    prev = 0
    for t in toks:
        assert isinstance(t, Token)
        assert s[t.start : t.end] == t.word
        assert prev <= t.start < t.end
        prev = t.end
    # only whitespace lies between tokens
    covered = set()
    for t in toks:
        covered.update(range(t.start, t.end))
    assert all(s[i].isspace() for i in range(len(s)) if i not in covered)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30))
def test_offsets_on_arbitrary_unicode(s):
    for t in tokenize(s):
        assert s[t.start : t.end] == t.word


def test_length_changing_conversion_falls_back(monkeypatch):
    seg = segment._segmenter()

    class Stretchy:  # a converter that, like a phrase table could, changes the length
        def convert(self, text):
            return text.replace("臺", "台台") if len(text) > 1 else {"臺": "台台", "業": "业"}.get(text, text)

    monkeypatch.setattr(seg, "_t2s", Stretchy())
    s = "臺灣業務"
    twin = seg.to_simplified(s)
    assert len(twin) == len(s) and twin[0] == "臺" and twin[2] == "业"
    assert all(s[t.start : t.end] == t.word for t in tokenize(s))


def test_words_drop_stopwords_and_punctuation():
    ws = words("本局持續辦理民眾滿意度調查，並提供相關服務。")
    assert "滿意度調查" in ws
    for stop in ("本局", "持續", "辦理", "民眾", "並", "提供", "相關", "服務", "，", "。"):
        assert stop not in ws
    all_ws = words("本局持續辦理民眾滿意度調查", drop_stopwords=False)
    assert "辦理" in all_ws and "本局" in all_ws


def test_words_min_len():
    assert all(len(w) >= 2 for w in words("設置志工及愛心傘與老花眼鏡", min_len=2))
    with pytest.raises(InputError, match="min_len"):
        words("單一窗口", min_len=0)


def test_stopwords_are_loaded_and_typed():
    assert isinstance(STOPWORDS, frozenset)
    assert {"辦理", "提供", "加強", "持續", "相關", "民眾", "服務", "本局", "本所", "各項", "推動", "以及", "並", "等"} <= STOPWORDS
    assert "單一窗口" not in STOPWORDS


def test_rejects_non_str():
    with pytest.raises(InputError, match="expected str"):
        tokenize(["單一窗口"])  # type: ignore[arg-type]


def test_global_jieba_untouched_and_quiet(caplog):
    import jieba

    dt = jieba.dt
    before = dt.initialized
    with caplog.at_level(logging.DEBUG, logger="jieba"):
        tokenize("單一窗口")
    assert jieba.dt is dt and jieba.dt.initialized == before
    assert segment._segmenter().tokenizer is not jieba.dt
    assert not logging.getLogger("jieba").filters  # our temporary filter was removed


def test_cache_file_not_in_cwd(tmp_path):
    code = (
        "from svcsim.text import tokenize; tokenize('單一窗口');"
        "import os; print(sorted(os.listdir('.')))"
    )
    env = {"SVCSIM_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    work = tmp_path / "cwd"
    work.mkdir()
    out = subprocess.run([sys.executable, "-c", code], cwd=work, env=env | {"PYTHONPATH": str(_root())},
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert (tmp_path / "home" / "cache" / segment._CACHE_NAME).is_file()
    assert "Building prefix dict" not in out.stderr


def test_import_svcsim_is_cheap():
    code = (
        "import sys, svcsim, svcsim.text;"
        "bad = [m for m in ('jieba', 'opencc', 'torch', 'faiss') if m in sys.modules];"
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(_root()), "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "[]"


def _root():
    from pathlib import Path

    return Path(__file__).resolve().parents[2]


def test_real_plans_segment_cleanly(shared_dir):
    import json

    from svcsim.model import Plan, entries_from_plans

    plans = [Plan.from_dict(json.loads(p.read_text(encoding="utf-8"))) for p in sorted((shared_dir / "gold").glob("*.json"))]
    entries = entries_from_plans(plans)
    assert entries
    for e in entries:
        toks = tokenize(e.text)
        assert all(e.text[t.start : t.end] == t.word for t in toks)
        assert not {"業務標", "準作業"} & {t.word for t in toks}
