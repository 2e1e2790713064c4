"""The store tests check the English wording of its errors in-process: they run with ``SVCSIM_LANG=en``.

Chinese (the default) is checked through the entry point in ``tests/cli/test_chinese_first.py``.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch):
    monkeypatch.setenv("SVCSIM_LANG", "en")
