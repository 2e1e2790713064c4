"""The typed results of the drafting assistant: suggestions, the copy warning, the plan check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from svcsim.model import Entry

CopyLabel = Literal["copy", "near_copy"]
Span = tuple[int, int, int, int]
"""``(draft_start, draft_end, source_start, source_end)``: half-open offsets into the original texts."""


@dataclass(frozen=True)
class MeasureRef:
    """A 具體措施 of the corpus as the drafter picks it: ``code`` like ``三(二)`` plus its usual title.

    ``n_agencies`` is how many agencies' plans contain it (matched by code and title similarity).
    """

    item: str
    measure: str
    title: str
    item_title: str
    n_agencies: int

    @property
    def code(self) -> str:
        return f"{self.item}{self.measure}"

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "item": self.item, "measure": self.measure, "title": self.title,
                "item_title": self.item_title, "n_agencies": self.n_agencies}


@dataclass(frozen=True)
class Suggestion:
    """One suggested wording, standing for every copy of it in the corpus.

    Attributes:
        entry: the representative point (the copy closest to the draft), with its provenance.
        score: the final ranking score (relevance and specificity, see :mod:`svcsim.suggest.suggester`).
        relevance: cosine between the draft (or the measure) and the point.
        specificity: :func:`svcsim.suggest.specificity.specificity` of the text.
        used_by: agencies whose plans contain this text or a copy/near-copy of it, sorted.
        copies: the other entries collapsed into this suggestion (same text or near-copies).
    """

    entry: Entry
    score: float
    relevance: float
    specificity: float
    used_by: tuple[str, ...]
    copies: tuple[Entry, ...] = ()

    @property
    def text(self) -> str:
        return self.entry.text

    @property
    def n_used(self) -> int:
        return len(self.used_by)

    def to_dict(self) -> dict[str, Any]:
        return {**self.entry.to_dict(), "score": round(self.score, 4),
                "relevance": round(self.relevance, 4), "specificity": round(self.specificity, 4),
                "used_by": list(self.used_by), "n_used": self.n_used}


@dataclass(frozen=True)
class CopyWarning:
    """The draft is a copy or near-copy of another agency's point.

    ``spans`` are the copied runs, ``(draft_start, draft_end, source_start, source_end)`` into the
    original draft and ``source.text``; ``cover`` is the share of the draft (normalised) they cover;
    ``used_by`` every agency with a text the draft copies (the drafter's own included, as in
    :attr:`Suggestion.used_by`).
    """

    label: CopyLabel
    source: Entry
    spans: tuple[Span, ...]
    cover: float
    used_by: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        from svcsim.i18n import t, year

        s = self.source
        code = f"{s.item}{s.measure}"
        where = f"{s.agency} {year(s.year)} " + (t("cli.ref.point", code=code, n=s.n) if s.n is not None
                                                  else t("cli.ref.title", code=code))
        more = t("warning.used_by", n=len(self.used_by)) if len(self.used_by) > 1 else ""
        key = "warning.copy" if self.label == "copy" else "warning.near_copy"
        return t(key, where=where, percent=round(self.cover * 100), more=more)

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "message": self.message, "cover": round(self.cover, 4),
                "source": self.source.to_dict(),
                "spans": [list(s) for s in self.spans], "used_by": list(self.used_by)}


@dataclass(frozen=True)
class SuggestResult:
    """What :meth:`Suggester.suggest` returns.

    ``embed_ms`` is the time spent embedding the draft (and a measure given by its title), ``rank_ms``
    resolving a measure code, retrieval, ranking and the copy check, so the two can be reported apart.
    """

    draft: str
    measure: MeasureRef | None
    agency: str | None
    suggestions: tuple[Suggestion, ...]
    warning: CopyWarning | None
    embed_ms: float = 0.0
    rank_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"draft": self.draft, "measure": self.measure.to_dict() if self.measure else None,
                "agency": self.agency, "suggestions": [s.to_dict() for s in self.suggestions],
                "warning": self.warning.to_dict() if self.warning else None,
                "embed_ms": round(self.embed_ms, 2), "rank_ms": round(self.rank_ms, 2)}


FindingKind = Literal["missing", "boilerplate"]


@dataclass(frozen=True)
class CheckFinding:
    """A standard measure the draft plan lacks (``missing``) or fills only with copied text (``boilerplate``).

    ``draft_measure`` is the draft's matching ``item+measure`` code (empty when missing);
    ``examples`` are the best versions from other agencies.
    """

    kind: FindingKind
    measure: MeasureRef
    draft_measure: str
    examples: tuple[Suggestion, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "measure": self.measure.to_dict(), "draft_measure": self.draft_measure,
                "examples": [s.to_dict() for s in self.examples]}


@dataclass(frozen=True)
class CopiedPoint:
    """A point of the draft that copies (or near-copies) another agency's point: boilerplate the drafter kept.

    ``draft_measure`` is the draft's ``item+measure`` code, ``n`` the point's number; ``copy`` names the
    source, with the copied character spans.
    """

    draft_measure: str
    n: int | None
    text: str
    copy: CopyWarning

    def to_dict(self) -> dict[str, Any]:
        return {"draft_measure": self.draft_measure, "n": self.n, "text": self.text, "copy": self.copy.to_dict()}


@dataclass(frozen=True)
class CheckReport:
    """The result of :func:`svcsim.suggest.check_plan`: findings in the standard measures' order.

    ``reference_years`` are the corpus years whose plans set the standard (the draft's template
    version: its own year, or the nearest years with plans); ``copied_points`` the draft's points
    that copy another agency's, in draft order.
    """

    agency: str
    n_standard: int
    findings: tuple[CheckFinding, ...]
    reference_years: tuple[int, ...] = ()
    copied_points: tuple[CopiedPoint, ...] = ()

    @property
    def missing(self) -> tuple[CheckFinding, ...]:
        return tuple(f for f in self.findings if f.kind == "missing")

    @property
    def boilerplate(self) -> tuple[CheckFinding, ...]:
        return tuple(f for f in self.findings if f.kind == "boilerplate")

    def to_dict(self) -> dict[str, Any]:
        return {"agency": self.agency, "n_standard": self.n_standard,
                "reference_years": list(self.reference_years), "findings": [f.to_dict() for f in self.findings],
                "copied_points": [p.to_dict() for p in self.copied_points]}
