"""Tell a plan file's kind from its first bytes: PDF, OOXML (.docx), ODF (.odt), OLE2 (.doc),
HTML, or plain text. The extension is only a tie-breaker for what the bytes cannot say.

Example:
    >>> sniff(b"%PDF-1.7\\n...", "a.txt"), sniff("<!DOCTYPE html><html>".encode(), "a.txt")
    ('pdf', 'html')
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Literal

from svcsim.errors import PlanParseError

FileKind = Literal["text", "pdf", "docx", "odt", "doc", "html"]
NATIVE_KINDS: tuple[FileKind, ...] = ("pdf", "docx", "odt", "doc", "html")

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|table|div|p)\b",
                   re.IGNORECASE | re.DOTALL)
_UTF16_HTML = re.compile(r"^\s*<(?:!doctype\s+html|html)\b", re.IGNORECASE)


def sniff(data: bytes, source: str) -> FileKind:
    """The kind of a plan file's content.

    Raises:
        PlanParseError: a ZIP that is neither OOXML nor ODF (or is truncated), or an OLE2 file
            that is not a Word document (e.g. an .xls).
    """
    head = data[:1024]
    if b"%PDF-" in head[:1024] and head.lstrip(b"\x00\t\r\n \xef\xbb\xbf").startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(data, source)
    if head.startswith(_OLE2):
        return _ole_kind(data, source)
    body = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    if _HTML.match(body):
        return "html"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            if _UTF16_HTML.match(head.decode("utf-16", errors="ignore")):
                return "html"
        except UnicodeDecodeError:
            pass
    if Path(source).suffix.lower() in (".html", ".htm") and re.search(rb"<(?:table|tr|td)\b", data[:65536], re.I):
        return "html"
    return "text"


def _zip_kind(data: bytes, source: str) -> FileKind:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "mimetype" in names:
                mime = z.read("mimetype")[:100].decode("ascii", "replace").strip()
                if mime == "application/vnd.oasis.opendocument.text":
                    return "odt"
                raise PlanParseError(source, key="ingest.odf_not_text", mime=mime)
            if "word/document.xml" in names or any(n.endswith("/document.xml") and n.startswith("word") for n in names):
                return "docx"
            if "[Content_Types].xml" in names:
                raise PlanParseError(source, key="ingest.office_not_word")
    except (zipfile.BadZipFile, EOFError, ValueError, KeyError, OSError, NotImplementedError) as exc:
        raise PlanParseError(source, key="ingest.zip_damaged", what=".docx/.odt", detail=exc) from None
    raise PlanParseError(source, key="ingest.zip_archive")


def _ole_kind(data: bytes, source: str) -> FileKind:
    # An OLE2 compound file names its streams in UTF-16 in the directory sectors.
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    raise PlanParseError(source, key="ingest.ole_not_word")
