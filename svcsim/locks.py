"""One inter-process file lock, for writers that must not interleave (an index save, a model
conversion). Readers never take it: they see either the old files or the new ones, by rename."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def file_lock(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``lock_path`` (created if missing) for the ``with`` body.

    Where ``fcntl`` does not exist (Windows) there is no lock; callers still write files of their
    own and rename them into place, so a reader always finds one complete copy.
    """
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(lock_path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
