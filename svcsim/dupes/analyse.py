"""One call that computes every dupes result: pairs, boilerplate, reuse clusters, plan measures and
the points that carry invisible characters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from svcsim.dupes.boilerplate import (
    BoilerplateCount,
    ReuseCluster,
    boilerplate_counts,
    reuse_clusters,
)
from svcsim.dupes.classify import Label
from svcsim.dupes.pairs import PairScan, PairSet, check_label, scan_pairs
from svcsim.dupes.plans import (
    AgencyOverlap,
    PlanOriginality,
    SelfReuse,
    agency_overlap,
    PointStatus,
    originality,
    point_status,
    self_reuse,
)
from svcsim.embedded import EmbeddedCorpus, require_embedded
from svcsim.errors import InputError
from svcsim.model import Entry
from svcsim.text.hidden import HiddenChar, hidden_chars

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class HiddenText:
    """An entry whose text carries characters a reader cannot see (a sign of a disguised copy).

    Attributes:
        entry: the entry.
        chars: each invisible character, with its offset into ``entry.text``.
    """

    entry: Entry
    chars: tuple[HiddenChar, ...]


@dataclass(frozen=True)
class DupesResult:
    """Everything :func:`analyse` finds.

    Attributes:
        corpus: what was analysed; later analyses (innovation, clusters) check they get the same.
        pairs: reuse pairs of at least ``min_label``, by label then lexical score; a lazy
            :class:`~svcsim.dupes.pairset.PairSet` (iterate it, ``len()`` it) because one sentence
            carried by N plans is N² pairs.
        boilerplate: one count per entry, in entry order.
        clusters: copy groups spanning ≥ 2 plans, largest first.
        status: every point's status (own, template, copied, reused) by entry id; see
            :mod:`svcsim.dupes.plans` for the definitions.
        originality: one row per plan, in (year, file) order: own points / all points.
        overlap: agency × agency reuse.
        self_reuse: year-over-year reuse within agencies.
        hidden: entries carrying invisible characters (variation selectors, zero-width or filler
            characters, stray combining marks), in entry order; matching ignores them, reviewers
            should not.
    """

    corpus: EmbeddedCorpus
    pairs: PairSet
    boilerplate: tuple[BoilerplateCount, ...]
    clusters: tuple[ReuseCluster, ...]
    status: dict[int, PointStatus]
    originality: tuple[PlanOriginality, ...]
    overlap: AgencyOverlap
    self_reuse: tuple[SelfReuse, ...]
    hidden: tuple[HiddenText, ...] = ()

    def to_frame(self, table: Literal["pairs", "plans", "self_reuse"] = "plans") -> "pd.DataFrame":
        """One table of the result with its JSON field names: ``"plans"`` (originality, one row per
        plan), ``"pairs"`` (one row per pair, ``a_*``/``b_*`` columns) or ``"self_reuse"``.

        Tables with other shapes (the agency × agency matrix, copy groups) are in
        :mod:`svcsim.report.frames`.
        """
        from svcsim.results import frame

        rows = {"plans": self.originality, "pairs": self.pairs, "self_reuse": self.self_reuse}
        if table not in rows:
            raise InputError("table", f"got {table!r}; use one of {', '.join(rows)}")
        return frame(r.to_dict() for r in rows[table])


def analyse(corpus: EmbeddedCorpus, *, min_label: Label = "paraphrase", scan: PairScan = PairScan()) -> DupesResult:
    """Find reuse in ``corpus`` and summarise it per entry, cluster, plan and agency.

    Plan measures always use every copy/near_copy pair; ``min_label`` only limits ``pairs``.
    ``scan`` is the :class:`~svcsim.dupes.PairScan` of :func:`svcsim.dupes.find_pairs`.

    >>> from svcsim.embed import HashEncoder
    >>> from svcsim.embedded import EmbeddedCorpus
    >>> from svcsim.model import Entry
    >>> texts = ["設置單一服務窗口，提供民眾便捷服務。", "設置單一服務窗口，提供民眾便捷服務", "辦理志工教育訓練課程"]
    >>> es = [Entry(id=i, kind="point", agency=a, year=2024, file=f"{i}.txt", item="一", measure="(一)", n=1,
    ...             text=t, plan_id=i) for i, (a, t) in enumerate(zip("甲乙丙", texts))]
    >>> r = analyse(EmbeddedCorpus(es, HashEncoder().encode(texts)), min_label="near_copy")
    >>> [(o.agency, o.originality) for o in r.originality]
    [('甲', 0.0), ('乙', 0.0), ('丙', 1.0)]
    """
    check_label(min_label)
    corpus = require_embedded(corpus)
    return result_from_pairs(corpus, scan_pairs(corpus, scan, min_label=min_label), min_label=min_label)


def result_from_pairs(corpus: EmbeddedCorpus, found: PairSet, *, min_label: Label = "paraphrase") -> DupesResult:
    """The :class:`DupesResult` of an already scanned :class:`PairSet` (the seam that lets
    :mod:`svcsim.analysis` store the scan and rebuild the derived tables on load)."""
    entries, x = list(corpus.entries), corpus.vectors
    status = point_status(entries, found)
    return DupesResult(
        corpus=corpus,
        pairs=found.at_least(min_label),
        boilerplate=tuple(boilerplate_counts(entries, found.groups)),
        clusters=tuple(reuse_clusters(entries, x, found.groups)),
        status=status,
        originality=tuple(originality(entries, status)),
        overlap=agency_overlap(entries, found),
        self_reuse=tuple(self_reuse(entries, found)),
        hidden=tuple(HiddenText(entries[r], hidden_chars(entries[r].text))
                     for r in np.flatnonzero(found.hidden).tolist()),
    )
