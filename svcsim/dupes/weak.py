"""Paraphrase and related pairs: candidates that are not near copies, labelled per entry pair.

Two ways to label them, chosen by :attr:`svcsim.dupes.PairScan.pair_model`:

* the pair classifier (default): :mod:`svcsim.dupes.features` → :class:`~svcsim.dupes.pairmodel.PairModel`,
  for every entry pair with cosine ≥ the model's ``min_cosine``;
* ``pair_model=None``: the fixed cosine cut-offs of :class:`~svcsim.dupes.classify.Thresholds`
  (the behaviour before issue #15, kept as the baseline and for encoders without a fitted model).

Both return ``(row_a, row_b, label, lexical, semantic, spans)`` tuples, ``row_a`` first in plan order.
"""

from __future__ import annotations

import numpy as np

from svcsim.dupes.align import alignment_from_tiles, tiles
from svcsim.dupes.boilerplate import plan_order
from svcsim.dupes.classify import Label, Thresholds
from svcsim.dupes.features import FeatureContext
from svcsim.dupes.pairmodel import PairModel
from svcsim.model import Entry
from svcsim.text.normalize import NormText, normalize_for_match


def weak_pairs(entries: list[Entry], x: np.ndarray, candidates: list[tuple[list[int], list[int], str, str, float]],
               title_row: dict, t: Thresholds, model: PairModel | None, kind_rows: list[int]) -> list[tuple]:
    """Label candidate unit pairs ``(rows_u, rows_v, key_u, key_v, cover_short)`` per entry pair.

    ``kind_rows`` are all rows of the candidates' kind: the documents of the word frequencies.
    """
    gate = t.min_semantic if model is None else model.min_cosine
    todo = []  # (ra, rb, key_a, key_b, cover, cosine), ra first in plan order
    for rows_u, rows_v, key_u, key_v, cover in candidates:
        sims = x[rows_u] @ x[rows_v].T
        if float(sims.max()) < gate:
            continue  # not close in meaning: no label to give
        for iu, ru in enumerate(rows_u):
            for iv, rv in enumerate(rows_v):
                s = float(sims[iu, iv])
                if s < gate:
                    continue
                if plan_order(entries[rv]) < plan_order(entries[ru]):
                    todo.append((rv, ru, key_v, key_u, cover, s))
                else:
                    todo.append((ru, rv, key_u, key_v, cover, s))
    if not todo:
        return []
    if model is None:
        labels = [_threshold_label(s, cover, _same_measure(entries[ra], entries[rb], x, title_row,
                                                            t.same_measure_title), t)
                  for ra, rb, _, _, cover, s in todo]
    else:
        ctx = FeatureContext(entries, x, df_rows=kind_rows)
        feats = np.array([ctx.features(ra, rb, cover_short=cover)
                          for ra, rb, _, _, cover, _ in todo], dtype=np.float64)
        labels = model.decide(feats)
    out = []
    norms: dict[int, NormText] = {}
    found: dict[tuple[str, str], list] = {}
    for (ra, rb, ka, kb, _, s), label in zip(todo, labels):
        if label is None:
            continue
        tl = found.get((ka, kb))
        if tl is None:
            tl = found[(ka, kb)] = tiles(ka, kb, min_run=t.min_run)
        na = norms.get(ra) or norms.setdefault(ra, normalize_for_match(entries[ra].text))
        nb = norms.get(rb) or norms.setdefault(rb, normalize_for_match(entries[rb].text))
        al = alignment_from_tiles(na, nb, tl)
        out.append((ra, rb, label, round(al.cover_short, 4), round(s, 4), al.spans))
    return out


def _threshold_label(semantic: float, cover_short: float, same_measure: bool, t: Thresholds) -> Label | None:
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
