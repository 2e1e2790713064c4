"""One pause of Python's cyclic garbage collector, for code that builds 10⁵–10⁶ objects at once.

The entries of a corpus, the rows of a stored result and the objects of a refresh hold no reference
cycles, but every ~700 allocations start a collection and the older generations' passes walk the
whole heap: at 100k points the collector took most of a load's time and ~4 s of a refresh.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector inside the block (restored after, if it was on)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
