"""Expand the paths a user gives (files and folders) into the plan files to read."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from svcsim.errors import InputError

PLAN_SUFFIXES = (".txt", ".md")


def iter_plan_files(paths: Sequence[str | os.PathLike]) -> list[Path]:
    """Files as given, plus every ``*.txt``/``*.md`` under the given folders (recursively,
    skipping hidden folders), sorted and without duplicates.

    Example:
        >>> iter_plan_files(["plans/"])   # doctest: +SKIP
        [PosixPath('plans/a局_112.txt'), PosixPath('plans/sub/b所_113.md')]

    Raises:
        InputError: a path does not exist, or ``paths`` is a single string.
    """
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise InputError(
            "paths", f"expected a list of files or folders, got the single path {str(paths)!r}; wrap it in a list"
        )
    found: dict[Path, Path] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for sub in path.rglob("*"):
                rel = sub.relative_to(path).parts
                if sub.is_file() and sub.suffix.lower() in PLAN_SUFFIXES and not any(p.startswith(".") for p in rel):
                    found.setdefault(sub.resolve(), sub)
        elif path.is_file():
            found.setdefault(path.resolve(), path)
        else:
            raise InputError(path, "no such file or folder; check the path (folders are searched for *.txt and *.md)")
    return sorted(found.values(), key=lambda p: str(p))
