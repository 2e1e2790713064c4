"""What a synthetic corpus records as true: the planted pairs, where each text came from, and the
corpus and per-plan containers that :mod:`svcsim.synth.generate` fills.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from svcsim.model import Plan

PairKind = Literal["template", "copy", "near_copy", "paraphrase", "yoy_reuse"]


@dataclass(frozen=True)
class PlantedPair:
    """Two refs known to be related, how, and by which edit (``"none"`` when verbatim)."""

    a: dict[str, Any]
    b: dict[str, Any]
    kind: PairKind
    obfuscation: str

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "kind": self.kind, "obfuscation": self.obfuscation}


RefKey = tuple[str, str, str, "int | None"]
"""``(file, item, measure, n)``: a planted ref as a hashable tuple (``n=None`` for a measure title)."""


@dataclass(frozen=True)
class Provenance:
    """Where one generated text came from.

    Attributes:
        frame: the phrase-bank entry it was filled from: ``"一(一)#3"`` (template 3 of measure
            一(一)), ``"0#1"`` (opening-row template 1), ``"innovative#7"``, or ``"title:一(一)"``.
            Copies and reuse keep the frame of their source.
        source: the ref of the text first filled from the bank that this one descends from (itself
            when it was filled fresh): copies, chains of copies and year-over-year reuse share it.
    """

    frame: str
    source: RefKey


def ref_key(ref: dict[str, Any]) -> RefKey:
    """A planted ref dict as a :data:`RefKey` tuple."""
    return (ref["file"], ref["item"], ref["measure"], ref["n"])


@dataclass(frozen=True)
class SynthCorpus:
    """Generated plans (``file`` set to the name :func:`write_plan` output would have) and truth."""

    plans: list[Plan]
    planted: list[PlantedPair]
    innovative: list[dict[str, Any]] = field(default_factory=list)
    seed: int = 0
    provenance: dict[RefKey, Provenance] = field(default_factory=dict, compare=False)

    @property
    def n_points(self) -> int:
        return sum(p.n_points for p in self.plans)


@dataclass(frozen=True)
class PlanTruth:
    """What :func:`iter_corpus` yields per plan: the plan and the truth planted *in* it."""

    plan: Plan
    planted: tuple[PlantedPair, ...]
    innovative: tuple[dict[str, Any], ...]
    provenance: dict[RefKey, Provenance] = field(default_factory=dict, compare=False)
