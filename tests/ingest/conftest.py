"""The reader tests check English wording of errors in-process: they run with ``SVCSIM_LANG=en``.

Chinese (the default) is checked through the entry point in ``test_native_errors.py`` and
``tests/cli/test_chinese_first.py``, which set the language themselves.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch):
    monkeypatch.setenv("SVCSIM_LANG", "en")
