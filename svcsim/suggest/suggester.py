"""The drafting assistant: how other agencies wrote this measure, best and most concrete first.

Ranking, for a draft ``d`` (and/or a measure ``m``) — every number below is a keyword of
:class:`Suggester`:

1. **Pool.** The ``pool`` texts nearest to the draft in the FAISS index; with a measure, also every
   point filed under that measure (its slot, see :mod:`svcsim.suggest.measures`) in other plans —
   and with a measure but no draft, only those. Only points of *other* agencies are kept.
2. **Relevance** ``r`` = cos(draft, point), or cos(measure centroid, point) when there is no draft.
3. **Copies collapse.** Texts equal after :func:`svcsim.text.match_key`, or copies/near-copies by
   :mod:`svcsim.dupes` rules, become one group; it shows its member closest to the draft and lists
   every agency using any member (``used_by``).
4. **Score** = ``(1 − w)·r̂ + w·specificity`` with ``r̂`` = ``r`` min-max scaled over the pool (so
   the encoder's cosine scale does not matter) and specificity from
   :mod:`svcsim.suggest.specificity` (rarity counts the group's agencies). ``w`` is ``spec_weight``
   (0.3) with a draft; without one it is ``browse_spec_weight`` (0.7), because closeness to the
   measure title mostly rewards points that merely restate the title — the boilerplate.
   With a draft and a measure, points of that measure get ``+ measure_bonus`` (0.15): the measure
   is a preference, not a filter, because the wording a drafter needs is often filed under a
   neighbouring measure by another agency (on the gold pairs a hard filter halved hit@5).
5. **MMR.** Pick ``k`` groups by ``λ·score − (1 − λ)·max cos(group, picked)``.

The copy warning compares the draft with its nearest texts of other agencies (and any text with
the same match key) using :func:`svcsim.suggest.copying.copy_relation`.

Speed: a query's work is proportional to its pool, not to the corpus. Row owners, copy groups by
match key, each measure's rows and their order by the measure's centroid are computed once when the
suggester is built; the pool comes from the FAISS index (IVF above 50k texts); copy checks go through
a sparse 4-gram gate and a 4-gram window bound before any alignment. ``benchmarks/suggest_latency.py``
shows retrieval + ranking p50 ≈ 10–40 ms at 100k points.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from svcsim.errors import InputError
from svcsim.model import Entry
from svcsim.suggest.copying import copy_relation, could_copy, is_copy
from svcsim.suggest.measures import (
    MeasureCatalogue,
    MeasureInfo,
    MeasureSlot,
    parse_code,
)
from svcsim.suggest.results import CopyWarning, MeasureRef, Suggestion, SuggestResult
from svcsim.suggest.specificity import specificity
from svcsim.suggest.threads import one_blas_thread

MAX_DRAFT_CHARS = 5000
MAX_K = 50
EXACT_NUMPY_BELOW = 20_000
SHINGLE_GATE = 0.3
# Row owners (see ``Suggester._owner``): a row whose points come from several agencies, or none.
_SHARED = -1
_NO_POINTS = -2


@dataclass
class _Group:
    rows: list[int]
    relevance: float
    gids: set[int]


class Suggester:
    """Suggestions for a drafter, built once from a corpus and an encoder and kept warm.

    Args:
        corpus: an open :class:`svcsim.store.Corpus`.
        encoder: the encoder the corpus index was built with (drafts are embedded as ``query``).
        update_index: bring the FAISS index up to date first (embeds only what is not cached).
        pool: how many nearest texts to consider before grouping and diversifying.
        spec_weight: weight of specificity against relevance in the score (0 = relevance only).
        browse_spec_weight: the same weight when there is no draft, only a measure.
        measure_bonus: score added to points of the chosen measure when there is also a draft.
        mmr_lambda: MMR trade-off; 1 = no diversification.
        warn_candidates: how many nearest texts are checked for the copy warning.

    >>> s = Suggester(corpus, HashEncoder())                              # doctest: +SKIP
    >>> r = s.suggest("設置單一窗口", measure="一(二)", agency="高雄市政府某局")  # doctest: +SKIP
    >>> [(x.entry.agency, x.n_used) for x in r.suggestions]                # doctest: +SKIP
    [('高雄市政府勞工局', 1), ('高雄市小港區公所', 3), ...]
    """

    def __init__(self, corpus, encoder, *, update_index: bool = True, pool: int = 64,
                 spec_weight: float = 0.3, browse_spec_weight: float = 0.7,
                 measure_bonus: float = 0.15, mmr_lambda: float = 0.75, warn_candidates: int = 20,
                 show_progress: bool = False) -> None:
        from svcsim.index.corpus_index import CorpusIndex
        from svcsim.index.corpus_index import update_index as _update
        from svcsim.embed.cache import vectors_for_texts
        from svcsim.text import match_key

        for name, v in (("spec_weight", spec_weight), ("browse_spec_weight", browse_spec_weight),
                        ("measure_bonus", measure_bonus), ("mmr_lambda", mmr_lambda)):
            if not 0.0 <= v <= 1.0:
                raise InputError("Suggester", f"{name} must lie in [0, 1], got {v}")
        self.encoder = encoder
        self.pool = pool
        self.spec_weight = spec_weight
        self.browse_spec_weight = browse_spec_weight
        self.measure_bonus = measure_bonus
        self.mmr_lambda = mmr_lambda
        self.warn_candidates = warn_candidates
        self._lock = threading.Lock()
        if update_index:
            _update(corpus, encoder, show_progress=show_progress)
        self.index = CorpusIndex.open(corpus, encoder)

        texts = corpus.distinct_texts()
        vecs, _ = vectors_for_texts(corpus, encoder, [(k, t) for _, k, t in texts])
        self._tids = np.array([t for t, _, _ in texts], dtype=np.int64)
        self._row_of_tid = {int(t): i for i, t in enumerate(self._tids)}
        self.texts: list[str] = [t for _, _, t in texts]
        self.vectors = (np.stack([vecs[k] for _, k, _ in texts]).astype(np.float32) if texts
                        else np.zeros((0, encoder.dim), np.float32))

        # Points per row, and copy groups by match key: exact copies (after width/punctuation folding)
        # are found here once, so `used_by` counts agencies the pool never reached.
        self._points: list[list[Entry]] = [[] for _ in texts]
        key_gid: dict[str, int] = {}
        self._gid = np.zeros(len(texts), dtype=np.int64)
        for i, t in enumerate(self.texts):
            self._gid[i] = key_gid.setdefault(match_key(t), len(key_gid))
        self._key_gid = key_gid
        group_agencies: dict[int, set[str]] = defaultdict(set)
        measure_rows: dict[tuple, dict] = {}
        for tid, entries in self.index.by_text.items():
            row = self._row_of_tid[tid]
            for e in entries:
                key = (e.plan_id, e.item, e.measure)
                m = measure_rows.setdefault(key, {"e": e, "title": -1, "points": []})
                if e.kind == "point":
                    self._points[row].append(e)
                    group_agencies[int(self._gid[row])].add(e.agency)
                    m["points"].append((e.n or 0, e.id, row))
                else:
                    m["title"] = row
        self._group_agencies = {g: frozenset(a) for g, a in group_agencies.items()}
        self._rows_of_gid: dict[int, list[int]] = defaultdict(list)
        for i, g in enumerate(self._gid.tolist()):
            self._rows_of_gid[g].append(i)
        for lst in self._points:
            lst.sort(key=lambda e: e.id)
        self.agencies: tuple[str, ...] = tuple(sorted({a for s in self._group_agencies.values() for a in s}))

        measures: list[MeasureInfo] = []
        for key in sorted(measure_rows, key=lambda k: (k[0], measure_rows[k]["e"].id)):
            m = measure_rows[key]
            e = m["e"]
            measures.append(MeasureInfo(plan_id=e.plan_id, agency=e.agency, item=e.item, measure=e.measure,
                                        item_title=e.item_title, title=e.measure_title, title_row=m["title"],
                                        point_rows=tuple(r for _, _, r in sorted(m["points"]))))
        title_vecs = np.stack([self.vectors[m.title_row] if m.title_row >= 0 else np.zeros(encoder.dim, np.float32)
                               for m in measures]) if measures else np.zeros((0, encoder.dim), np.float32)
        self.catalogue = MeasureCatalogue(measures, title_vecs)
        self._shingles = [_shingles(t) for t in self.texts]

        # Everything below is precomputed so that a query's work stays proportional to its pool
        # (≈ 64–128 rows), not to the corpus or to a measure's thousands of points.
        # The agency of each row when it has only one (else _SHARED / _NO_POINTS): "has a point of
        # another agency" becomes one vectorised comparison instead of a Python list per row.
        self._agency_id = {a: i for i, a in enumerate(self.agencies)}
        self._owner = np.full(len(texts), _NO_POINTS, dtype=np.int32)
        for r, es in enumerate(self._points):
            if es:
                ags = {e.agency for e in es}
                self._owner[r] = self._agency_id[ags.pop()] if len(ags) == 1 else _SHARED
        # Per slot (keyed by id: slots are unhashable and live as long as the catalogue): its point
        # rows ascending, and the same rows ordered by closeness to the slot's title centroid with
        # those cosines — the whole ranking of a measure-only query, before the agency filter.
        self._slot_rows: dict[int, np.ndarray] = {}
        self._slot_browse: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for slot in self.catalogue.slots:
            rows = np.unique(np.fromiter((r for j in slot.members for r in self.catalogue.measures[j].point_rows),
                                         dtype=np.int64)).astype(np.int64)
            rel = self.vectors[rows] @ slot.vector if len(rows) else np.zeros(0, np.float32)
            order = np.argsort(-rel, kind="stable")
            self._slot_rows[id(slot)] = rows
            self._slot_browse[id(slot)] = (rows[order], rel[order])

    # -- public ----------------------------------------------------------------------------------
    def measures(self) -> list[MeasureRef]:
        """The corpus's measures (one per slot), in code order, for a picker."""
        return [s.ref for s in self.catalogue.slots]

    def point_entries(self) -> tuple[list[Entry], np.ndarray]:
        """Every point of the corpus in entry-id order and its vector (row-aligned), from memory.

        For analyses run beside the suggester (the web page's duplicates and clusters tabs)
        without going back to the database.
        """
        pairs = sorted(((e, r) for r, es in enumerate(self._points) for e in es), key=lambda x: x[0].id)
        rows = np.fromiter((r for _, r in pairs), dtype=np.int64, count=len(pairs))
        return [e for e, _ in pairs], self.vectors[rows]

    def resolve_measure(self, measure: str | MeasureRef) -> MeasureSlot:
        """A code like ``三(二)``, a measure title, or a :class:`MeasureRef` → its slot."""
        if isinstance(measure, MeasureRef):
            for s in self.catalogue.slots:
                if s.ref == measure:
                    return s
            measure = measure.code
        if not isinstance(measure, str) or not measure.strip():
            raise InputError("--measure", f"expected a code such as 三(二) or a measure title, got {measure!r}")
        return self.catalogue.resolve(measure.strip(), self._embed_title)

    def suggest(self, draft: str = "", *, measure: str | MeasureRef | None = None, agency: str | None = None,
                k: int = 5) -> SuggestResult:
        """Up to ``k`` suggestions from other agencies for a draft 執行重點, and a copy warning.

        Args:
            draft: what the drafter typed so far (may be empty when ``measure`` is given).
            measure: the measure being written: a code (``三(二)``), a title, or a :class:`MeasureRef`.
            agency: the drafter's agency; its own points are never suggested nor warned about.
            k: how many suggestions (1–50).

        Raises:
            InputError: empty draft without a measure, a draft over 5,000 characters, a bad ``k``,
                or an unknown measure.
        """
        if not isinstance(draft, str):
            raise InputError("draft", f"expected a str, got {type(draft).__name__}")
        if len(draft) > MAX_DRAFT_CHARS:
            raise InputError("draft", f"{len(draft)} characters is over the {MAX_DRAFT_CHARS} limit; "
                             "suggestions are for one 執行重點 at a time")
        if not isinstance(k, int) or not 1 <= k <= MAX_K:
            raise InputError("k", f"must be an integer from 1 to {MAX_K}, got {k!r}")
        text = draft.strip()
        if not text and measure is None:
            raise InputError("draft", "empty draft and no measure; type a draft, pick a measure, or both")
        with self._lock, one_blas_thread():
            # A measure given by code is a lookup and counts as ranking; one given by title is
            # dominated by embedding the title and counts as embedding.
            t0 = time.perf_counter()
            slot = self.resolve_measure(measure) if measure is not None else None
            t1 = time.perf_counter()
            q = self.encoder.encode([text], kind="query")[0] if text else None
            t2 = time.perf_counter()
            result = self._suggest(text, q, slot, agency, k)
            t3 = time.perf_counter()
        by_code = isinstance(measure, MeasureRef) or (measure is not None and parse_code(measure.strip()) is not None)
        resolve = t1 - t0
        return SuggestResult(draft=draft, measure=slot.ref if slot else None, agency=agency,
                             suggestions=result[0], warning=result[1],
                             embed_ms=((t2 - t1) + (0.0 if by_code else resolve)) * 1e3,
                             rank_ms=((t3 - t2) + (resolve if by_code else 0.0)) * 1e3)

    def suggest_vector(self, text: str, vector: np.ndarray | None, *, measure: str | MeasureRef | None = None,
                       agency: str | None = None, k: int = 5) -> tuple[tuple[Suggestion, ...], CopyWarning | None]:
        """:meth:`suggest` for a draft already embedded (``kind="query"``): suggestions and warning.

        ``vector`` may be ``None`` with an empty ``text`` and a ``measure`` (browsing a measure).
        """
        if vector is None and (text or measure is None):
            raise InputError("vector", "None is only allowed with an empty draft and a measure; "
                             "embed the draft with encoder.encode([text], kind='query')[0]")
        slot = self.resolve_measure(measure) if measure is not None else None
        q = np.asarray(vector, np.float32).reshape(-1) if vector is not None else None
        return self._suggest(text, q, slot, agency, k)

    def examples(self, slot: MeasureSlot, *, agency: str | None = None, k: int = 3) -> tuple[Suggestion, ...]:
        """The ``k`` best versions of a measure from agencies other than ``agency``."""
        return self._suggest("", None, slot, agency, k)[0]

    def copy_source(self, text: str, *, agency: str | None = None, rows: list[int] | None = None,
                    vector: np.ndarray | None = None) -> CopyWarning | None:
        """The other agency's point ``text`` copies most, checking the given rows, same-key texts and
        (with a ``vector``) the nearest texts."""
        cand = list(rows or [])
        if vector is not None:
            cand += self._nearest_rows(vector, self.warn_candidates, agency)[0]
        return self._warning(text, cand, agency)

    # -- internals -------------------------------------------------------------------------------
    def _embed_title(self, title: str) -> np.ndarray:
        return self.encoder.encode([title], kind="passage")[0]

    def _other_points(self, row: int, agency: str | None) -> list[Entry]:
        return [e for e in self._points[row] if e.agency != agency] if agency else self._points[row]

    def _has_other(self, rows: np.ndarray, agency: str | None) -> np.ndarray:
        """Mask of ``rows`` holding a point of an agency other than ``agency`` (``bool(_other_points)``)."""
        owner = self._owner[rows]
        ok = owner != _NO_POINTS
        aid = self._agency_id.get(agency) if agency else None
        if aid is not None:
            ok &= owner != aid
        return ok

    def _nearest_rows(self, q: np.ndarray, n: int, agency: str | None) -> tuple[list[int], np.ndarray]:
        """Rows of the ``n`` nearest texts holding a point of another agency, with their cosines."""
        fetch = min(max(2 * n, 32), max(self.index.index.count, 1))
        while True:
            scores, ids = self._search(q, fetch)
            rows, rel = [], []
            for s, t in zip(scores[0].tolist(), ids[0].tolist()):
                r = self._row_of_tid.get(t) if t >= 0 else None
                if r is not None:
                    rows.append(r)
                    rel.append(s)
            if rows:
                keep = self._has_other(np.asarray(rows, dtype=np.int64), agency).tolist()
                rows = [r for r, ok in zip(rows, keep) if ok]
                rel = [s for s, ok in zip(rel, keep) if ok]
            if len(rows) >= n or fetch >= self.index.index.count:
                break
            fetch = min(fetch * 4, self.index.index.count)
        return rows[:n], np.asarray(rel[:n], dtype=np.float32)

    def _search(self, q: np.ndarray, fetch: int) -> tuple[np.ndarray, np.ndarray]:
        # Below EXACT_NUMPY_BELOW texts one numpy mat-vec is exact and ~1 ms; faiss' OpenMP start-up
        # costs more than that for a single query on a busy machine. Above, the FAISS index (IVF when
        # large) is what keeps 100k+ corpora fast.
        if len(self.texts) > EXACT_NUMPY_BELOW:
            return self.index.index.search(q.reshape(1, -1), fetch)
        sims = self.vectors @ q
        fetch = min(fetch, len(sims))
        top = np.argpartition(-sims, fetch - 1)[:fetch] if fetch < len(sims) else np.arange(len(sims))
        top = top[np.lexsort((top, -sims[top]))]
        return sims[top][None, :], self._tids[top][None, :]

    def _suggest(self, text: str, q: np.ndarray | None, slot: MeasureSlot | None, agency: str | None,
                 k: int) -> tuple[tuple[Suggestion, ...], CopyWarning | None]:
        near_rows: list[int] = []
        if q is not None:
            near_rows, near_rel = self._nearest_rows(q, max(self.pool, self.warn_candidates), agency)
        in_slot: frozenset[int] = frozenset()
        if slot is not None and q is None:
            browse_rows, browse_rel = self._slot_browse[id(slot)]
            keep = np.flatnonzero(self._has_other(browse_rows, agency))[: self.pool]
            rows, rel = browse_rows[keep].tolist(), browse_rel[keep]
            in_slot = frozenset(rows)
        elif slot is not None:
            # The slot's rows first (ascending), then pool rows from outside it: the order ties keep.
            slot_rows = self._slot_rows[id(slot)]
            slot_rows = slot_rows[self._has_other(slot_rows, agency)]
            near = np.asarray(near_rows[: self.pool], dtype=np.int64)
            arr = np.concatenate([slot_rows, near[~np.isin(near, slot_rows)]])
            rel = self.vectors[arr] @ q if len(arr) else np.zeros(0, np.float32)
            order = _top_stable(rel, 2 * self.pool)
            rows, rel = arr[order].tolist(), rel[order]
            in_slot = frozenset(np.asarray(rows, dtype=np.int64)[np.isin(arr[order], slot_rows)].tolist())
        else:
            rows, rel = near_rows[: self.pool], near_rel[: self.pool]
        warning = self._warning(text, near_rows[: self.warn_candidates] + rows[:5], agency) if text else None
        groups = self._group(rows, rel)
        w = self.spec_weight if q is not None else self.browse_spec_weight
        bonus = self.measure_bonus if q is not None else 0.0
        return self._rank(groups, rel, agency, k, w, in_slot, bonus), warning

    def _group(self, rows: list[int], rel: np.ndarray) -> list[_Group]:
        groups: list[_Group] = []
        by_gid: dict[int, _Group] = {}
        maybe = self._copy_candidates(rows)
        pos = {r: i for i, r in enumerate(rows)}
        heads: list[int] = []  # position in ``rows`` of each group's first row
        for r, s in zip(rows, rel.tolist()):
            gid = int(self._gid[r])
            g = by_gid.get(gid)
            if g is None and heads:
                for gi in np.flatnonzero(maybe[pos[r], heads]).tolist():
                    head = groups[gi].rows[0]
                    if is_copy(self.texts[r], self.texts[head]):
                        g = groups[gi]
                        break
            if g is None:
                g = _Group([r], float(s), {gid})
                groups.append(g)
                heads.append(pos[r])
            else:
                g.rows.append(r)
                g.gids.add(gid)
            by_gid[gid] = g
        return groups

    def _copy_candidates(self, rows: list[int], extra: list[np.ndarray] | None = None) -> np.ndarray:
        """Boolean matrix: which pairs of ``rows`` (then ``extra`` shingle sets) could be copies.

        A near-copy has ≥ 70 % of the shorter text in shared runs of ≥ 4 characters, so it shares
        at least ~40 % of its character 4-grams; we align only pairs sharing ≥ ``SHINGLE_GATE``.
        One small dense matrix product instead of a Python loop over pairs.
        """
        sets = [self._shingles[r] for r in rows] + list(extra or [])
        n = len(sets)
        if n == 0:
            return np.zeros((0, 0), dtype=bool)
        from scipy import sparse

        sizes = np.array([len(x) for x in sets], dtype=np.int64)
        allh = np.concatenate(sets) if sizes.any() else np.zeros(0, np.int64)
        if not len(allh):
            return np.zeros((n, n), dtype=bool)
        # Sparse: a dense pool × distinct-4-grams matrix was ~8 ms of every query at 100k points.
        _, inv = np.unique(allh, return_inverse=True)
        m = sparse.csr_matrix((np.ones(len(allh), dtype=np.float32), (np.repeat(np.arange(n), sizes), inv)),
                              shape=(n, int(inv.max()) + 1))
        shared = (m @ m.T).toarray()
        smaller = np.minimum(sizes[:, None], sizes[None, :]).astype(np.float32)
        return (shared >= SHINGLE_GATE * smaller) & (smaller > 0)

    def _spread(self, g: _Group, used_by: tuple[str, ...]) -> int:
        """Agencies a text counts as used by, for rarity: a point that only restates its measure's
        title is as common as the title itself, i.e. the whole slot."""
        rep = g.rows[0]
        e = self._points[rep][0]
        if e.measure_title and is_copy(self.texts[rep], e.measure_title):
            return len(self.agencies)
        return len(used_by)

    def _used_by(self, g: _Group) -> tuple[str, ...]:
        agencies: set[str] = set()
        for gid in g.gids:
            agencies |= self._group_agencies.get(gid, frozenset())
        return tuple(sorted(agencies))

    def _rank(self, groups: list[_Group], rel: np.ndarray, agency: str | None, k: int,
              w: float, in_slot: frozenset[int] = frozenset(), bonus: float = 0.0) -> tuple[Suggestion, ...]:
        if not groups:
            return ()
        lo, hi = (float(rel.min()), float(rel.max())) if len(rel) else (0.0, 1.0)
        span = hi - lo
        total = len(self.agencies)
        cands = []
        for g in groups:
            used_by = self._used_by(g)
            rep = g.rows[0]
            spec = specificity(self.texts[rep], n_agencies=self._spread(g, used_by), total_agencies=total)
            r_hat = (g.relevance - lo) / span if span > 1e-9 else 1.0
            score = (1 - w) * r_hat + w * spec + (bonus if any(r in in_slot for r in g.rows) else 0.0)
            cands.append((g, used_by, spec, score))
        reps = np.stack([self.vectors[g.rows[0]] for g, *_ in cands])
        chosen: list[int] = []
        max_sim = np.full(len(cands), -np.inf, dtype=np.float32)
        lam = self.mmr_lambda
        while len(chosen) < min(k, len(cands)):
            best, best_val = -1, -np.inf
            for i, (_, _, _, score) in enumerate(cands):
                if i in chosen:
                    continue
                val = lam * score - (1 - lam) * (max_sim[i] if chosen else 0.0)
                if val > best_val + 1e-12:
                    best, best_val = i, val
            chosen.append(best)
            max_sim = np.maximum(max_sim, reps @ reps[best])
        out = []
        for i in chosen:
            g, used_by, spec, score = cands[i]
            members = [e for r in g.rows for e in self._other_points(r, agency)]
            out.append(Suggestion(entry=members[0], score=float(score), relevance=float(g.relevance),
                                  specificity=float(spec), used_by=used_by, copies=tuple(members[1:])))
        return tuple(out)

    def _warning(self, text: str, rows: list[int], agency: str | None) -> CopyWarning | None:
        from svcsim.text import match_key

        if not text:
            return None
        cand = list(dict.fromkeys(rows))
        gid = self._key_gid.get(match_key(text))
        if gid is not None:
            cand = self._rows_of_gid[gid] + cand
        best = None
        copied_by: set[str] = set()
        cand = [r for r in dict.fromkeys(cand) if self._other_points(r, agency)]
        maybe = self._copy_candidates(cand, [_shingles(text)])[-1] if cand else []
        for i, r in enumerate(cand):
            if not maybe[i] or not could_copy(text, self.texts[r]):
                continue
            sources = self._other_points(r, agency)
            rel = copy_relation(text, self.texts[r])
            if rel.label is None:
                continue
            copied_by |= self._group_agencies.get(int(self._gid[r]), frozenset())
            rank = (rel.label == "copy", rel.cover_a)
            if best is None or rank > best[0]:
                best = (rank, rel, r, sources[0])
        if best is None:
            return None
        _, rel, r, source = best
        return CopyWarning(label=rel.label, source=source, spans=rel.spans, cover=rel.cover_a,
                           used_by=tuple(sorted(copied_by)))


def _top_stable(scores: np.ndarray, m: int) -> np.ndarray:
    """``np.argsort(-scores, kind="stable")[:m]`` without sorting all of ``scores``."""
    neg = -scores
    if m >= len(neg):
        return np.argsort(neg, kind="stable")
    kth = np.partition(neg, m - 1)[m - 1]
    cand = np.flatnonzero(neg <= kth)  # ascending positions, so the stable sort keeps ties in order
    return cand[np.argsort(neg[cand], kind="stable")][:m]


def _shingles(text: str) -> np.ndarray:
    """Hashes of the character 4-grams of ``text``'s match key (the unit of :mod:`svcsim.dupes` runs)."""
    from svcsim.text import match_key

    key = match_key(text)
    if len(key) < 4:
        return np.array([zlib.crc32(key.encode())], dtype=np.int64) if key else np.zeros(0, np.int64)
    # crc32, not hash(): str hashes change with PYTHONHASHSEED and results must not.
    return np.unique(np.array([zlib.crc32(key[i : i + 4].encode()) for i in range(len(key) - 3)], dtype=np.int64))
