"""The copy warning: which other agency's point does a draft copy, and which runs of it.

The draft is compared with every corpus text of the same :func:`svcsim.text.match_key` (an exact
copy after width and punctuation folding) and with the candidate rows the caller gives (the
suggester gives the draft's nearest texts and its top suggestions). Each pair goes through the
cheap gates of :mod:`svcsim.suggest.copying` before :func:`~svcsim.suggest.copying.copy_relation`
aligns it; the strongest relation wins: a ``copy`` over a ``near_copy``, then the larger share of
the draft covered, then the earlier candidate.
"""

from __future__ import annotations

from collections.abc import Iterable

from svcsim.suggest.copying import copy_candidates_for, copy_relation, could_copy, shingles
from svcsim.suggest.index import SuggestIndex
from svcsim.suggest.results import CopyWarning


def copy_warning(index: SuggestIndex, text: str, rows: Iterable[int] = (), *,
                 agency: str | None = None) -> CopyWarning | None:
    """The point of an agency other than ``agency`` that ``text`` copies most, or ``None``.

    Args:
        index: the corpus's suggestion index.
        text: the draft, as typed (the warning's spans point into it).
        rows: candidate rows of ``index`` to check besides the texts of the same match key, e.g.
            the draft's nearest rows (:meth:`SuggestIndex.nearest_rows`) or a measure's
            (:meth:`SuggestIndex.measure_rows`).
        agency: the drafter's agency; its own points are never a source.

    Returns:
        A :class:`CopyWarning` naming the source point (the first, by entry id, of the copied text),
        the copied spans, the share of the draft they cover and every agency using a copied text.
    """
    if not text:
        return None
    cand = index.rows_with_key(text) + list(dict.fromkeys(rows))
    best = None
    copied_by: set[str] = set()
    cand = [r for r in dict.fromkeys(cand) if index.other_points(r, agency)]
    maybe = copy_candidates_for(shingles(text), [index.shingles[r] for r in cand]).tolist()
    for i, r in enumerate(cand):
        if not maybe[i] or not could_copy(text, index.texts[r]):
            continue
        sources = index.other_points(r, agency)
        rel = copy_relation(text, index.texts[r])
        if rel.label is None:
            continue
        copied_by |= index.group_agencies(int(index.key_group[r]))
        rank = (rel.label == "copy", rel.cover_a)
        if best is None or rank > best[0]:
            best = (rank, rel, r, sources[0])
    if best is None:
        return None
    _, rel, r, source = best
    return CopyWarning(label=rel.label, source=source, spans=rel.spans, cover=rel.cover_a,
                       used_by=tuple(sorted(copied_by)))
