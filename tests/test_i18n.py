"""Both catalogues hold the same messages with the same placeholders; the language follows the settings."""

from __future__ import annotations

import string

import pytest

from svcsim import i18n
from svcsim.i18n.en import MESSAGES as EN
from svcsim.i18n.zh_tw import MESSAGES as ZH


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_catalogues_have_the_same_keys_and_placeholders():
    assert set(ZH) == set(EN)
    assert [k for k in ZH if _fields(ZH[k]) != _fields(EN[k])] == []


def test_chinese_is_the_default_and_english_is_asked_for(monkeypatch):
    for var in ("SVCSIM_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    assert i18n.current_lang() == "zh"
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert i18n.current_lang() == "zh"  # a machine without a language setting still speaks Chinese
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert i18n.current_lang() == "en"
    monkeypatch.setenv("SVCSIM_LANG", "zh_TW")
    assert i18n.current_lang() == "zh"
    i18n.set_lang("en")
    try:
        assert i18n.current_lang() == "en" and i18n.t("status.own") == "own text"
    finally:
        i18n.set_lang(None)
    with pytest.raises(Exception, match="zh .*or en"):
        i18n.set_lang("fr")


def test_years_are_shown_one_way():
    assert i18n.year(2025) in ("民國 114 年", "ROC 114")
