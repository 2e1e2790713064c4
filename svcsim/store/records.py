"""What the corpus stores about a plan, and how it names plans and texts.

A plan's identity is its agency and ROC year (:func:`plan_key`); whether a re-ingested plan
changed is decided on its parsed content (:func:`content_digest`), and one distinct text is one
row, keyed by :func:`text_key`, whatever plans use it.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass
from typing import Literal

from svcsim.model import Plan

IngestAction = Literal["added", "replaced", "unchanged"]


@dataclass(frozen=True)
class PlanInfo:
    id: int
    file: str
    path: str
    agency: str
    roc_year: int | None
    year: int | None
    title: str
    content_hash: str
    n_points: int
    ingested_at: str


@dataclass(frozen=True)
class IngestOutcome:
    plan_id: int
    action: IngestAction
    file: str
    points_added: int
    points_removed: int


def text_key(text: str) -> str:
    """Cache key of a text: sha1 of its NFC form with whitespace runs collapsed.

    Deliberately lighter than the matching normalisation: punctuation and width reach the model, so
    texts differing only there may embed differently and must not share a cache row.
    """
    norm = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()


def content_digest(plan: Plan) -> str:
    """sha256 of the parsed content (everything but the file name and raw-byte hash)."""
    d = plan.to_dict()
    d.pop("file", None)
    d.pop("content_hash", None)
    return hashlib.sha256(json.dumps(d, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def plan_key(plan: Plan) -> str:
    """The identity of a plan in the corpus: one plan per agency per ROC year."""
    if plan.agency and plan.roc_year is not None:
        return f"{plan.agency}|{plan.roc_year}"
    return f"file:{plan.file}"
