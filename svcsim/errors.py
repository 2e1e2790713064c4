"""One small exception hierarchy. The CLI turns any SvcsimError into one line and exit code 2.

Messages say what went wrong, where, what was received, and how to fix it, e.g.
``plan.txt: no 執行重點 table found (looked for a header row with 執行重點/執行方法/工作重點); is this a service plan?``
"""

from __future__ import annotations

import re
from pathlib import Path

_ONE_LINE = re.compile(r"\s*[\r\n]+\s*")


class SvcsimError(Exception):
    """Base class of every error svcsim raises on purpose.

    An error built with :meth:`from_key` holds a catalogue key and its parameters instead of fixed
    text: ``str(exc)`` is then written in the language current when it is shown (Chinese by default).
    """

    key: str | None = None
    params: dict[str, object] = {}

    @classmethod
    def from_key(cls, key: str, **params: object) -> SvcsimError:
        exc = cls(key)
        exc.key, exc.params = key, params
        return exc

    def __str__(self) -> str:
        if self.key is None:
            return super().__str__()
        from svcsim.i18n import t

        return _ONE_LINE.sub(" ", t(self.key, **self.params)).strip()


class InputError(SvcsimError, ValueError):
    """A user-supplied file or value cannot be used. ``source`` names the file (or argument)."""

    def __init__(self, source: str | Path | None, problem: str = "", *, key: str | None = None,
                 **params: object) -> None:
        """``problem`` is fixed text; or give a catalogue ``key`` (and its ``params``) to speak the user's language."""
        self.source = str(source) if source is not None else None
        self._problem = problem
        if key is not None:
            self.key, self.params = key, params
        super().__init__(self.source, problem)

    @property
    def problem(self) -> str:
        # One line, always: a library's message quoted in the problem may carry line breaks.
        text = self._problem
        if self.key is not None:
            from svcsim.i18n import t

            text = t(self.key, **self.params)
        return _ONE_LINE.sub(" ", text).strip()

    def __str__(self) -> str:
        return f"{self.source}: {self.problem}" if self.source else self.problem

    def __reduce__(self):  # crosses process boundaries (ingest workers) with its key intact
        return (_rebuild_input_error, (type(self), self.source, self._problem, self.key, self.params))


def _rebuild_input_error(cls, source, problem, key, params):
    return cls(source, problem, key=key, **params)


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
