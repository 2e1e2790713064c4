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

from collections.abc import Collection, Iterator
from dataclasses import dataclass

import numpy as np

from svcsim.dupes.align import Span, tiles
from svcsim.dupes.boilerplate import CopyGroups, plan_order
from svcsim.dupes.classify import LABELS, Label, Thresholds, copy_key
from svcsim.dupes.synonyms import synonym_spans
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
        """JSON-ready: ``a``/``b`` in :meth:`Entry.to_dict`'s shape, spans as lists."""
        return {"a": self.a.to_dict(), "b": self.b.to_dict(), "label": self.label, "template": self.template,
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
                 thresholds: Thresholds, hidden: np.ndarray, *,
                 synonym_blocks: Collection[tuple[int, int]] = frozenset()) -> None:
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
        self.synonym_blocks = synonym_blocks  # unit pairs that are near copies through synonym swaps
        self._strict: dict[int, str] = {}
        self._norm: dict[int, NormText] = {}
        n_within = sum(len(rs) * (len(rs) - 1) // 2 for rs, k in zip(units, keys) if k)
        sizes = np.fromiter((len(rs) for rs in units), dtype=np.int64, count=len(units))
        n_cross = int(np.dot(sizes[self.cross_u], sizes[self.cross_v])) if len(self.cross_u) else 0
        self._n_copyish = n_within + n_cross
        self.min_label: Label = "related"

    def synonym_mask(self) -> np.ndarray:
        """Per cross block, whether it is a synonym copy (``(u, v) in synonym_blocks``), vectorised."""
        if "_synonym_mask" in self.__dict__:  # known by the scan that made the blocks
            return self.__dict__["_synonym_mask"]
        n = len(self.units) + 1
        codes = self.cross_u.astype(np.int64) * n + self.cross_v.astype(np.int64)
        blocks = self.synonym_blocks
        if isinstance(blocks, PairCodes):
            return blocks.contains_codes(self.cross_u, self.cross_v)
        if not blocks:
            return np.zeros(len(codes), dtype=bool)
        b = np.array(sorted(blocks), dtype=np.int64).reshape(-1, 2)
        return np.isin(codes, b[:, 0] * n + b[:, 1])

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

    def pairs_of(self, row: int) -> Iterator[DupePair]:
        """The pairs of the entry at ``row``, in the order iterating the set gives them, made
        without producing anyone else's pairs (a reviewer's look at one point)."""
        u = int(self.unit_of[row])
        for label in self._labels():
            if label in ("copy", "near_copy") and u >= 0:
                yield from self._within(same_strict=label == "copy", only=row)
            if label == "near_copy" and u >= 0:
                for i in np.flatnonzero((self.cross_u == u) | (self.cross_v == u)).tolist():
                    yield from self._cross_pairs(int(self.cross_u[i]), int(self.cross_v[i]),
                                                 round(float(self.cross_lexical[i]), 4), only=row)
            if label not in ("copy", "near_copy"):
                for ra, rb, lab, lexical, semantic, spans in self.weak:
                    if lab == label and row in (ra, rb):
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

    def _within(self, *, same_strict: bool, only: int | None = None, unit: int | None = None) -> Iterator[DupePair]:
        x = self.vectors
        if only is not None:
            unit = int(self.unit_of[only])
        units = zip(self.units, self.keys) if unit is None else [(self.units[unit], self.keys[unit])]
        for rs, key in units:
            if len(rs) < 2 or not key:
                continue
            if only is None:
                strict = [self.strict(r) for r in rs]
                if same_strict is False and len(set(strict)) == 1:
                    continue
                todo = ((i, j) for i in range(len(rs)) for j in range(i + 1, len(rs)))
            else:  # the same pairs in the same order, but only those of one row, and only the
                # strict keys they need: a reader of one point stops after a few of 10³ copies
                strict = _Lazy(self.strict, rs)
                p = rs.index(only)
                todo = [*((i, p) for i in range(p)), *((p, j) for j in range(p + 1, len(rs)))]
            whole: dict[int, tuple[int, int]] = {}  # filled as needed: one row's pairs need two texts
            label: Label = "copy" if same_strict else "near_copy"
            for i, j in todo:
                if (strict[i] == strict[j]) != same_strict:
                    continue
                ra, rb = rs[i], rs[j]
                for r in (ra, rb):
                    if r not in whole:
                        nt = self.norm(r)
                        whole[r] = nt.span_to_original(0, len(nt.text))
                spans = (whole[ra] + whole[rb],)
                yield self._pair(ra, rb, label, 1.0, round(float(x[ra] @ x[rb]), 4), spans)

    def _cross_pairs(self, u: int, v: int, lexical: float, only: int | None = None) -> Iterator[DupePair]:
        x = self.vectors
        rows_u, rows_v = self.units[u], self.units[v]
        if only is not None:  # the pairs of one row: the same pairs, in the same order
            rows_u, rows_v = ([only], rows_v) if only in rows_u else (rows_u, [only])
        t = self.thresholds
        if (u, v) in self.synonym_blocks:
            ordered, contained = synonym_spans(self.keys[u], self.keys[v], t), False
        else:
            found = sorted(tiles(self.keys[u], self.keys[v], min_run=self.min_run))
            covered = sum(n for _, _, n in found)
            lu, lv = len(self.keys[u]), len(self.keys[v])
            contained = not (covered >= t.near_copy_short * min(lu, lv) and covered >= t.near_copy_long * max(lu, lv))
            ordered = [(i, i + n, j, j + n) for i, j, n in found]
        side_u = [[self.norm(r).span_to_original(a0, a1) for a0, a1, _, _ in ordered] for r in rows_u]
        side_v = [[self.norm(r).span_to_original(b0, b1) for _, _, b0, b1 in ordered] for r in rows_v]
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


class PairCodes(Collection):
    """A set of ``(u, v)`` int pairs held as sorted codes: ``in`` is a binary search, and loading
    10⁶ pairs builds no Python tuples (a frozenset of them takes a second)."""

    def __init__(self, u: np.ndarray, v: np.ndarray) -> None:
        self._n = int(max(u.max(initial=0), v.max(initial=0))) + 1
        self._codes = np.sort(u.astype(np.int64) * self._n + v.astype(np.int64))

    def __contains__(self, pair: object) -> bool:
        u, v = pair  # type: ignore[misc]
        if not (0 <= u < self._n and 0 <= v < self._n):
            return False
        code = u * self._n + v
        i = int(np.searchsorted(self._codes, code))
        return i < len(self._codes) and int(self._codes[i]) == code

    def __len__(self) -> int:
        return len(self._codes)

    def __iter__(self):
        return iter(zip((self._codes // self._n).tolist(), (self._codes % self._n).tolist()))

    def contains_codes(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """``(u[i], v[i]) in self`` for every ``i``, vectorised."""
        u, v = u.astype(np.int64), v.astype(np.int64)
        ok = (u < self._n) & (v < self._n)
        codes = np.where(ok, u * self._n + v, -1)
        return ok & np.isin(codes, self._codes)


class _Lazy:
    """``fn(rows[i])`` computed on first use of ``[i]``."""

    def __init__(self, fn, rows: list[int]) -> None:
        self._fn, self._rows = fn, rows
        self._got: dict[int, str] = {}

    def __getitem__(self, i: int) -> str:
        if i not in self._got:
            self._got[i] = self._fn(self._rows[i])
        return self._got[i]


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


# The scan lives in svcsim.dupes.scan; its two names stay importable from here.
from svcsim.dupes.scan import PairScan, scan_pairs  # noqa: E402,F401
