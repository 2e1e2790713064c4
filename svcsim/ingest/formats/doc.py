"""Word 97–2003 .doc → :class:`~svcsim.ingest.document.Document`, through LibreOffice.

The binary format is converted to .docx by headless LibreOffice (``soffice``) and read by
:func:`svcsim.ingest.formats.docx.read_wordml`. Each call runs LibreOffice with a private,
temporary profile: two soffice processes sharing a profile block or fail, and plans are read
on every core at once. What the document shows is what LibreOffice makes of it: automatic
numbers come from LibreOffice's reading of the .doc's lists.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from svcsim.errors import PlanParseError
from svcsim.ingest.document import Document

CONVERT_TIMEOUT = 120.0  # seconds; a 30-page plan converts in a few


def soffice_executable() -> str | None:
    """LibreOffice's command on PATH (``soffice``, or ``libreoffice`` as some distributions name it)."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_doc(data: bytes, source: str, *, timeout: float = CONVERT_TIMEOUT) -> Document:
    """Read a Word 97–2003 .doc plan by converting it to .docx with LibreOffice.

    Raises:
        PlanParseError: LibreOffice is not installed, the conversion fails or times out, or the
            converted document holds no plan table.
    """
    from svcsim.ingest.formats.docx import read_wordml

    exe = soffice_executable()
    if exe is None:
        raise PlanParseError(source, key="ingest.doc_needs_lo")
    with tempfile.TemporaryDirectory(prefix="svcsim-doc-") as tmp:
        work = Path(tmp)
        src = work / "plan.doc"  # a fixed ASCII name: the user's file name may not survive the command line
        src.write_bytes(data)
        out_dir = work / "out"
        cmd = [exe, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore", "--nologo",
               "--nolockcheck", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out_dir), str(src)]
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
        except OSError as exc:
            raise PlanParseError(source, key="ingest.doc_no_start", detail=exc) from None
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise PlanParseError(source, key="ingest.doc_timeout", seconds=timeout) from None
        produced = out_dir / "plan.docx"
        if not produced.is_file() or produced.stat().st_size == 0:
            detail = " ".join(err.decode("utf-8", "replace").split())[-200:] or f"exit code {proc.returncode}"
            raise PlanParseError(source, key="ingest.doc_failed", detail=detail)
        converted = produced.read_bytes()
    return read_wordml(converted, source, kind="doc")


def _kill_group(proc: subprocess.Popen) -> None:
    """End the process group we started (soffice forks soffice.bin) and reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.communicate()
