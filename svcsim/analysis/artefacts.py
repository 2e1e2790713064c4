"""Bytes made from the stored results and kept beside them, e.g. the report's map (a PNG).

Drawing the 2-D map of 10⁵ points (projection, matplotlib, PNG) costs more than reading every stored
result of a 100k corpus; the drawing depends only on things the caller can name (the clustering's
labels, the vectors' model and entries, the title, the drawing code), so it is kept under a key made
of them, in the corpus database's result tables (name ``artefact/<name>``), and drawn again when any
of them changes. Nothing is kept in a read-only corpus or inside a snapshot.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from svcsim.analysis.store import Analysis


def kept_bytes(analysis: "Analysis", name: str, key: str, make: Callable[[], tuple[bytes, bool]]) -> bytes:
    """The bytes kept under ``name`` when they were kept with ``key``; else ``make()``, which returns
    ``(bytes, keep)``: kept only when ``keep`` (e.g. not a map drawn without a CJK font)."""
    full = f"artefact/{name}"
    row = analysis._row(full)  # noqa: SLF001 - the analysis' own tables
    if row is not None and row[0] == key:
        data = analysis._parts(full).get("bytes")  # noqa: SLF001
        if data is not None:
            return bytes(data)
    data, keep = make()
    if keep:
        analysis._write(full, key, {"bytes": data})  # noqa: SLF001
    return data
