"""The plain data of a parsed plan: Plan › Item › Measure › Point.

All classes are frozen; sequences are tuples so a parsed plan is hashable and can be
compared for equality in tests. ``Plan.to_dict()`` gives the JSON shape of the gold
files in ``../shared/gold`` (plus ``content_hash``/``source``), and ``Plan.from_dict`` reads it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Iterable
from typing import Any, Literal


@dataclass(frozen=True)
class Point:
    """One numbered 執行重點. ``n`` is its number within the measure (1-based)."""

    n: int
    text: str
    units: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        # Per-point units exist only where the source gives one unit per point (gold convention):
        # otherwise the key is absent and the units live on the measure.
        d: dict[str, Any] = {"n": self.n, "text": self.text}
        if self.units:
            d["units"] = list(self.units)
        return d


@dataclass(frozen=True)
class Measure:
    """A 具體措施. ``code`` is half-width like ``"(一)"``, or ``""`` when the source has none."""

    code: str
    title: str
    points: tuple[Point, ...] = ()
    units: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "points": [p.to_dict() for p in self.points],
            "units": list(self.units),
        }


@dataclass(frozen=True)
class Item:
    """A 執行要項. ``code`` is a bare numeral (``"一"``), ``"0"`` for the 訂定「提升服務計畫」 row."""

    code: str
    title: str
    measures: tuple[Measure, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "title": self.title, "measures": [m.to_dict() for m in self.measures]}


@dataclass(frozen=True)
class Plan:
    """A whole 提升服務計畫 of one agency for one year.

    ``file`` is the source file's name (not its path), ``content_hash`` the sha256 of its
    raw bytes, so re-ingesting an unchanged file can be recognised.
    """

    file: str
    agency: str
    roc_year: int | None
    title: str
    goals: tuple[str, ...] = ()
    items: tuple[Item, ...] = ()
    content_hash: str = ""
    year: int | None = field(default=None)

    def __post_init__(self) -> None:
        if self.year is None and self.roc_year is not None:
            object.__setattr__(self, "year", self.roc_year + 1911)

    @property
    def n_points(self) -> int:
        return sum(len(m.points) for it in self.items for m in it.measures)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "agency": self.agency,
            "roc_year": self.roc_year,
            "year": self.year,
            "title": self.title,
            "goals": list(self.goals),
            "items": [it.to_dict() for it in self.items],
            "content_hash": self.content_hash,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Plan":
        items = tuple(
            Item(
                code=it["code"],
                title=it["title"],
                measures=tuple(
                    Measure(
                        code=m["code"],
                        title=m["title"],
                        units=tuple(m.get("units", ())),
                        points=tuple(
                            Point(n=p["n"], text=p["text"], units=tuple(p.get("units", ())))
                            for p in m.get("points", ())
                        ),
                    )
                    for m in it.get("measures", ())
                ),
            )
            for it in d.get("items", ())
        )
        return cls(
            file=d.get("file", ""),
            agency=d.get("agency", ""),
            roc_year=d.get("roc_year"),
            year=d.get("year"),
            title=d.get("title", ""),
            goals=tuple(d.get("goals", ())),
            items=items,
            content_hash=d.get("content_hash", ""),
        )


EntryKind = Literal["point", "measure_title"]


@dataclass(frozen=True)
class Entry:
    """One comparable text of the corpus — a point, or a measure title — with its provenance.

    This is what every analysis (dupes, clusters, suggest) consumes, together with a float32
    matrix of vectors aligned row for row. ``n`` is ``None`` for a measure title.
    ``id`` is unique within one corpus (the store's row id, or a running number from
    :func:`entries_from_plans`).
    """

    id: int
    kind: EntryKind
    agency: str
    year: int | None
    file: str
    item: str
    measure: str
    n: int | None
    text: str
    plan_id: int = 0
    item_title: str = ""
    measure_title: str = ""
    units: tuple[str, ...] = ()

    def ref(self) -> dict[str, Any]:
        """The gold-pair style reference: ``{"file","item","measure","n"}``."""
        return {"file": self.file, "item": self.item, "measure": self.measure, "n": self.n}

    def to_dict(self) -> dict[str, Any]:
        """The one JSON shape of an entry, in every command's ``--json``, the report and the web API.

        >>> Entry(id=7, kind="point", agency="甲局", year=2024, file="a.txt", item="一", measure="(二)", n=3,
        ...       text="設置單一窗口").to_dict()["roc_year"]
        113
        """
        return {"id": self.id, "kind": self.kind, "agency": self.agency,
                "roc_year": self.year - 1911 if self.year is not None else None, "year": self.year,
                "file": self.file, "item": self.item, "item_title": self.item_title, "measure": self.measure,
                "measure_title": self.measure_title, "n": self.n, "text": self.text}


def entries_from_plans(plans: Iterable[Plan], *, kinds: tuple[EntryKind, ...] = ("point", "measure_title")) -> list[Entry]:
    """Flatten parsed plans into entries (no store needed), numbering ids from 0 in plan order.

    Measure titles that are empty (a measure whose title cell was lost) are skipped.
    """
    out: list[Entry] = []
    for plan_id, plan in enumerate(plans):
        for it in plan.items:
            for m in it.measures:
                common = dict(
                    agency=plan.agency, year=plan.year, file=plan.file, item=it.code, measure=m.code,
                    plan_id=plan_id, item_title=it.title, measure_title=m.title,
                )
                if "measure_title" in kinds and m.title:
                    out.append(Entry(id=len(out), kind="measure_title", n=None, text=m.title, units=m.units, **common))
                if "point" in kinds:
                    for p in m.points:
                        out.append(Entry(id=len(out), kind="point", n=p.n, text=p.text, units=p.units, **common))
    return out
