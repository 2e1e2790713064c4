"""Readers of native plan files, one module per document kind, each ``bytes → Document``.

:func:`sniff` tells the kind from the bytes (not from the extension); :func:`read_document`
calls that kind's reader. Each reader imports its library (pdfplumber, lxml…) only when called,
so ``import svcsim`` stays cheap.
"""

from __future__ import annotations

from svcsim.ingest.formats.sniff import NATIVE_KINDS, sniff
from svcsim.ingest.formats.dispatch import read_document

__all__ = ["NATIVE_KINDS", "read_document", "sniff"]
