"""One call that computes every dupes result: pairs, boilerplate, reuse clusters, plan measures and
the points that carry invisible characters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from svcsim.dupes.boilerplate import (
    BoilerplateCount,
    ReuseCluster,
    TemplateRule,
    boilerplate_counts,
    reuse_clusters,
)
from svcsim.dupes.classify import LABELS, Label, Thresholds
from svcsim.dupes.pairs import PairSet, scan_pairs
from svcsim.embed.base import check_entries_vectors
from svcsim.dupes.plans import (
    AgencyOverlap,
    PlanOriginality,
    SelfReuse,
    agency_overlap,
    originality,
    self_reuse,
)
from svcsim.errors import InputError
from svcsim.model import Entry
from svcsim.text.hidden import HiddenChar, hidden_chars


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
        pairs: reuse pairs of at least ``min_label``, by label then lexical score; a lazy
            :class:`~svcsim.dupes.pairset.PairSet` (iterate it, ``len()`` it) because one sentence
            carried by N plans is N² pairs.
        boilerplate: one count per entry, in entry order.
        clusters: copy groups spanning ≥ 2 plans, largest first.
        originality: one row per plan, in (year, file) order.
        overlap: agency × agency reuse.
        self_reuse: year-over-year reuse within agencies.
        hidden: entries carrying invisible characters (variation selectors, zero-width or filler
            characters, stray combining marks), in entry order; matching ignores them, reviewers
            should not.
    """

    pairs: PairSet
    boilerplate: tuple[BoilerplateCount, ...]
    clusters: tuple[ReuseCluster, ...]
    originality: tuple[PlanOriginality, ...]
    overlap: AgencyOverlap
    self_reuse: tuple[SelfReuse, ...]
    hidden: tuple[HiddenText, ...] = ()


def analyse(
    entries: Sequence[Entry],
    vectors: np.ndarray,
    *,
    min_label: Label = "paraphrase",
    thresholds: Thresholds = Thresholds(),
    template_rule: TemplateRule = TemplateRule(),
    k: int = 10,
    max_df: int = 500,
    max_per_text: int | None = 50,
    exact_below: int | None = None,
    random_state: int = 0,
) -> DupesResult:
    """Find reuse among ``entries`` and summarise it per entry, cluster, plan and agency.

    Plan measures always use every copy/near_copy pair; ``min_label`` only limits ``pairs``.
    Arguments are those of :func:`svcsim.dupes.find_pairs`.

    >>> from svcsim.embed import HashEncoder
    >>> from svcsim.model import Entry
    >>> texts = ["設置單一服務窗口，提供民眾便捷服務。", "設置單一服務窗口，提供民眾便捷服務", "辦理志工教育訓練課程"]
    >>> es = [Entry(id=i, kind="point", agency=a, year=2024, file=f"{i}.txt", item="一", measure="(一)", n=1,
    ...             text=t, plan_id=i) for i, (a, t) in enumerate(zip("甲乙丙", texts))]
    >>> r = analyse(es, HashEncoder().encode(texts), min_label="near_copy")
    >>> [(o.agency, o.originality) for o in r.originality]
    [('甲', 0.0), ('乙', 0.0), ('丙', 1.0)]
    """
    if min_label not in LABELS:
        raise InputError("min_label", f"got {min_label!r}; use one of {', '.join(LABELS)}")
    entries, x = check_entries_vectors(entries, vectors)
    scan = scan_pairs(entries, x, thresholds=thresholds, template_rule=template_rule, k=k,
                      max_df=max_df, max_per_text=max_per_text, exact_below=exact_below,
                      random_state=random_state,
                      min_label=min_label)
    return DupesResult(
        pairs=scan.at_least(min_label),
        boilerplate=tuple(boilerplate_counts(entries, scan.groups)),
        clusters=tuple(reuse_clusters(entries, x, scan.groups)),
        originality=tuple(originality(entries, scan)),
        overlap=agency_overlap(entries, scan),
        self_reuse=tuple(self_reuse(entries, scan)),
        hidden=tuple(HiddenText(entries[r], hidden_chars(entries[r].text))
                     for r in np.flatnonzero(scan.hidden).tolist()),
    )
