"""The words users read, one catalogue per language: Traditional Chinese first, English on request.

The language is, in order: :func:`set_lang` (the CLI's ``--lang``), ``SVCSIM_LANG``, then the
locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``) when it names English; otherwise Traditional
Chinese. Every message has a key in both :mod:`~svcsim.i18n.zh_tw` and :mod:`~svcsim.i18n.en`
(a test checks they match) and is filled with :func:`t`.

Years are shown one way everywhere (:func:`year`): ``民國 113 年`` in Chinese, with the Western
year beside it where a researcher needs it (``民國 113 年（2024）``).

>>> set_lang("zh"); t("report.title")
'提升服務計畫重複與抄用報告'
>>> year(2024), year(2024, western=True), year(None)
('民國 113 年', '民國 113 年（2024）', '年度不明')
>>> set_lang("en"); year(2024, western=True); set_lang(None)
'ROC 113 (2024)'
"""

from __future__ import annotations

import os
from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

_override: Lang | None = None


def set_lang(lang: str | None) -> None:
    """Force a language for this process (``None`` goes back to the environment)."""
    global _override
    if lang is not None and lang not in LANGS:
        # a plain ValueError: errors.py reads this catalogue, so i18n must not import errors (no cycle);
        # the CLI's --lang is a Choice and SVCSIM_LANG never reaches here
        raise ValueError(f"set_lang: got {lang!r}; use zh (Traditional Chinese) or en")
    _override = lang  # type: ignore[assignment]


def current_lang() -> Lang:
    if _override is not None:
        return _override
    env = os.environ.get("SVCSIM_LANG", "").strip().lower()
    if env:
        return "en" if env.startswith("en") else "zh"
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    return "zh"


def _catalogue(lang: Lang) -> dict[str, str]:
    if lang == "en":
        from svcsim.i18n.en import MESSAGES
    else:
        from svcsim.i18n.zh_tw import MESSAGES
    return MESSAGES


def t(key: str, **params: object) -> str:
    """The message ``key`` in the current language, filled with ``params`` (``str.format`` style)."""
    text = _catalogue(current_lang()).get(key)
    if text is None:
        text = _catalogue("zh")[key]  # a key missing in English shows the Chinese; a test forbids it
    return text.format(**params) if params else text


def has(key: str) -> bool:
    """Whether the catalogue has ``key`` (the CLI looks up optional help keys this way)."""
    return key in _catalogue("zh")


def year(value: int | None, *, western: bool = False) -> str:
    """A Western year shown as an ROC year (the one way years appear), optionally with the Western one."""
    if value is None:
        return t("year.unknown")
    roc = value - 1911
    return t("year.roc_western" if western else "year.roc", roc=roc, year=value)
