"""The words of the web pages, from the catalogues (:mod:`svcsim.i18n`): one place per language.

The pages fetch them once from ``/api/strings``: ``page.*`` are the reviewer's workspace's own
labels (given without the prefix), ``draft.*`` the drafting page's, and the status names,
definitions and pair classes are the ones the report and the CLI print, so all three say the same.
"""

from __future__ import annotations

from typing import Any

_SHARED_PREFIXES = ("status.", "def.", "label.", "year.")
_SHARED_KEYS = ("report.overlap.legend",)


def page_strings() -> dict[str, Any]:
    """The strings of the current language (:func:`svcsim.i18n.current_lang`), and the status colours."""
    from svcsim.i18n import current_lang, t
    from svcsim.i18n.zh_tw import MESSAGES
    from svcsim.report.sections import STATUS_COLOURS

    out: dict[str, str] = {}
    for key in MESSAGES:  # the Chinese catalogue lists every key (the parity test keeps English in step)
        if key.startswith("page."):
            out[key[len("page."):]] = t(key)
        elif key.startswith(("draft.", *_SHARED_PREFIXES)) or key in _SHARED_KEYS:
            out[key] = t(key)
    return {"lang": current_lang(), "strings": out, "colours": dict(STATUS_COLOURS)}
