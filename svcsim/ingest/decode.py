"""Bytes → text: UTF-8 (with or without BOM), UTF-16 (BOM, or BOM-less by its NUL pattern)
and Big5/CP950, which is what older Taiwanese government files are saved in.

Example:
    >>> decode_bytes("提升服務".encode("cp950"), "plan.txt")
    '提升服務'
"""

from __future__ import annotations

import codecs
import os
import re

from svcsim.errors import PlanParseError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SAMPLE = 8192
# Real plan PDFs with photos stay under ~30 MB; anything bigger is refused before it is read.
MAX_FILE_BYTES = 200 * 2**20


def read_text(path: str | os.PathLike) -> str:
    """Read a plan file as text, detecting its encoding.

    Raises:
        PlanParseError: the file is empty, binary, or in no supported encoding.
        InputError: the file cannot be opened.
    """
    return decode_bytes(read_bytes(path), str(path))


def read_bytes(path: str | os.PathLike) -> bytes:
    from svcsim.errors import InputError

    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise InputError(path, key="ingest.file_too_big", mb=size / 2**20, limit=MAX_FILE_BYTES // 2**20)
            return fh.read()
    except FileNotFoundError:
        raise InputError(path, key="ingest.no_file") from None
    except IsADirectoryError:
        raise InputError(path, key="ingest.is_folder") from None
    except OSError as exc:
        raise InputError(path, key="ingest.unreadable", detail=exc.strerror) from None


def decode_bytes(data: bytes, source: str) -> str:
    """Decode a plan file's raw bytes; ``source`` names the file in errors."""
    if not data.strip(b" \t\r\n\x00") or data in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        raise PlanParseError(source, key="ingest.empty_file")
    if data.startswith(codecs.BOM_UTF8):
        return _checked(data[3:], "utf-8", source)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(data, "utf-16", source)
    if b"\x00" in data:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise PlanParseError(source, key="ingest.binary_nul")
        text = _checked(data, encoding, source)
        if "\n" not in text and "\t" not in text:
            raise PlanParseError(source, key="ingest.binary_nul")
        return text
    for encoding in ("utf-8", "cp950", "big5hkscs"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return _no_controls(text, encoding, source)
    raise PlanParseError(source, key="ingest.bad_encoding")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 puts the NUL of every ASCII character (newlines, tabs, digits) on one side.

    CJK characters such as 一 (U+4E00) put a few NULs on the other side, so a clear majority
    decides; random binary has few NULs, spread evenly.
    """
    sample = data[:_SAMPLE]
    if len(data) % 2:
        return None
    odd = sum(1 for i in range(1, len(sample), 2) if sample[i] == 0)
    even = sum(1 for i in range(0, len(sample), 2) if sample[i] == 0)
    if max(odd, even) < 0.02 * (len(sample) // 2):
        return None
    if odd > 4 * even:
        return "utf-16-le"
    if even > 4 * odd:
        return "utf-16-be"
    return None


def _checked(data: bytes, encoding: str, source: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise PlanParseError(source, key="ingest.bad_bytes", encoding=encoding, offset=exc.start) from None
    return _no_controls(text.lstrip("\ufeff"), encoding, source)


def _no_controls(text: str, encoding: str, source: str) -> str:
    if len(_CONTROL.findall(text[:_SAMPLE])) > 2:
        raise PlanParseError(source, key="ingest.control_chars", encoding=encoding)
    return text
