"""Headless LibreOffice conversion, one private profile per call so calls may run in parallel."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Literal

from svcsim.errors import InputError, SvcsimError
from svcsim.synth.layout import atomic_target

Format = Literal["docx", "odt", "pdf", "doc", "html"]

# format → (LibreOffice's --convert-to argument, the suffix it writes)
_FILTERS: dict[str, tuple[str, str]] = {
    "odt": ("odt", "odt"),
    "pdf": ("pdf:writer_pdf_Export", "pdf"),
    "doc": ("doc:MS Word 97", "doc"),
    "html": ("html:HTML (StarWriter)", "html"),
    "docx": ("docx:MS Word 2007 XML", "docx"),
}
FORMATS: tuple[str, ...] = tuple(_FILTERS)


def soffice_path() -> str | None:
    """The LibreOffice executable on PATH (``soffice`` or ``libreoffice``), or ``None``."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(src: str | os.PathLike[str], fmt: Format, out_dir: str | os.PathLike[str], *,
            timeout: float = 60) -> Path:
    """Convert ``src`` with headless LibreOffice to ``out_dir/<stem>.<fmt>``.

    Each call runs its own LibreOffice with a private, temporary profile, so calls may run in
    parallel. ``fmt="docx"`` re-saves through LibreOffice's Word writer (a different docx
    dialect than python-docx's); ``"html"`` is Writer's HTML export; ``"doc"`` is Word 97.

    Raises:
        InputError: ``src`` does not exist or ``fmt`` is unknown.
        SvcsimError: LibreOffice is not installed, timed out, or wrote nothing.
    """
    src, out_dir = Path(src), Path(out_dir)
    if fmt not in _FILTERS:
        raise InputError("fmt", f"expected one of {sorted(_FILTERS)}, got {fmt!r}")
    if not src.is_file():
        raise InputError(src, "does not exist; render it first (render_docx)")
    exe = soffice_path()
    if exe is None:
        raise SvcsimError("LibreOffice (soffice) is not on PATH; install it, e.g. apt-get install libreoffice-writer")
    filt, ext = _FILTERS[fmt]
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="svcsim-lo-") as tmp:
        profile, staging = Path(tmp) / "profile", Path(tmp) / "out"
        cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nologo",
               "--convert-to", filt, "--outdir", str(staging), str(src.resolve())]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # soffice forks soffice.bin: end the whole group we started
            proc.communicate()
            raise SvcsimError(f"{src}: LibreOffice took over {timeout:.0f} s converting to {fmt}; gave up") from None
        produced = staging / f"{src.stem}.{ext}"
        if not produced.is_file():
            detail = err.decode("utf-8", "replace").strip()[-300:] or f"exit code {proc.returncode}"
            raise SvcsimError(f"{src}: LibreOffice wrote no .{ext} ({detail})")
        dest = out_dir / produced.name
        with atomic_target(dest) as part:
            shutil.copyfile(produced, part)
    return dest
