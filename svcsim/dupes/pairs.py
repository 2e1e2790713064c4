"""Find reused texts: candidates → character alignment → class → template flag.

>>> from svcsim.embed import HashEncoder
>>> from svcsim.model import Entry
>>> texts = ["設置單一服務窗口，提供民眾便捷服務。", "設置單一服務窗口，提供市民便捷服務。", "辦理志工教育訓練課程"]
>>> entries = [Entry(id=i, kind="point", agency=a, year=2022 + i, file=f"{a}.txt", item="一", measure="(一)",
...                  n=1, text=t) for i, (a, t) in enumerate(zip("甲乙丙", texts))]
>>> pairs = find_pairs(entries, HashEncoder().encode(texts), min_label="near_copy")
>>> [(p.a.agency, p.b.agency, p.label, p.spans) for p in pairs]
[('甲', '乙', 'near_copy', ((0, 11, 0, 11), (13, 17, 13, 17)))]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from svcsim.dupes.align import Span, alignment_from_tiles, tiles
from svcsim.dupes.boilerplate import CopyGroups, TemplateRule, copy_groups, plan_order
from svcsim.dupes.candidates import lexical_candidates, semantic_candidates
from svcsim.dupes.classify import COPY_LABELS, LABELS, Label, Thresholds, at_least, classify, copy_key
from svcsim.embed.base import normalise_rows
from svcsim.errors import InputError
from svcsim.model import Entry
from svcsim.text.normalize import NormText, normalize_for_match


@dataclass(frozen=True)
class DupePair:
    """Two entries of the same kind that reuse each other's text.

    ``a`` comes first in time (year, then file, then id), so for a copy it is the likely source.

    Attributes:
        a: the earlier entry.
        b: the later entry.
        label: ``copy`` > ``near_copy`` > ``paraphrase`` > ``related``.
        template: both are in a template copy group (see :mod:`svcsim.dupes.boilerplate`).
        lexical: share of the shorter text (normalised) copied verbatim, in runs of ≥ 4 characters.
        semantic: cosine of the two vectors.
        spans: copied runs, ``(a_start, a_end, b_start, b_end)`` offsets into ``a.text``/``b.text``.
    """

    a: Entry
    b: Entry
    label: Label
    template: bool
    lexical: float
    semantic: float
    spans: tuple[Span, ...]

    @property
    def cross_agency(self) -> bool:
        return self.a.agency != self.b.agency

    def to_dict(self) -> dict:
        """JSON-ready: ``a``/``b`` as ``{kind, agency, year, file, item, measure, n, text}``, spans as lists."""
        side = lambda e: {f: getattr(e, f) for f in ("kind", "agency", "year", "file", "item", "measure", "n", "text")}  # noqa: E731
        return {"a": side(self.a), "b": side(self.b), "label": self.label, "template": self.template,
                "lexical": self.lexical, "semantic": self.semantic, "spans": [list(s) for s in self.spans]}


@dataclass(frozen=True)
class _Scan:
    pairs: list[DupePair]
    groups: CopyGroups
    vectors: np.ndarray


def check_inputs(entries: Sequence[Entry], vectors: np.ndarray) -> tuple[list[Entry], np.ndarray]:
    """Validate at the edge: a list of entries and a row-aligned 2-D matrix, returned normalised."""
    if isinstance(entries, (str, Entry)):
        raise InputError("entries", f"expected a sequence of Entry, got a single {type(entries).__name__}")
    entries = list(entries)
    for i, e in enumerate(entries):
        if not isinstance(e, Entry):
            raise InputError("entries", f"item {i} is {type(e).__name__}, expected svcsim.model.Entry")
    x = np.asarray(vectors)
    if x.ndim != 2 or len(x) != len(entries):
        raise InputError(
            "vectors",
            f"expected a (n_entries, dim) matrix with n_entries={len(entries)}, got shape {x.shape}; "
            "embed the entries' texts in the same order",
        )
    return entries, normalise_rows(x) if len(x) else x.astype(np.float32)


def find_pairs(
    entries: Sequence[Entry],
    vectors: np.ndarray,
    *,
    min_label: Label = "related",
    cross_agency_only: bool = False,
    thresholds: Thresholds = Thresholds(),
    template_rule: TemplateRule = TemplateRule(),
    k: int = 10,
    max_df: int = 500,
    exact_below: int | None = None,
    random_state: int = 0,
) -> list[DupePair]:
    """All pairs of points (and of measure titles) that reuse each other, strongest first.

    Args:
        entries: points and measure titles; only entries of the same ``kind`` are paired.
        vectors: row-aligned embeddings (normalised here if they are not).
        min_label: weakest class to return.
        cross_agency_only: drop pairs within one agency (within-plan repeats and self-reuse).
        thresholds: class thresholds (the defaults suit the default e5 model).
        template_rule: when a copy group is template text.
        k: semantic neighbours per text.
        max_df: shingles in more texts than this are not used to pair texts.
        exact_below: exact kNN below this many texts (default: the index's threshold).
        random_state: seeds the approximate kNN above ``exact_below``.

    Returns:
        Pairs ordered by label, then lexical and semantic score (descending), then entry ids.

    Raises:
        InputError: ``min_label`` is not a label, or entries and vectors do not line up.
    """
    if min_label not in LABELS:
        raise InputError("min_label", f"got {min_label!r}; use one of {', '.join(LABELS)}")
    entries, x = check_inputs(entries, vectors)
    scan = scan_pairs(entries, x, thresholds=thresholds, template_rule=template_rule, k=k,
                      max_df=max_df, exact_below=exact_below, random_state=random_state)
    return [
        p for p in scan.pairs
        if at_least(p.label, min_label) and (p.cross_agency or not cross_agency_only)
    ]


def scan_pairs(
    entries: list[Entry],
    x: np.ndarray,
    *,
    thresholds: Thresholds,
    template_rule: TemplateRule,
    k: int,
    max_df: int,
    exact_below: int | None,
    random_state: int,
) -> _Scan:
    """Every labelled pair and the copy groups; inputs already validated."""
    norms = [normalize_for_match(e.text) for e in entries]
    strict = [copy_key(nt) for nt in norms]
    title_row = {(e.file, e.plan_id, e.item, e.measure): r for r, e in enumerate(entries) if e.kind == "measure_title"}
    found: list[tuple[int, int, Label, float, float, tuple[Span, ...]]] = []
    for kind in ("point", "measure_title"):
        rows = [r for r, e in enumerate(entries) if e.kind == kind]
        if len(rows) < 2:
            continue
        # One unit per distinct normalised text: identical texts are aligned once and paired in full.
        unit_of: dict[str, int] = {}
        unit_rows: list[list[int]] = []
        for r in rows:
            u = unit_of.setdefault(norms[r].text, len(unit_rows))
            if u == len(unit_rows):
                unit_rows.append([])
            unit_rows[u].append(r)
        keys = [norms[rs[0]].text for rs in unit_rows]
        rep = x[[rs[0] for rs in unit_rows]]
        lexical: set[tuple[int, int]] = set()
        semantic: set[tuple[int, int]] = set()
        if len(keys) > 1:
            lexical = set(map(tuple, lexical_candidates(keys, max_df=max_df).tolist()))
            semantic = set(map(tuple, semantic_candidates(
                rep, k=k, min_similarity=thresholds.min_semantic - 0.02,
                exact_below=exact_below, random_state=random_state).tolist()))
        for u, rs in enumerate(unit_rows):
            if not keys[u]:
                continue  # nothing left after normalisation (a lone dash): not a text to compare
            for i, ra in enumerate(rs):  # identical normalised texts: one full-length run
                for rb in rs[i + 1:]:
                    found.append(_identical_pair(entries, norms, strict, x, ra, rb))
        for u, v in sorted(lexical | semantic):
            found_tiles = tiles(keys[u], keys[v], min_run=thresholds.min_run)
            for ra in unit_rows[u]:
                for rb in unit_rows[v]:
                    item = _label_pair(entries, norms, strict, x, title_row, ra, rb, found_tiles, thresholds)
                    if item is not None:
                        found.append(item)
    edges = [(ra, rb) for ra, rb, label, *_ in found if label in COPY_LABELS]
    groups = copy_groups(entries, edges, template_rule)
    pairs = []
    for ra, rb, label, lexical, semantic, spans in found:
        g = groups.group
        template = label in COPY_LABELS and g[ra] == g[rb] and bool(groups.template[g[ra]])
        pairs.append(DupePair(a=entries[ra], b=entries[rb], label=label, template=template,
                              lexical=lexical, semantic=semantic, spans=spans))
    pairs.sort(key=lambda p: (LABELS.index(p.label), -round(p.lexical, 6), -round(p.semantic, 6), p.a.id, p.b.id))
    return _Scan(pairs=pairs, groups=groups, vectors=x)


def _identical_pair(entries, norms: list[NormText], strict: list[str], x, ra, rb):
    if plan_order(entries[rb]) < plan_order(entries[ra]):
        ra, rb = rb, ra
    na, nb = norms[ra], norms[rb]
    spans = ((na.offsets[0], na.offsets[-1] + 1, nb.offsets[0], nb.offsets[-1] + 1),)
    label: Label = "copy" if strict[ra] == strict[rb] else "near_copy"  # variants differ: 臺/台
    return (ra, rb, label, 1.0, round(float(x[ra] @ x[rb]), 4), spans)


def _label_pair(entries, norms: list[NormText], strict: list[str], x, title_row, ra, rb, found_tiles, t):
    # Put the earlier entry first; tiles were found as (unit of ra, unit of rb), so swap them too.
    if plan_order(entries[rb]) < plan_order(entries[ra]):
        ra, rb = rb, ra
        found_tiles = [(j, i, n) for i, j, n in found_tiles]
    if ra == rb:
        return None
    ea, eb = entries[ra], entries[rb]
    al = alignment_from_tiles(norms[ra], norms[rb], found_tiles)
    semantic = float(x[ra] @ x[rb])
    label = classify(al, semantic, identical=strict[ra] == strict[rb] and bool(strict[ra]),
                     same_measure=_same_measure(ea, eb, x, title_row, t.same_measure_title), thresholds=t)
    if label is None:
        return None
    return (ra, rb, label, round(al.cover_short, 4), round(semantic, 4), al.spans)


def _same_measure(ea: Entry, eb: Entry, x, title_row, min_title_cos: float) -> bool:
    """Same item and measure code, or measure titles that say the same (cosine ≥ ``min_title_cos``)."""
    if ea.measure and ea.item == eb.item and ea.measure == eb.measure:
        return True
    if ea.kind != "point":
        return False
    ta = title_row.get((ea.file, ea.plan_id, ea.item, ea.measure))
    tb = title_row.get((eb.file, eb.plan_id, eb.item, eb.measure))
    return ta is not None and tb is not None and float(x[ta] @ x[tb]) >= min_title_cos
