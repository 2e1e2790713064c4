"""What the pair classifier (:mod:`svcsim.dupes.pairmodel`) sees of two texts that are not copies.

Cosine alone cannot tell ``paraphrase`` from ``related``: e5 puts any two sentences of this genre
at 0.85–0.97, and two points about different measures reach 0.95 when they share the template's
stock phrases (提升服務品質, 方便民眾使用). What separates the classes in the labelled pairs is
*what* is shared — the same concrete object (i-Taiwan, 常見問題集, 「政府服務獎」) in the same
measure — so every feature below is symmetric in the two texts and says how much, and what kind
of, content they share:

======================  ==========================================================================
``cosine``              cosine of the two vectors
``cover_short``         share of the shorter text in verbatim runs of ≥ 4 characters
``bigram_min/max``      character-bigram containment, the smaller and the larger of the two ways
``word_min/max``        jieba word containment (stop words dropped), both ways
``content_min/max``     the same weighted by inverse document frequency in the corpus, so the
                        template's stock phrases, shared by every plan, count for little
``specific``            log(1 + shared specific tokens): quoted titles 「…」 and Latin words and
                        numbers (FAQ, 1999, i-Taiwan)
``length_ratio``        shorter / longer normalised length
``is_title``            the pair is two measure titles
======================  ==========================================================================

Not features, on purpose (measured leave-one-plan-out by ``benchmarks/pairs_eval.py --sweep``;
paraphrase / related F1 with the shipped features 0.72 / 0.34): the template slot (same item and
measure code: 0.67 / 0.29), the same item (0.71 / 0.33), the cosine of the two measures' titles
(0.73 / 0.34), each text against the other's title (0.72 / 0.33), overlap after dropping the stock
words found under ≥ 10 % of the measures (0.72 / 0.31), the rarest unshared word and shared numbers
(0.72 / 0.36 each — within noise), and gradient boosting or pairwise interactions instead of the
linear model (at best 0.65 / 0.44, trading paraphrase for related), and a BERTScore-style soft
alignment of the e5 token vectors (greedy matching over sub-word tokens, plain or IDF-weighted, or
over jieba content words; last layer, layer 6 or 9; ``pairs_eval.py --align``): at best 0.72 / 0.35,
and 0.71 / 0.52 with 40 neighbours, as without it, for a second forward pass per text at scan
time. Plans number their measures differently (a 105 plan's 二(二) is a 110 plan's 一(一)), and
within one measure the labelled pairs are as often related (another object) as paraphrase, so the
slot says little about the class.

Words come from :func:`svcsim.text.segment.tokenize` (jieba through OpenCC, loaded on first use)
and are compared on their :func:`~svcsim.text.normalize.match_key`.

>>> import numpy as np
>>> from svcsim.model import Entry
>>> texts = ["建置「常見問題集」FAQ", "彙整民眾提問為「常見問題集」並上網", "辦理志工教育訓練"]
>>> es = [Entry(id=i, kind="point", agency="甲", year=2024, file="a.txt", item="一", measure="(一)", n=i + 1,
...             text=t) for i, t in enumerate(texts)]
>>> ctx = FeatureContext(es, np.eye(3, dtype=np.float32))
>>> f = dict(zip(FEATURES, ctx.features(0, 1, cover_short=0.4)))
>>> f["cosine"], f["specific"] > 0, f["word_min"] > 0
(0.0, True, True)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from svcsim.model import Entry
from svcsim.text.normalize import fold_width, match_key

FEATURES: tuple[str, ...] = (
    "cosine", "cover_short", "bigram_min", "bigram_max", "word_min",
    "word_max", "content_min", "content_max", "specific", "length_ratio", "is_title",
)
"""The feature names, in the order of :meth:`FeatureContext.features` (and of the model's weights)."""

_QUOTED = re.compile(r"[「『“\"]([^」』”\"]{2,40})[」』”\"]")
_LATIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-\.]*")


@dataclass(frozen=True)
class _Text:
    words: frozenset[str]
    bigrams: frozenset[str]
    specific: frozenset[str]
    length: int


class FeatureContext:
    """Per-corpus state for :meth:`features`: the segmented texts and word document frequencies.

    Args:
        entries: the corpus entries (rows of ``vectors``).
        vectors: unit rows, one per entry.
        df_rows: rows whose texts define the document frequencies; default all entries. A corpus of
            one plan still works: every word is then rare, and ``content_*`` equals ``word_*``.
    """

    def __init__(self, entries: list[Entry] | tuple[Entry, ...], vectors: np.ndarray, *,
                 df_rows: list[int] | None = None) -> None:
        self.entries = entries
        self.vectors = vectors
        self._texts: dict[str, _Text] = {}
        rows = range(len(entries)) if df_rows is None else df_rows
        df: dict[str, int] = {}
        seen: set[str] = set()
        for r in rows:
            key = match_key(entries[r].text)
            if key in seen:
                continue  # one vote per distinct text: a template copied by every plan is one document
            seen.add(key)
            for w in self.text(r).words:
                df[w] = df.get(w, 0) + 1
        self._df = df
        self._n_docs = max(len(seen), 1)

    def text(self, row: int) -> _Text:
        raw = self.entries[row].text
        t = self._texts.get(raw)
        if t is None:
            from svcsim.text.segment import is_stopword, tokenize

            key = match_key(raw)
            ws = frozenset(k for k in (match_key(tok.word) for tok in tokenize(raw))
                           if len(k) >= 2 and not is_stopword(k))
            folded = fold_width(raw)
            spec = {match_key(q) for q in _QUOTED.findall(folded)}
            spec |= {m.lower() for m in _LATIN.findall(folded) if len(m) >= 2 or m.isdigit()}
            t = self._texts[raw] = _Text(ws, frozenset(key[i:i + 2] for i in range(len(key) - 1)),
                                         frozenset(s for s in spec if s), len(key))
        return t

    def _idf(self, w: str) -> float:
        return math.log((self._n_docs + 1) / (self._df.get(w, 0) + 1)) + 1.0

    def features(self, ra: int, rb: int, *, cover_short: float) -> list[float]:
        """The :data:`FEATURES` of rows ``ra`` and ``rb`` (symmetric: swapping them changes nothing)."""
        ea = self.entries[ra]
        ta, tb = self.text(ra), self.text(rb)
        cosine = float(self.vectors[ra] @ self.vectors[rb])
        b_min, b_max = _containment(ta.bigrams, tb.bigrams)
        w_min, w_max = _containment(ta.words, tb.words)
        shared = ta.words & tb.words
        wa = sum(self._idf(w) for w in ta.words)
        wb = sum(self._idf(w) for w in tb.words)
        ws = sum(self._idf(w) for w in shared)
        c = sorted((ws / wa if wa else 0.0, ws / wb if wb else 0.0))
        n_specific = len(ta.specific & tb.specific)
        lengths = sorted((ta.length, tb.length))
        return [cosine, cover_short, b_min, b_max, w_min, w_max, c[0], c[1],
                math.log1p(n_specific), lengths[0] / lengths[1] if lengths[1] else 0.0,
                float(ea.kind == "measure_title")]


def _containment(a: frozenset[str], b: frozenset[str]) -> tuple[float, float]:
    """``|a ∩ b|`` over ``|a|`` and over ``|b|``, smaller first (0 for an empty side)."""
    n = len(a & b)
    one = n / len(a) if a else 0.0
    two = n / len(b) if b else 0.0
    return (one, two) if one <= two else (two, one)
