"""Plans from files into a corpus, with the rules every caller gets (the CLI is a skin over this).

Two steps, so a caller can refuse to create a database when nothing was read:
:func:`read_plans` parses files (every core, one bad file never stops the others) and applies the
batch rule — one plan per agency and year: a second file claiming the same agency and year in the
same batch is rejected, not silently written over the first. :meth:`PlanBatch.store` writes the
plans, each in its own transaction. :func:`ingest_paths` does both.

>>> report = ingest_paths(corpus, ["examples/plans"])       # doctest: +SKIP
>>> report.counts()                                          # doctest: +SKIP
{'added': 8, 'replaced': 0, 'unchanged': 0, 'rejected': 0}
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from svcsim.i18n import t, year
from svcsim.ingest.batch import load_batch
from svcsim.ingest.files import scan_plan_files
from svcsim.model import Plan

if TYPE_CHECKING:
    from svcsim.store import Corpus

FileAction = Literal["added", "replaced", "unchanged", "rejected"]


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one file.

    Attributes:
        path: the file.
        action: ``added``, ``replaced`` (same agency and year already stored), ``unchanged``
            (the same content already stored) or ``rejected`` (``reason`` says why).
        reason: one line, for a rejected file.
        format: the kind read from the content (``txt``, ``pdf``, ``docx`` …), when it parsed.
        agency, year, points: of the plan, when it parsed.
        plan_id: the corpus id, once stored.
    """

    path: Path
    action: FileAction
    reason: str = ""
    format: str | None = None
    agency: str | None = None
    year: int | None = None
    points: int = 0
    plan_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``svcsim ingest --json``."""
        return {"file": self.path.name, "path": str(self.path), "action": self.action, "reason": self.reason or None,
                "format": self.format, "agency": self.agency,
                "roc_year": self.year - 1911 if self.year is not None else None, "year": self.year,
                "points": self.points, "plan_id": self.plan_id}


@dataclass(frozen=True)
class PlanBatch:
    """Files read and checked, not yet stored.

    Attributes:
        plans: ``(path, plan, format)`` of each file to store, in the order given.
        rejected: outcomes of the files refused (unreadable, not a plan, or a second plan of the
            same agency and year in this batch).
        ignored: files in the given folders that are not a plan kind at all (listed, never silent).
    """

    plans: tuple[tuple[Path, Plan, str], ...]
    rejected: tuple[FileOutcome, ...]
    ignored: tuple[Path, ...]

    def store(self, corpus: "Corpus") -> "IngestReport":
        """Write the plans into ``corpus``, each in its own transaction."""
        done = []
        for path, plan, kind in self.plans:
            out = corpus.add_plan(plan, path=str(path))
            done.append(FileOutcome(path, out.action, format=kind, agency=plan.agency, year=plan.year,
                                    points=plan.n_points, plan_id=out.plan_id))
        return IngestReport(tuple(done) + self.rejected, self.ignored)


@dataclass(frozen=True)
class IngestReport:
    """Every file's outcome (stored ones first, then the rejected), and the files not read."""

    files: tuple[FileOutcome, ...]
    ignored: tuple[Path, ...]

    def counts(self) -> dict[str, int]:
        """Files per action."""
        out = {"added": 0, "replaced": 0, "unchanged": 0, "rejected": 0}
        for f in self.files:
            out[f.action] += 1
        return out

    def points(self) -> dict[str, int]:
        """Points per action of their plan (``unchanged`` plans' points were already stored)."""
        out = {"added": 0, "replaced": 0, "unchanged": 0}
        for f in self.files:
            if f.action != "rejected":
                out[f.action] += f.points
        return out

    @property
    def rejected(self) -> tuple[FileOutcome, ...]:
        return tuple(f for f in self.files if f.action == "rejected")

    def to_dicts(self) -> list[dict[str, Any]]:
        return [f.to_dict() for f in self.files]


def read_plans(paths: Sequence[str | os.PathLike], *, workers: int | None = 1,
               progress: Callable[[int, int], None] | None = None) -> PlanBatch:
    """Parse the plan files named or found in folders under ``paths``.

    Args:
        paths: files and folders (folders are searched for plan kinds).
        workers: parsing processes; ``None`` = every core for a batch (what ``svcsim ingest``
            does). The default parses in this process, because worker processes re-run a script
            that lacks the ``if __name__ == "__main__":`` guard (notebooks need no guard).
        progress: called as ``progress(done, total)`` after each file.
    """
    scan = scan_plan_files(paths)
    files = list(scan.files)
    order = {f: i for i, f in enumerate(files)}
    results = []
    for r in load_batch(files, workers=workers):
        results.append(r)
        if progress is not None:
            progress(len(results), len(files))
    results.sort(key=lambda r: order[r.path])
    rejected = [FileOutcome(r.path, "rejected", reason=r.error) for r in results if r.error is not None]
    from svcsim.store.corpus import plan_key

    first: dict[str, Path] = {}
    kept = []
    for r in results:
        if r.plan is None:
            continue
        k = plan_key(r.plan)
        if k in first:
            rejected.append(FileOutcome(
                r.path, "rejected", format=r.kind, agency=r.plan.agency, year=r.plan.year, points=r.plan.n_points,
                reason=t("ingest.same_plan_twice", first=first[k], agency=r.plan.agency,
                         year=year(r.plan.year))))
        else:
            first[k] = r.path
            kept.append((r.path, r.plan, r.kind or "txt"))
    return PlanBatch(tuple(kept), tuple(rejected), tuple(scan.ignored))


def ingest_paths(corpus: "Corpus", paths: Sequence[str | os.PathLike], *, workers: int | None = 1,
                 progress: Callable[[int, int], None] | None = None) -> IngestReport:
    """Read the plan files under ``paths`` and store them in ``corpus`` (see the module docstring)."""
    return read_plans(paths, workers=workers, progress=progress).store(corpus)
