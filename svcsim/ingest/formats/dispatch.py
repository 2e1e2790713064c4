"""Call the reader of a file's kind (see :mod:`svcsim.ingest.formats.sniff`)."""

from __future__ import annotations

from importlib import import_module

from svcsim.ingest.document import Document
from svcsim.ingest.formats.sniff import FileKind

# kind → (module, function); imported on use, so no reader library loads with svcsim.
_READERS: dict[str, tuple[str, str]] = {
    "pdf": ("svcsim.ingest.formats.pdf", "read_pdf"),
    "docx": ("svcsim.ingest.formats.docx", "read_docx"),
    "odt": ("svcsim.ingest.formats.odt", "read_odt"),
    "doc": ("svcsim.ingest.formats.doc", "read_doc"),
    "html": ("svcsim.ingest.formats.html", "read_html"),
}


def read_document(data: bytes, source: str, kind: FileKind) -> Document:
    """Read a native file's bytes into a :class:`Document` (``source`` names it in errors).

    Raises:
        PlanParseError: the file is damaged, encrypted, a scan without text, or has no plan table.
    """
    module, name = _READERS[kind]
    return getattr(import_module(module), name)(data, source)
