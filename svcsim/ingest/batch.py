"""Read many plan files on all cores; one bad file never stops the others.

Parsing a PDF or Word file is CPU-bound Python, so a batch is spread over worker processes.
Each file's outcome is a :class:`BatchResult`: the plan, or the one-line reason it was refused.

Example:
    >>> results = list(load_batch(["plans/a.pdf", "plans/b.odt"], workers=2))   # doctest: +SKIP
    >>> results[0].kind, results[0].plan.agency                                # doctest: +SKIP
    ('pdf', '範例局')
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from svcsim.errors import InputError
from svcsim.ingest.parse import load_plan
from svcsim.model import Plan


@dataclass(frozen=True)
class BatchResult:
    """One file of a batch: ``plan`` and ``kind`` when it parsed, else ``error`` (one line)."""

    path: Path
    plan: Plan | None = None
    kind: str | None = None
    pages: int | None = None
    error: str | None = None


def load_one(path: str | os.PathLike, lang: str | None = None) -> BatchResult:
    """Parse one file into a :class:`BatchResult`; never raises for a bad file.

    ``lang`` is the language of the reason (a worker process does not inherit ``--lang``).
    """
    from svcsim.i18n import set_lang, t

    if lang is not None:
        set_lang(lang)
    path = Path(path)
    try:
        loaded = load_plan(path)
    except InputError as exc:
        return BatchResult(path, error=exc.problem)
    except RecursionError:
        return BatchResult(path, error=t("ingest.too_deep"))
    except MemoryError:
        return BatchResult(path, error=t("ingest.no_memory"))
    except Exception as exc:  # noqa: BLE001 - a parser bug must cost one file, not the batch
        return BatchResult(path, error=t("ingest.internal", name=type(exc).__name__, detail=exc))
    return BatchResult(path, plan=loaded.plan, kind=loaded.kind, pages=loaded.pages)


def default_workers(n_files: int) -> int:
    """Both cores (all of them) for a batch worth a process start, else one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, n_files // 2))


def _main_importable() -> bool:
    """Whether worker processes can start: they re-import the caller's main script, which fails
    when it is not a file (``python - < script``); then the batch runs in this process."""
    import sys

    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    return main_file is None or Path(main_file).is_file()


def load_batch(paths: Sequence[str | os.PathLike], *, workers: int | None = None) -> Iterator[BatchResult]:
    """Parse ``paths`` on ``workers`` processes (default: :func:`default_workers`), yielding each
    result as it finishes (not in input order)."""
    files = [Path(p) for p in paths]
    workers = default_workers(len(files)) if workers is None else max(1, workers)
    if workers == 1 or len(files) < 2 or not _main_importable():
        for f in files:
            yield load_one(f)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from svcsim.i18n import current_lang, t

    lang = current_lang()  # forkserver workers start from the environment, not from --lang
    from concurrent.futures.process import BrokenProcessPool

    # forkserver: workers start clean (no inherited threads or open databases) and cheaply.
    ctx = multiprocessing.get_context("forkserver")
    broken: list[Path] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futures = {pool.submit(load_one, f, lang): f for f in files}
        for fut in as_completed(futures):
            try:
                yield fut.result()
            except BrokenProcessPool:
                broken.append(futures[fut])
    # A worker that died (a crash in a native PDF library) takes the pool's other files with it:
    # retry each of those alone, so only the file that kills its process is refused.
    for f in sorted(broken, key=str):
        with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as alone:
            try:
                yield alone.submit(load_one, f, lang).result()
            except BrokenProcessPool:
                yield BatchResult(f, error=t("ingest.crashed"))
