"""The scan behind :func:`~svcsim.dupes.find_pairs`: pairs kept per *distinct text*, expanded lazily.

A frame sentence carried by N plans makes N² entry pairs, and one template title carried by every
plan of a 100k-point corpus makes a million. Nothing about those pairs differs but the entries, so
the scan works on **units** — one per distinct normalised text of a kind — and stores:

* every unit with ≥ 2 entries as one *within* block (all its pairs are copies, or near copies when
  only a variant character differs: 臺/台);
* every candidate pair of units whose alignment makes it a near copy, or that shares one long
  verbatim run (a contained copy, :mod:`svcsim.dupes.contained`), as one *cross* block: two
  unit ids and a score in numpy arrays (the tiles are found again, once per block, when its pairs
  are produced — storing them for 10⁶ text pairs would cost gigabytes);
* the few weaker (paraphrase/related) entry pairs, decided per entry pair from the cosines.

:class:`PairSet` counts pairs arithmetically and yields :class:`DupePair` objects one at a time,
so memory grows with the distinct texts and candidate pairs, not with the square of repetition.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from svcsim.dupes.align import Span, alignment_from_tiles, tiles
from svcsim.dupes.boilerplate import CopyGroups, TemplateRule, copy_groups, plan_order
from svcsim.dupes.candidates import lexical_candidates, semantic_candidates
from svcsim.dupes.classify import LABELS, Label, Thresholds, copy_key
from svcsim.dupes.contained import contained_pairs
from svcsim.dupes.tiling import codes_of, covered_batch, near_copy_pairs
from svcsim.embedded import EmbeddedCorpus
from svcsim.model import Entry
from svcsim.text.hidden import count_hidden
from svcsim.text.normalize import NormText, match_key, normalize_for_match


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
        contained: a ``near_copy`` only because one long verbatim run is shared (a copy buried in
            other text; see :mod:`svcsim.dupes.classify`), not by the near-copy coverage bars.
        hidden_a: invisible characters in ``a.text`` (:func:`svcsim.text.hidden.hidden_chars`):
            variation selectors, zero-width and filler characters … are a sign of a hidden copy.
        hidden_b: the same for ``b.text``.
    """

    a: Entry
    b: Entry
    label: Label
    template: bool
    lexical: float
    semantic: float
    spans: tuple[Span, ...]
    contained: bool = False
    hidden_a: int = 0
    hidden_b: int = 0

    @property
    def cross_agency(self) -> bool:
        return self.a.agency != self.b.agency

    def to_dict(self) -> dict:
        """JSON-ready: ``a``/``b`` as ``{kind, agency, year, file, item, measure, n, text}``, spans as lists."""
        side = lambda e: {f: getattr(e, f) for f in ("kind", "agency", "year", "file", "item", "measure", "n", "text")}  # noqa: E731
        return {"a": side(self.a), "b": side(self.b), "label": self.label, "template": self.template,
                "lexical": self.lexical, "semantic": self.semantic, "spans": [list(s) for s in self.spans],
                "contained": self.contained, "hidden_a": self.hidden_a, "hidden_b": self.hidden_b}


def sort_key(p: DupePair) -> tuple:
    """The documented order of :func:`find_pairs`: label, then lexical and semantic (desc), then ids."""
    return (LABELS.index(p.label), -round(p.lexical, 6), -round(p.semantic, 6), p.a.id, p.b.id)


class PairSet:
    """Every labelled pair of a scan, stored per distinct text and produced on demand.

    Iterating yields pairs label by label (copies, near copies, paraphrases, related) and, within
    a label, by lexical score (descending); ties keep a fixed block order, so the stream repeats
    exactly run to run and does not depend on the order of the entries. ``len()`` is exact and
    costs nothing. :func:`svcsim.dupes.find_pairs` sorts the stream fully.
    """

    def __init__(self, entries: list[Entry], x: np.ndarray, units: list[list[int]], keys: list[str],
                 unit_of: np.ndarray, cross: tuple[np.ndarray, np.ndarray, np.ndarray],
                 weak: list[tuple[int, int, Label, float, float, tuple]], groups: CopyGroups,
                 thresholds: Thresholds, hidden: np.ndarray) -> None:
        self.entries = entries
        self.vectors = x
        self.units = units  # rows per unit, in plan order
        self.keys = keys  # normalised text per unit
        self.unit_of = unit_of  # unit id per row (-1: an empty text, never paired)
        # near-copy unit pairs u < v and their lexical score, lexical desc then (u, v)
        self.cross_u, self.cross_v, self.cross_lexical = cross
        self.thresholds = thresholds
        self.min_run = thresholds.min_run
        self.hidden = hidden  # invisible characters per row
        self.weak = weak  # (ra, rb, label, lexical, semantic, spans), sorted
        self.groups = groups
        self._strict: dict[int, str] = {}
        self._norm: dict[int, NormText] = {}
        n_within = sum(len(rs) * (len(rs) - 1) // 2 for rs, k in zip(units, keys) if k)
        sizes = np.fromiter((len(rs) for rs in units), dtype=np.int64, count=len(units))
        n_cross = int(np.dot(sizes[self.cross_u], sizes[self.cross_v])) if len(self.cross_u) else 0
        self._n_copyish = n_within + n_cross
        self.min_label: Label = "related"

    def at_least(self, min_label: Label) -> "PairSet":
        """The same pairs limited to ``min_label`` or stronger (a view: nothing is copied)."""
        view = object.__new__(PairSet)
        view.__dict__.update(self.__dict__)
        view.min_label = min_label
        return view

    def _labels(self) -> tuple[Label, ...]:
        return LABELS[: LABELS.index(self.min_label) + 1]

    def __len__(self) -> int:
        labels = self._labels()
        if labels == ("copy",):
            return self.count("copy")
        return self._n_copyish + sum(1 for w in self.weak if w[2] in labels)

    def __iter__(self) -> Iterator[DupePair]:
        for label in self._labels():
            yield from self.iter_label(label)

    def __bool__(self) -> bool:
        return len(self) > 0

    def count(self, label: Label) -> int:
        """Pairs of exactly ``label``, counted without producing them.

        Within a unit, entries whose strict keys agree are copies and the others near copies.
        """
        if label not in ("copy", "near_copy"):
            return sum(1 for w in self.weak if w[2] == label)
        copies = self.__dict__.get("_n_copy")
        if copies is None:
            copies = 0
            for rs, key in zip(self.units, self.keys):
                if len(rs) < 2 or not key:
                    continue
                sizes: dict[str, int] = {}
                for r in rs:
                    sk = self.strict(r)
                    sizes[sk] = sizes.get(sk, 0) + 1
                copies += sum(m * (m - 1) // 2 for m in sizes.values())
            self.__dict__["_n_copy"] = copies
        return copies if label == "copy" else self._n_copyish - copies

    def iter_label(self, label: Label) -> Iterator[DupePair]:
        """The pairs of one label, in stream order."""
        if label == "copy":
            yield from self._within(same_strict=True)
        elif label == "near_copy":
            yield from self._within(same_strict=False)
            step = 65536  # in slices: three Python lists of 10⁸ ints would not fit at 1M points
            for s in range(0, len(self.cross_u), step):
                sl = slice(s, s + step)
                for u, v, lexical in zip(self.cross_u[sl].tolist(), self.cross_v[sl].tolist(),
                                         self.cross_lexical[sl].tolist()):
                    yield from self._cross_pairs(u, v, round(lexical, 4))
        else:
            for ra, rb, lab, lexical, semantic, spans in self.weak:
                if lab == label:
                    yield self._pair(ra, rb, lab, lexical, semantic, spans)

    # ------------------------------------------------------------------ expansion

    def norm(self, row: int) -> NormText:
        nt = self._norm.get(row)
        if nt is None:
            if len(self._norm) > 100_000:
                self._norm.clear()  # a cache, not a store: keep memory flat on huge corpora
            nt = self._norm[row] = normalize_for_match(self.entries[row].text)
        return nt

    def strict(self, row: int) -> str:
        s = self._strict.get(row)
        if s is None:
            if len(self._strict) > 100_000:
                self._strict.clear()
            s = self._strict[row] = copy_key(self.norm(row))
        return s

    def _pair(self, ra, rb, label, lexical, semantic, spans, contained=False) -> DupePair:
        g = self.groups
        template = label in ("copy", "near_copy") and g.group[ra] == g.group[rb] and bool(g.template[g.group[ra]])
        return DupePair(a=self.entries[ra], b=self.entries[rb], label=label, template=template,
                        lexical=lexical, semantic=semantic, spans=spans, contained=contained,
                        hidden_a=int(self.hidden[ra]), hidden_b=int(self.hidden[rb]))

    def _within(self, *, same_strict: bool) -> Iterator[DupePair]:
        x = self.vectors
        for rs, key in zip(self.units, self.keys):
            if len(rs) < 2 or not key:
                continue
            strict = [self.strict(r) for r in rs]
            if same_strict is False and len(set(strict)) == 1:
                continue
            whole = []
            for r in rs:
                nt = self.norm(r)
                whole.append(nt.span_to_original(0, len(nt.text)))
            label: Label = "copy" if same_strict else "near_copy"
            for i, ra in enumerate(rs):
                for j in range(i + 1, len(rs)):
                    if (strict[i] == strict[j]) != same_strict:
                        continue
                    rb = rs[j]
                    spans = (whole[i] + whole[j],)
                    yield self._pair(ra, rb, label, 1.0, round(float(x[ra] @ x[rb]), 4), spans)

    def _cross_pairs(self, u: int, v: int, lexical: float) -> Iterator[DupePair]:
        x = self.vectors
        rows_u, rows_v = self.units[u], self.units[v]
        ordered = sorted(tiles(self.keys[u], self.keys[v], min_run=self.min_run))
        t = self.thresholds
        covered = sum(n for _, _, n in ordered)
        lu, lv = len(self.keys[u]), len(self.keys[v])
        contained = not (covered >= t.near_copy_short * min(lu, lv) and covered >= t.near_copy_long * max(lu, lv))
        side_u = [[self.norm(r).span_to_original(i, i + n) for i, _, n in ordered] for r in rows_u]
        ordered_v = [(j, n) for _, j, n in ordered]
        side_v = [[self.norm(r).span_to_original(j, j + n) for j, n in ordered_v] for r in rows_v]
        for iu, ru in enumerate(rows_u):
            for iv, rv in enumerate(rows_v):
                sem = round(float(x[ru] @ x[rv]), 4)
                if plan_order(self.entries[rv]) < plan_order(self.entries[ru]):
                    spans = tuple(sorted(b + a for a, b in zip(side_u[iu], side_v[iv])))
                    yield self._pair(rv, ru, "near_copy", lexical, sem, spans, contained)
                else:
                    spans = tuple(a + b for a, b in zip(side_u[iu], side_v[iv]))
                    yield self._pair(ru, rv, "near_copy", lexical, sem, spans, contained)

    # ------------------------------------------------------------------ the unit copy graph

    def copy_neighbours(self) -> "Adjacency":
        """For every unit, the units it has a copy/near_copy block with (the unit itself excluded).

        Built once per scan as compressed arrays (10⁸ blocks at 1M points would not fit as lists).
        """
        adj = self.__dict__.get("_adjacency")
        if adj is None:
            adj = self.__dict__["_adjacency"] = Adjacency(self.cross_u, self.cross_v, len(self.units))
        return adj


class Adjacency:
    """Neighbour lists of an undirected graph in CSR arrays; ``adj[u]`` is a list of ints."""

    def __init__(self, u: np.ndarray, v: np.ndarray, n: int) -> None:
        src = np.concatenate([u, v])
        dst = np.concatenate([v, u])
        order = np.argsort(src, kind="stable")  # a radix sort for ints; rows keep pair order
        self._nbr = dst[order]
        del dst, order
        self._ptr = np.r_[0, np.cumsum(np.bincount(src, minlength=n))].astype(np.int64)

    def __len__(self) -> int:
        return len(self._ptr) - 1

    def __getitem__(self, u: int) -> list[int]:
        return self._nbr[self._ptr[u] : self._ptr[u + 1]].tolist()

    def degree(self, u: int) -> int:
        return int(self._ptr[u + 1] - self._ptr[u])


@dataclass(frozen=True)
class PairScan:
    """How a duplicate scan searches: one settings object for :func:`~svcsim.dupes.find_pairs`,
    :func:`~svcsim.dupes.iter_pairs` and :func:`~svcsim.dupes.analyse`.

    Attributes:
        thresholds: class thresholds (the defaults suit the default e5 model).
        template_rule: when a copy group is template text.
        k: semantic neighbours per distinct text (paraphrase/related candidates).
        max_df: for paraphrase/related candidates, shingles in more distinct texts than this are
            not used to pair texts (copies and near copies are found exactly regardless).
        max_per_text: for paraphrase/related candidates, keep a lexical candidate only if it is
            among the best this many of one of its texts
            (:func:`svcsim.dupes.candidates.lexical_candidates`); ``None`` keeps them all.
        exact_below: exact kNN below this many texts (default: the index's threshold).
        random_state: seeds the approximate kNN above ``exact_below``.
    """

    thresholds: Thresholds = Thresholds()
    template_rule: TemplateRule = TemplateRule()
    k: int = 10
    max_df: int = 500
    max_per_text: int | None = 50
    exact_below: int | None = None
    random_state: int = 0

    def __post_init__(self) -> None:
        from svcsim.errors import InputError

        for name in ("k", "max_df"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise InputError(f"PairScan.{name}", f"got {v!r}; expected an int >= 1")
        if not isinstance(self.thresholds, Thresholds):
            raise InputError("PairScan.thresholds", f"got {type(self.thresholds).__name__}; expected Thresholds")
        if not isinstance(self.template_rule, TemplateRule):
            raise InputError("PairScan.template_rule",
                             f"got {type(self.template_rule).__name__}; expected TemplateRule")


def scan_pairs(corpus: EmbeddedCorpus, scan: PairScan = PairScan(), *, min_label: Label = "related") -> PairSet:
    """Every labelled pair and the copy groups, as a :class:`PairSet`.

    Near copies come from the exact join of :func:`svcsim.dupes.tiling.near_copy_pairs`, contained
    copies between points from :func:`svcsim.dupes.contained.contained_pairs`; paraphrase and
    related start from lexical/semantic candidates, and with ``min_label`` copy or near_copy they
    are not computed at all.
    """
    entries, x = list(corpus.entries), corpus.vectors
    thresholds, template_rule, k, max_df = scan.thresholds, scan.template_rule, scan.k, scan.max_df
    max_per_text, exact_below, random_state = scan.max_per_text, scan.exact_below, scan.random_state
    t = thresholds
    weak_wanted = min_label not in ("copy", "near_copy")
    keys: list[str] = []
    units: list[list[int]] = []
    unit_of = np.full(len(entries), -1, dtype=np.int64)
    cross_u: list[np.ndarray] = []
    cross_v: list[np.ndarray] = []
    cross_lex: list[np.ndarray] = []
    weak: list[tuple] = []
    title_row = {(e.file, e.plan_id, e.item, e.measure): r for r, e in enumerate(entries) if e.kind == "measure_title"}
    for kind in ("point", "measure_title"):
        rows = [r for r, e in enumerate(entries) if e.kind == kind]
        by_key: dict[str, list[int]] = {}
        for r in rows:
            by_key.setdefault(match_key(entries[r].text), []).append(r)
        # Units in a canonical order (by text), so nothing depends on the order of the entries.
        kind_keys = sorted(by_key)
        base = len(units)
        for key in kind_keys:
            rs = sorted(by_key[key], key=lambda r: plan_order(entries[r]))
            unit_of[rs] = len(units)
            units.append(rs)
            keys.append(key)
        if len(kind_keys) < 2:
            continue
        # Near copies: an exact all-pairs join (prefix-filtered, compiled alignment), no top-k cut-off.
        nu, nv, ncov, _ = near_copy_pairs(kind_keys, k=t.min_run, short_min=t.near_copy_short,
                                          long_min=t.near_copy_long)
        lengths = np.fromiter((len(key) for key in kind_keys), dtype=np.int64, count=len(kind_keys))
        cross_u.append(nu.astype(np.int64) + base)
        cross_v.append(nv.astype(np.int64) + base)
        cross_lex.append(np.round(ncov / np.minimum(lengths[nu], lengths[nv]), 4))
        del ncov
        if kind == "point":
            # a copy buried in a longer point: one long shared run, whatever the coverage
            cu_, cv_, ccov, _ = contained_pairs(kind_keys, run=t.contained_run, share=t.contained_share,
                                                floor=t.contained_min, min_run=t.min_run, exclude=(nu, nv))
            cross_u.append(cu_.astype(np.int64) + base)
            cross_v.append(cv_.astype(np.int64) + base)
            cross_lex.append(np.round(ccov / np.minimum(lengths[cu_], lengths[cv_]), 4))
            nu, nv = np.concatenate([nu, cu_]), np.concatenate([nv, cv_])
        if not weak_wanted:
            continue
        # Paraphrase/related: candidates that share shingles or are semantic neighbours, minus the
        # near copies, aligned only when some pair of their entries is close in meaning.
        rep = x[[units[base + i][0] for i in range(len(kind_keys))]]
        lexical = lexical_candidates(kind_keys, max_df=max_df, max_per_text=max_per_text)
        semantic = semantic_candidates(rep, k=k, min_similarity=t.min_semantic - 0.02,
                                       exact_below=exact_below, random_state=random_state)
        both = np.unique(np.concatenate([lexical, semantic]), axis=0)
        n_keys = len(kind_keys)
        both = both[~np.isin(both[:, 0] * n_keys + both[:, 1], nu.astype(np.int64) * n_keys + nv)]
        both = both[(lengths[both[:, 0]] > 0) & (lengths[both[:, 1]] > 0)]
        if not len(both):
            continue
        codes, starts = codes_of(kind_keys)
        short = covered_batch(codes, starts, both[:, 0], both[:, 1], t.min_run) / np.minimum(
            lengths[both[:, 0]], lengths[both[:, 1]])
        for (iu, iv), cover in zip(both.tolist(), short.tolist()):
            rows_u, rows_v = units[base + iu], units[base + iv]
            if not _any_cosine(x, rows_u, rows_v, t.min_semantic):
                continue  # not a near copy and not close in meaning: no label to give
            found = tiles(kind_keys[iu], kind_keys[iv], min_run=t.min_run)
            weak.extend(_weak_pairs(entries, x, rows_u, rows_v, found, cover, title_row, t))
    # unit ids fit int32 (one per distinct text); 10⁸ pairs at 1M points make the width matter
    cu = np.concatenate(cross_u).astype(np.int32) if cross_u else np.zeros(0, np.int32)
    cv = np.concatenate(cross_v).astype(np.int32) if cross_v else np.zeros(0, np.int32)
    cl = np.concatenate(cross_lex) if cross_lex else np.zeros(0, np.float64)
    del cross_u, cross_v
    order = np.lexsort((cv, cu, -cl))
    cross = (cu[order], cv[order], cl[order])
    del cross_lex
    first = np.fromiter((rs[0] for rs in units), dtype=np.int64, count=len(units))
    has_key = np.fromiter((bool(key) for key in keys), dtype=bool, count=len(keys))
    rows = np.flatnonzero(unit_of >= 0)
    rows = rows[has_key[unit_of[rows]]]
    edges = np.concatenate([np.stack([first[unit_of[rows]], rows], axis=1),
                            np.stack([first[cross[0]], first[cross[1]]], axis=1)])
    groups = copy_groups(entries, edges, template_rule)
    weak = [w for w in weak if w[2] is not None]
    weak.sort(key=lambda w: (LABELS.index(w[2]), -round(w[3], 6), -round(w[4], 6), entries[w[0]].id, entries[w[1]].id))
    hidden = np.fromiter((count_hidden(e.text) for e in entries), dtype=np.int32, count=len(entries))
    return PairSet(entries, x, units, keys, unit_of, cross, weak, groups, t, hidden)


def _any_cosine(x: np.ndarray, rows_u: list[int], rows_v: list[int], at_least: float) -> bool:
    if len(rows_u) * len(rows_v) <= 4:
        return any(float(x[a] @ x[b]) >= at_least for a in rows_u for b in rows_v)
    return float((x[rows_u] @ x[rows_v].T).max()) >= at_least


def _weak_pairs(entries, x, rows_u, rows_v, found, short, title_row, t: Thresholds):
    """Paraphrase/related entry pairs of two units that are not near copies, decided per entry pair."""
    sims = x[rows_u] @ x[rows_v].T
    if float(sims.max()) < t.min_semantic:
        return []
    out = []
    nu: dict[int, NormText] = {}
    for iu, ru in enumerate(rows_u):
        for iv, rv in enumerate(rows_v):
            s = float(sims[iu, iv])
            if s < t.min_semantic:
                continue
            ra, rb, tl = ru, rv, found
            if plan_order(entries[rb]) < plan_order(entries[ra]):
                ra, rb, tl = rv, ru, [(j, i, n) for i, j, n in found]
            ea, eb = entries[ra], entries[rb]
            same = _same_measure(ea, eb, x, title_row, t.same_measure_title)
            label = _weak_label(s, short, same, t)
            if label is None:
                continue
            na = nu.get(ra) or nu.setdefault(ra, normalize_for_match(ea.text))
            nb = nu.get(rb) or nu.setdefault(rb, normalize_for_match(eb.text))
            al = alignment_from_tiles(na, nb, tl)
            out.append((ra, rb, label, round(al.cover_short, 4), round(s, 4), al.spans))
    return out


def _weak_label(semantic: float, cover_short: float, same_measure: bool, t: Thresholds) -> Label | None:
    """:func:`svcsim.dupes.classify.classify` below near_copy (the alignment already failed it)."""
    if semantic >= t.paraphrase or (same_measure and semantic >= t.paraphrase_same_measure):
        return "paraphrase"
    if semantic >= t.related or (cover_short >= t.overlap_for_related and semantic >= t.related_with_overlap):
        return "related"
    return None


def _same_measure(ea: Entry, eb: Entry, x, title_row, min_title_cos: float) -> bool:
    """Same item and measure code, or measure titles that say the same (cosine ≥ ``min_title_cos``)."""
    if ea.measure and ea.item == eb.item and ea.measure == eb.measure:
        return True
    if ea.kind != "point":
        return False
    ta = title_row.get((ea.file, ea.plan_id, ea.item, ea.measure))
    tb = title_row.get((eb.file, eb.plan_id, eb.item, eb.measure))
    return ta is not None and tb is not None and float(x[ta] @ x[tb]) >= min_title_cos
