"""Human-readable cluster labels: keywords by class-based TF-IDF and a representative sentence.

Class-based TF-IDF (as in BERTopic) treats all members of a cluster as one document: a word
scores high when it is frequent in the cluster and rare across clusters. Words come from
:func:`svcsim.text.words` (stop words removed), so keywords are real Traditional Chinese words
as written in the plans, e.g. ``('滿意度調查', '電話禮貌測試', '神秘客')``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from svcsim.errors import InputError
from svcsim.model import Entry
from svcsim.embedded import unit_rows

if TYPE_CHECKING:
    from svcsim.text.segcache import SpanCache

__all__ = ["ClusterLabel", "label_clusters"]


@dataclass(frozen=True)
class ClusterLabel:
    """What a cluster is about.

    Attributes:
        id: the cluster id (as in ``labels``).
        size: number of members.
        keywords: 1–``n_keywords`` words, best first; never empty.
        representative_id: ``Entry.id`` of the member closest to the centroid.
        representative: that member's text.
    """

    id: int
    size: int
    keywords: tuple[str, ...]
    representative_id: int
    representative: str


def label_clusters(
    entries: Sequence[Entry],
    labels: Sequence[int] | np.ndarray,
    vectors: object,
    *,
    n_keywords: int = 5,
    segments: "SpanCache | None" = None,
) -> list[ClusterLabel]:
    """Label every cluster (not the outliers, −1) with keywords and a representative member.

    Args:
        entries: the clustered entries.
        labels: cluster id per entry, −1 for outliers (e.g. ``PointClusterer.labels_``).
        vectors: the entries' vectors, row-aligned (normalised here if they are not).
        n_keywords: keywords per cluster (fewer only when the cluster has fewer distinct words).
        segments: where token offsets are kept (:class:`~svcsim.text.segcache.SpanCache`, e.g. in
            the corpus database); by default each distinct text is segmented here.

    Returns:
        One :class:`ClusterLabel` per cluster, sorted by id.

    Keywords fall back, when a cluster has no content word of two or more characters, to its
    most frequent single-character non-stop-words, then to character bigrams, then to the start
    of the representative text — a label is never empty.
    """
    if isinstance(entries, (str, bytes)):
        raise InputError("entries", "expected a sequence of Entry, got a str")
    entries = list(entries)
    lab = np.asarray(labels, dtype=np.int64).reshape(-1)
    x = unit_rows(vectors)
    if not (len(entries) == lab.size == x.shape[0]):
        raise InputError("label_clusters",
                         f"entries ({len(entries)}), labels ({lab.size}) and vectors ({x.shape[0]} rows) "
                         "must be row-aligned; pass the same corpus to all three")
    if isinstance(n_keywords, bool) or not isinstance(n_keywords, int) or n_keywords < 1:
        raise InputError("n_keywords", f"got {n_keywords!r}; expected an int >= 1, e.g. 5")

    from svcsim.text.segcache import SpanCache

    ids = sorted(int(c) for c in set(lab.tolist()) if c >= 0)
    if not ids:
        return []
    # segmented once per distinct text: large corpora repeat template texts many times
    spans = (segments or SpanCache()).spans(e.text for e in entries)
    seg: dict[str, list[str]] = {}
    tokens = [seg[e.text] if e.text in seg else seg.setdefault(e.text, _words(e.text, spans[e.text]))
              for e in entries]
    counts: dict[int, Counter[str]] = {c: Counter() for c in ids}
    for toks, c in zip(tokens, lab.tolist()):
        if c >= 0:
            counts[c].update(t for t in toks if len(t) >= 2)
    scores = _ctfidf(counts, outlier_words=Counter(
        t for toks, c in zip(tokens, lab.tolist()) if c < 0 for t in toks if len(t) >= 2))

    out = []
    # members of every cluster from one sort: a scan per cluster is n × clusters at 100k points
    by = np.argsort(lab, kind="stable")
    starts = np.searchsorted(lab[by], ids + [ids[-1] + 1])
    for c, a, b in zip(ids, starts[:-1], starts[1:]):
        members = by[a:b]
        rep = _representative(members, x, entries)
        kws = _pick(scores[c], n_keywords)
        if len(kws) < min(3, n_keywords):
            kws = _extend(kws, _fallback(members, entries, tokens), min(3, n_keywords))
        if not kws:
            kws = (entries[rep].text.strip()[:8] or f"群集{c}",)
        out.append(ClusterLabel(id=c, size=int(members.size), keywords=kws,
                                representative_id=entries[rep].id, representative=entries[rep].text))
    return out


def _words(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """:func:`svcsim.text.segment.words_at` ``(text, spans)`` (its defaults), each token decided once
    per word rather than once per occurrence: 2·10⁶ tokens at 100k points."""
    return [text[a:b] for a, b in spans if _is_word(text[a:b])]


@lru_cache(maxsize=1 << 17)
def _is_word(w: str) -> bool:
    from svcsim.text.segment import is_stopword

    return any(c.isalnum() for c in w) and not is_stopword(w)


def _ctfidf(counts: dict[int, Counter[str]], outlier_words: Counter[str]) -> dict[int, dict[str, float]]:
    # outliers count as one more class: a word found everywhere among the outliers is not a theme
    classes = list(counts.values()) + ([outlier_words] if outlier_words else [])
    total = Counter()
    for cnt in classes:
        total.update(cnt)
    avg = sum(total.values()) / max(len(classes), 1)
    out: dict[int, dict[str, float]] = {}
    for c, cnt in counts.items():
        n = sum(cnt.values()) or 1
        out[c] = {w: (f / n) * math.log(1.0 + avg / total[w]) for w, f in cnt.items()}
    return out


def _pick(score: dict[str, float], k: int) -> tuple[str, ...]:
    """Best words first, skipping ones inside a chosen word.

    Ties are common (near-duplicate members share every word); the longer word wins them, since
    compounds such as 單一窗口 name a theme better than 免除, then the word itself, for determinism.
    """
    chosen: list[str] = []
    for w, _ in sorted(score.items(), key=lambda kv: (-round(kv[1], 12), -len(kv[0]), kv[0])):
        if any(w in c or c in w for c in chosen):
            continue  # 滿意度 adds nothing next to 滿意度調查
        chosen.append(w)
        if len(chosen) == k:
            break
    return tuple(chosen)


def _extend(chosen: tuple[str, ...], candidates: list[str], k: int) -> tuple[str, ...]:
    out = list(chosen)
    for w in candidates:
        if len(out) >= k:
            break
        if not any(w in c or c in w for c in out):
            out.append(w)
    return tuple(out)


def _fallback(members: np.ndarray, entries: list[Entry], tokens: list[list[str]]) -> list[str]:
    """Most frequent single-character content words, then character bigrams, best first."""
    from svcsim.text import match_key
    from svcsim.text.segment import is_stopword

    singles = Counter(t for i in members for t in tokens[i])
    bigrams: Counter[str] = Counter()
    for i in members:
        s = match_key(entries[i].text)
        bigrams.update(b for b in (s[j : j + 2] for j in range(len(s) - 1)) if not is_stopword(b))
    ranked = lambda cnt: [w for w, _ in sorted(cnt.items(), key=lambda kv: (-kv[1], kv[0]))]  # noqa: E731
    return ranked(singles) + ranked(bigrams)


def _representative(members: np.ndarray, x: np.ndarray, entries: list[Entry]) -> int:
    centroid = x[members].astype(np.float64).sum(axis=0)
    norm = np.linalg.norm(centroid)
    sims = x[members] @ (centroid / norm if norm else centroid)
    # ties (duplicates are common in these plans) go to the smallest entry id
    best = max(range(members.size), key=lambda j: (round(float(sims[j]), 6), -entries[members[j]].id))
    return int(members[best])
