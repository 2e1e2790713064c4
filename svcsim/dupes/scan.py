"""The scan itself: distinct texts → units, the exact near-copy joins, synonym copies, weak pairs.

:func:`scan_pairs` builds the :class:`~svcsim.dupes.pairset.PairSet` that
:func:`~svcsim.dupes.find_pairs`, :func:`~svcsim.dupes.iter_pairs` and :func:`~svcsim.dupes.analyse`
read; :class:`PairScan` holds how it searches. Split from :mod:`svcsim.dupes.pairset` (which
re-exports both names), which keeps what a scan *produces*.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from svcsim.dupes.boilerplate import TemplateRule, copy_groups, plan_order
from svcsim.dupes.candidates import lexical_candidates, semantic_candidates
from svcsim.dupes.classify import LABELS, Label, Thresholds
from svcsim.dupes.contained import contained_pairs
from svcsim.dupes.pairmodel import PairModel
from svcsim.dupes.synonyms import synonym_copies
from svcsim.dupes.tiling import codes_of, covered_batch, near_copy_pairs
from svcsim.dupes.weak import weak_pairs
from svcsim.embedded import EmbeddedCorpus
from svcsim.text.hidden import count_hidden
from svcsim.text.normalize import match_key

if TYPE_CHECKING:
    from svcsim.dupes.pairset import PairSet


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
        pair_model: decides paraphrase/related: ``"default"`` the shipped classifier for the default
            e5 model (:mod:`svcsim.dupes.pairmodel`), a :class:`~svcsim.dupes.pairmodel.PairModel`,
            or ``None`` for the fixed cosine cut-offs of ``thresholds`` (the pre-classifier rule).
    """

    thresholds: Thresholds = Thresholds()
    template_rule: TemplateRule = TemplateRule()
    k: int = 10
    max_df: int = 500
    max_per_text: int | None = 50
    exact_below: int | None = None
    random_state: int = 0
    pair_model: PairModel | str | None = "default"

    def model(self) -> PairModel | None:
        """The :class:`PairModel` to apply, or ``None`` for the cosine cut-offs."""
        if self.pair_model == "default":
            from svcsim.dupes.pairmodel import load_default

            return load_default()
        return self.pair_model  # type: ignore[return-value]

    def __post_init__(self) -> None:
        from svcsim.errors import InputError

        for name in ("k", "max_df"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise InputError(f"PairScan.{name}", f"got {v!r}; expected an int >= 1")
        if not isinstance(self.thresholds, Thresholds):
            raise InputError("PairScan.thresholds", f"got {type(self.thresholds).__name__}; expected Thresholds")
        if not (self.pair_model is None or self.pair_model == "default" or isinstance(self.pair_model, PairModel)):
            raise InputError("PairScan.pair_model",
                             f"got {self.pair_model!r}; expected 'default', a PairModel or None")
        if not isinstance(self.template_rule, TemplateRule):
            raise InputError("PairScan.template_rule",
                             f"got {type(self.template_rule).__name__}; expected TemplateRule")


def scan_pairs(corpus: EmbeddedCorpus, scan: PairScan = PairScan(), *, min_label: Label = "related") -> "PairSet":
    """Every labelled pair and the copy groups, as a :class:`PairSet`.

    Near copies come from the exact join of :func:`svcsim.dupes.tiling.near_copy_pairs`, contained
    copies between points from :func:`svcsim.dupes.contained.contained_pairs`; paraphrase and
    related start from lexical/semantic candidates, and with ``min_label`` copy or near_copy they
    are not computed at all.
    """
    from svcsim.dupes.pairset import PairSet  # pairset re-exports this module's names: import late

    entries, x = list(corpus.entries), corpus.vectors
    thresholds, template_rule, k, max_df = scan.thresholds, scan.template_rule, scan.k, scan.max_df
    max_per_text, exact_below, random_state = scan.max_per_text, scan.exact_below, scan.random_state
    t = thresholds
    model = scan.model()
    weak_wanted = min_label not in ("copy", "near_copy")
    keys: list[str] = []
    units: list[list[int]] = []
    unit_of = np.full(len(entries), -1, dtype=np.int64)
    cross_u: list[np.ndarray] = []
    cross_v: list[np.ndarray] = []
    cross_lex: list[np.ndarray] = []
    weak: list[tuple] = []
    synonym_blocks: set[tuple[int, int]] = set()
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
        rep = x[[units[base + i][0] for i in range(len(kind_keys))]]
        if t.synonyms:
            # copies with words swapped for synonyms (svcsim.dupes.synonyms)
            su, sv, scov = synonym_copies(kind_keys, rep, t, exclude=(nu, nv), k=k, exact_below=exact_below,
                                          random_state=random_state)
            cross_u.append(su + base)
            cross_v.append(sv + base)
            cross_lex.append(np.round(np.minimum(scov / np.maximum(np.minimum(lengths[su], lengths[sv]), 1), 1.0), 4))
            synonym_blocks.update(zip((su + base).tolist(), (sv + base).tolist()))
            nu, nv = np.concatenate([nu, su]), np.concatenate([nv, sv])
        if not weak_wanted:
            continue
        # Paraphrase/related: candidates that share shingles or are semantic neighbours, minus the
        # near copies, aligned only when some pair of their entries is close in meaning.
        lexical = lexical_candidates(kind_keys, max_df=max_df, max_per_text=max_per_text)
        gate = t.min_semantic if model is None else model.min_cosine
        semantic = semantic_candidates(rep, k=k, min_similarity=gate - 0.02,
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
        weak.extend(weak_pairs(entries, x, [(units[base + iu], units[base + iv], kind_keys[iu], kind_keys[iv], cover)
                                            for (iu, iv), cover in zip(both.tolist(), short.tolist())],
                               title_row, t, model, rows))
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
    return PairSet(entries, x, units, keys, unit_of, cross, weak, groups, t, hidden,
                   synonym_blocks=frozenset(synonym_blocks))
