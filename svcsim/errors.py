"""One small exception hierarchy. The CLI turns any SvcsimError into one line and exit code 2.

Messages say what went wrong, where, what was received, and how to fix it, e.g.
``plan.txt: no 執行重點 table found (looked for a header row with 執行重點/執行方法/工作重點); is this a service plan?``
"""

from __future__ import annotations

import re
from pathlib import Path

_ONE_LINE = re.compile(r"\s*[\r\n]+\s*")


class SvcsimError(Exception):
    """Base class of every error svcsim raises on purpose."""


class InputError(SvcsimError, ValueError):
    """A user-supplied file or value cannot be used. ``source`` names the file (or argument)."""

    def __init__(self, source: str | Path | None, problem: str) -> None:
        self.source = str(source) if source is not None else None
        # One line, always: a library's message quoted in the problem may carry line breaks.
        self.problem = _ONE_LINE.sub(" ", problem).strip()
        super().__init__(f"{self.source}: {self.problem}" if self.source else self.problem)


class PlanParseError(InputError):
    """A file was read but is not a service plan we can parse (no table, empty, binary...)."""


class ModelError(SvcsimError):
    """An embedding model is missing, broken, or cannot be materialised."""


class IndexMismatchError(SvcsimError):
    """The on-disk index disagrees with the model or the store; rebuild with ``svcsim index --rebuild``."""


class IndexDamagedError(IndexMismatchError):
    """The on-disk index is truncated, edited, or belongs to another corpus; ``svcsim index`` rebuilds it."""


class StoreError(SvcsimError):
    """The SQLite corpus is missing, locked, of a newer format, or otherwise unusable."""
