"""Expand the paths a user gives (files and folders) into the plan files to read."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from svcsim.errors import InputError

# Converted text, and the native documents agencies publish.
PLAN_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".doc", ".odt", ".html", ".htm")
# Files a folder of plans commonly holds beside them that are not plans: not worth a line each.
_QUIET = {".ds_store", "thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class FileScan:
    """What a folder walk found: the plan files to read, and the other files it passed over
    (so the CLI can say so: no file is skipped silently)."""

    files: tuple[Path, ...]
    ignored: tuple[Path, ...]


def scan_plan_files(paths: Sequence[str | os.PathLike]) -> FileScan:
    """Files as given, plus every plan file (:data:`PLAN_SUFFIXES`) under the given folders
    (recursively, skipping hidden files and folders), sorted and without duplicates. Other files
    inside the folders are listed in ``ignored``.

    Raises:
        InputError: a path does not exist, or ``paths`` is a single string.
    """
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise InputError("paths", key="ingest.paths_single", path=str(paths))
    found: dict[Path, Path] = {}
    ignored: dict[Path, Path] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for sub in path.rglob("*"):
                rel = sub.relative_to(path).parts
                if not sub.is_file() or any(p.startswith(".") for p in rel):
                    continue
                if sub.suffix.lower() in PLAN_SUFFIXES:
                    found.setdefault(sub.resolve(), sub)
                elif sub.name.lower() not in _QUIET:
                    ignored.setdefault(sub.resolve(), sub)
        elif path.is_file():
            found.setdefault(path.resolve(), path)
        else:
            raise InputError(path, key="error.no_such_path", kinds=", ".join("*" + s for s in PLAN_SUFFIXES))
    return FileScan(
        files=tuple(sorted(found.values(), key=str)),
        ignored=tuple(sorted((p for k, p in ignored.items() if k not in found), key=str)),
    )


def iter_plan_files(paths: Sequence[str | os.PathLike]) -> list[Path]:
    """The plan files among ``paths`` (see :func:`scan_plan_files`), sorted.

    Example:
        >>> iter_plan_files(["plans/"])   # doctest: +SKIP
        [PosixPath('plans/a局_112.pdf'), PosixPath('plans/sub/b所_113.odt')]

    Raises:
        InputError: a path does not exist, or ``paths`` is a single string.
    """
    return list(scan_plan_files(paths).files)
