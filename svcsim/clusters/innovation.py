"""Innovation score per point: new to the other agencies, not boilerplate, and specific.

A researcher wants the genuinely new measures (a 3-D pipeline map, a calculator app, a placement
rule for defibrillators), not the hundredth "設置常見問題集". Three signals, each in [0, 1]:

**novelty** — how far the point is from everything *other agencies* wrote::

    novelty = 0.7 · clip((1 − max_cos) / (1 − typical_cos), 0, 1) + 0.3 · (1 − share)

``max_cos`` is the highest cosine to a point of another agency; ``typical_cos`` is the median
cosine of cross-agency pairs in this corpus (sampled), i.e. what "unrelated" looks like for this
encoder — multilingual-e5 puts unrelated Chinese sentences at 0.85–0.9, a hash encoder near 0, so
a fixed cut would suit only one model. ``share`` is the fraction of other agencies that have a
neighbour at cosine ≥ ``neighbour_cos`` (default: halfway between ``typical_cos`` and 1).

**boilerplate** — from :mod:`svcsim.dupes`: 1 for template text, else ``1 − 0.5 ** k`` where ``k``
is the number of other agencies carrying a copy or near copy (one copy 0.5, two 0.75 …).

**specificity** — concrete rather than generic wording::

    specificity = 0.5 · rarity + 0.25 · content + 0.25 · concrete

``rarity`` is the mean IDF (over the scored entries) of the point's three rarest content words,
divided by the IDF of a word seen once (missing words count 0, so short generic points score
low); ``content`` is the share of its words that are not stop words; ``concrete`` counts up to
three mentions of named systems, apps, platforms, data, numbers, Latin names or partners
(:data:`CONCRETE_MARKERS`).

**score** = ``0.5 · novelty + 0.2 · (1 − boilerplate) + 0.3 · specificity`` (:class:`Weights`).

>>> ranked = score_innovation(embedded_points)           # doctest: +SKIP
>>> ranked[0].reasons                                     # doctest: +SKIP
('no close counterpart in other agencies (max cos 0.31, typical 0.04)', 'specific: 區塊鏈, 存證')
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from svcsim.embedded import EmbeddedCorpus, require_embedded
from svcsim.errors import InputError
from svcsim.model import Entry

if TYPE_CHECKING:
    import pandas as pd

    from svcsim.dupes import DupesResult

__all__ = ["CONCRETE_MARKERS", "InnovationResult", "InnovationScore", "Weights", "score_innovation"]

CONCRETE_MARKERS: tuple[str, ...] = (
    # named tools and data: what an agency builds or opens
    "系統", "平台", "平臺", "應用程式", "資料庫", "圖資", "地圖", "數據", "感測", "機器人", "區塊鏈",
    "人工智慧", "雲端", "條碼", "模擬", "試算", "計算",
    # partners outside the agency
    "協會", "大學", "學校", "企業", "公司", "超商", "醫院", "基金會", "合作",
)
"""Words that mark a concrete, nameable thing. Latin words (AED, APP, API) and digits count too."""

_LATIN_OR_DIGIT = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]{2,}|[0-9０-９]+")


@dataclass(frozen=True)
class Weights:
    """How the three signals combine into ``score`` (they sum to 1, so the score stays in [0, 1])."""

    novelty: float = 0.5
    not_boilerplate: float = 0.2
    specificity: float = 0.3


@dataclass(frozen=True)
class InnovationScore:
    """One entry's innovation score and why.

    Attributes:
        entry: the scored entry.
        score: weighted combination in [0, 1], higher = more innovative.
        novelty: distance from other agencies' points, in [0, 1].
        specificity: concrete, rare wording, in [0, 1].
        boilerplate: how widely the text is copied (1 = template), in [0, 1].
        max_cos: cosine to the closest point of another agency (``nan`` with a single agency).
        reasons: 1–4 short strings explaining the score, strongest first.
    """

    entry: Entry
    score: float
    novelty: float
    specificity: float
    boilerplate: float
    max_cos: float
    reasons: tuple[str, ...]

    def to_dict(self) -> dict:
        """The JSON shape of ``svcsim innovations --json``."""
        e = self.entry
        return {"text": e.text, "agency": e.agency, "year": e.year, "file": e.file, "item": e.item,
                "measure": e.measure, "n": e.n, "score": round(self.score, 4),
                "novelty": round(self.novelty, 4), "specificity": round(self.specificity, 4),
                "boilerplate": round(self.boilerplate, 4), "reasons": list(self.reasons)}


@dataclass(frozen=True)
class InnovationResult:
    """Every point of a corpus scored for innovation, best first.

    Behaves as the sequence of its scores (``result[0]``, ``result[:10]``, ``len(result)``).

    Attributes:
        corpus: the scored points.
        scores: one :class:`InnovationScore` per entry of ``corpus``, best first.
    """

    corpus: EmbeddedCorpus
    scores: tuple[InnovationScore, ...]

    def __len__(self) -> int:
        return len(self.scores)

    def __iter__(self):
        return iter(self.scores)

    def __getitem__(self, i):
        return self.scores[i]

    def to_dicts(self) -> list[dict]:
        """The JSON shape of every command and page: :meth:`InnovationScore.to_dict` with its ``rank``."""
        return [{"rank": r, **s.to_dict()} for r, s in enumerate(self.scores, start=1)]

    def to_frame(self) -> "pd.DataFrame":
        """One row per point, best first: the fields of :meth:`to_dicts`."""
        from svcsim.results import frame

        return frame(self.to_dicts())


def score_innovation(
    corpus: EmbeddedCorpus,
    *,
    dupes: "DupesResult | None" = None,
    weights: Weights = Weights(),
    neighbour_cos: float | None = None,
    n_neighbors: int = 50,
    random_state: int = 0,
) -> InnovationResult:
    """Score every entry for innovation (see the module docstring for the formula).

    Args:
        corpus: the points to score (usually ``corpus.of_kind("point")``), from several agencies.
        dupes: :func:`svcsim.dupes.analyse` of these entries or of a corpus holding them (e.g.
            points and measure titles together); computed when omitted.
        weights: the weights of novelty, non-boilerplate and specificity.
        neighbour_cos: cosine at which another agency "has a counterpart"; default halfway
            between this corpus' typical cross-agency cosine and 1.
        n_neighbors: nearest neighbours searched per point; a point none of whose neighbours
            belongs to another agency gets the last neighbour's cosine as an upper bound.
        random_state: seed of the pair sample that estimates the typical cosine.

    Returns:
        An :class:`InnovationResult`: one score per entry, best first (ties: text, then entry id),
        identical for any order of the input.
    """
    corpus = require_embedded(corpus)
    entries, x = list(corpus.entries), corpus.vectors
    total = weights.novelty + weights.not_boilerplate + weights.specificity
    if min(weights.novelty, weights.not_boilerplate, weights.specificity) < 0 or not math.isclose(total, 1.0):
        raise InputError("weights", f"got {weights}; use non-negative weights summing to 1")
    if neighbour_cos is not None and not (-1.0 < float(neighbour_cos) < 1.0):
        raise InputError("neighbour_cos", f"got {neighbour_cos!r}; a cosine in (-1, 1), e.g. 0.94")
    if isinstance(n_neighbors, bool) or not isinstance(n_neighbors, int) or n_neighbors < 1:
        raise InputError("n_neighbors", f"got {n_neighbors!r}; expected an int >= 1, e.g. 50")
    if not entries:
        return InnovationResult(corpus, ())
    if dupes is None:
        from svcsim.dupes import PairScan, analyse

        dupes = analyse(corpus, min_label="near_copy", scan=PairScan(random_state=random_state))
    counts = {b.entry.id: b for b in dupes.boilerplate}
    if any(e.id not in counts for e in entries):
        raise InputError("dupes", "it is not an analysis of these points; pass svcsim.dupes.analyse() of the "
                                  "same corpus (or of one that holds these points)")

    # canonical order (text, id): the neighbour search and the pair sample see the same rows
    # whatever order the caller used
    order = sorted(range(len(entries)), key=lambda i: (entries[i].text, entries[i].id))
    es = [entries[i] for i in order]
    xs = x[order]
    bps = [counts[e.id] for e in es]

    agencies = np.asarray(_agency_codes(es), dtype=np.int64)
    n_agencies = int(agencies.max()) + 1
    typical = _typical_cross_cos(xs, agencies, random_state)
    thr = float(neighbour_cos) if neighbour_cos is not None else typical + 0.5 * (1.0 - typical)
    max_cos, exact, shares = _counterparts(xs, agencies, n_agencies, thr, n_neighbors)

    spec, spec_words = _specificity(es)
    out = []
    for j, e in enumerate(es):
        reasons: list[str] = []
        if n_agencies < 2:
            nov = 0.5
            reasons.append("only one agency in the corpus: novelty not measured")
        else:
            far = min(max(float((1.0 - max_cos[j]) / max(1.0 - typical, 1e-6)), 0.0), 1.0)
            nov = 0.7 * far + 0.3 * (1.0 - shares[j])
            le = "" if exact[j] else "≤ "
            if far >= 0.5:
                reasons.append(f"no close counterpart in other agencies (max cos {le}{max_cos[j]:.2f}, "
                               f"typical {typical:.2f})")
            else:
                reasons.append(f"close counterpart in another agency (max cos {max_cos[j]:.2f}, "
                               f"typical {typical:.2f})")
            if shares[j] > 0:
                reasons.append(f"{shares[j]:.0%} of other agencies have a similar point (cos ≥ {thr:.2f})")
        b = bps[j]
        boiler = 1.0 if b.template else 1.0 - 0.5 ** b.n_agencies
        if b.template:
            reasons.append("template text (範本用語)")
        elif b.n_agencies:
            reasons.append(f"copied in {b.n_agencies} other agenc{'y' if b.n_agencies == 1 else 'ies'}")
        if spec_words[j] and spec[j] >= 0.5:
            reasons.append("specific: " + ", ".join(spec_words[j]))
        elif spec[j] < 0.5:
            reasons.append("generic wording" + (f" ({', '.join(spec_words[j])})" if spec_words[j] else ""))
        score = weights.novelty * nov + weights.not_boilerplate * (1.0 - boiler) + weights.specificity * spec[j]
        out.append(InnovationScore(entry=e, score=float(min(max(score, 0.0), 1.0)), novelty=float(nov),
                                   specificity=float(spec[j]), boilerplate=float(boiler),
                                   max_cos=float(max_cos[j]) if n_agencies >= 2 else float("nan"),
                                   reasons=tuple(reasons[:4])))
    # rounding before comparing: float noise from BLAS must not reorder ties between runs
    out.sort(key=lambda s: (-round(s.score, 9), s.entry.text, s.entry.id))
    return InnovationResult(corpus, tuple(out))


# ---------------------------------------------------------------------------- helpers
def _agency_codes(entries: list[Entry]) -> list[int]:
    names = {a: i for i, a in enumerate(sorted({e.agency for e in entries}))}
    return [names[e.agency] for e in entries]


def _typical_cross_cos(x: np.ndarray, agencies: np.ndarray, random_state: int, n_pairs: int = 20000) -> float:
    """Median cosine of pairs from different agencies: exact for small corpora, sampled otherwise."""
    n = x.shape[0]
    if n < 2 or agencies.max() == 0:
        return 0.0
    if n * (n - 1) // 2 <= n_pairs:
        i, j = np.triu_indices(n, 1)
    else:
        rng = np.random.default_rng(random_state)
        i = rng.integers(0, n, size=n_pairs * 2)
        j = rng.integers(0, n, size=n_pairs * 2)
    keep = agencies[i] != agencies[j]
    i, j = i[keep], j[keep]
    if i.size == 0:
        return 0.0
    return float(np.median(np.einsum("ij,ij->i", x[i], x[j])))


def _counterparts(x: np.ndarray, agencies: np.ndarray, n_agencies: int, thr: float, n_neighbors: int):
    """Per row: max cosine to another agency, whether it is exact, share of agencies above ``thr``.

    The search runs over *distinct* vectors (identical texts once): a template carried by 500
    plans would otherwise fill every neighbour list with its own copies, and a 100k-point corpus
    of which half are repeats costs a quarter of the search. A row's counterparts are the other
    agencies carrying its own text (at its self-similarity) and those carrying its neighbours.
    """
    import faiss

    from svcsim.clusters.cluster import _dedup_rows

    n = x.shape[0]
    first, node_of = _dedup_rows(x)
    u = np.ascontiguousarray(x[first])
    m = u.shape[0]
    k = min(m, n_neighbors + 1)
    index = faiss.IndexFlatIP(u.shape[1])
    index.add(u)
    sims = np.empty((m, k), dtype=np.float32)
    nbrs = np.empty((m, k), dtype=np.int64)
    for a in range(0, m, 4096):  # chunks bound the temporary distance block faiss allocates
        sims[a:a + 4096], nbrs[a:a + 4096] = index.search(u[a:a + 4096], k)
    self_sim = np.einsum("ij,ij->i", u, u)
    # agencies carrying each distinct text, ascending
    by_node = np.lexsort((agencies, node_of))
    pairs = np.unique(np.stack([node_of[by_node], agencies[by_node]], axis=1), axis=0)
    starts = np.searchsorted(pairs[:, 0], np.arange(m + 1))
    node_agencies = [pairs[starts[v]:starts[v + 1], 1] for v in range(m)]

    max_cos = np.empty(n, dtype=np.float64)
    exact = np.ones(n, dtype=bool)
    shares = np.zeros(n, dtype=np.float64)
    rows_of = np.argsort(node_of, kind="stable")
    row_starts = np.searchsorted(node_of[rows_of], np.arange(m + 1))
    for v in range(m):
        ok = (nbrs[v] >= 0) & (nbrs[v] != v)
        nb, sm = nbrs[v][ok], sims[v][ok]
        # candidates (cosine, agency), best first; the text's own other carriers come first
        cand_sim = np.concatenate([np.full(node_agencies[v].size, self_sim[v], dtype=np.float64)]
                                  + [np.full(node_agencies[w].size, s_, dtype=np.float64) for w, s_ in zip(nb, sm)])
        cand_ag = np.concatenate([node_agencies[v]] + [node_agencies[w] for w in nb])
        close_ag = np.unique(cand_ag[cand_sim >= thr])
        for r in rows_of[row_starts[v]:row_starts[v + 1]]:
            other = cand_ag != agencies[r]
            if other.any():
                max_cos[r] = float(cand_sim[other].max())
            else:  # every neighbour is the agency's own: the closest other agency is at most this close
                max_cos[r] = float(sm.min()) if sm.size else 0.0
                exact[r] = k >= m
            if n_agencies > 1:
                shares[r] = int((close_ag != agencies[r]).sum()) / (n_agencies - 1)
    return max_cos, exact, shares


def _specificity(entries: list[Entry]) -> tuple[np.ndarray, list[tuple[str, ...]]]:
    from svcsim.text import tokenize
    from svcsim.text.segment import is_stopword

    # everything here depends on the text alone (and on corpus-wide counts): segment each distinct
    # text once — jieba dominates at 100k points, of which about half are repeats
    copies = Counter(e.text for e in entries)
    texts = sorted(copies)
    # one segmentation per text gives both the content words (what svcsim.text.words keeps) and
    # the word count; calling words() and tokenize() separately ran jieba twice
    alnum = {t: [tok.word for tok in tokenize(t) if any(c.isalnum() for c in tok.word)] for t in texts}
    content = {t: [w for w in ws if not is_stopword(w)] for t, ws in alnum.items()}
    long_words = {t: sorted({w for w in content[t] if len(w) >= 2}) for t in texts}
    n = len(entries)
    df: Counter[str] = Counter()
    for t in texts:
        for w in long_words[t]:
            df[w] += copies[t]
    idf = {w: math.log((1 + n) / (1 + c)) for w, c in df.items()}
    idf_once = math.log((1 + n) / 2) if n > 1 else 1.0
    per_text: dict[str, tuple[float, tuple[str, ...]]] = {}
    for t in texts:
        ranked = sorted(long_words[t], key=lambda w: (-idf[w], -len(w), w))
        top = [idf[w] for w in ranked[:3]] + [0.0] * max(0, 3 - len(ranked))
        rarity = min(sum(top) / 3 / idf_once, 1.0) if idf_once > 0 else 0.0
        n_words = len(alnum[t])
        content_share = len(content[t]) / n_words if n_words else 0.0
        marks = len(_LATIN_OR_DIGIT.findall(t)) + sum(t.count(m) for m in CONCRETE_MARKERS)
        per_text[t] = (0.5 * rarity + 0.25 * content_share + 0.25 * min(marks / 3, 1.0), tuple(ranked[:3]))
    spec = np.array([per_text[e.text][0] for e in entries], dtype=np.float64)
    return spec, [per_text[e.text][1] for e in entries]
