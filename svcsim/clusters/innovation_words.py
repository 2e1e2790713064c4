"""Word-level signals of the innovation score: new words, new practices, routine vocabulary.

Everything here is counted over *agencies*, not points: a word one agency repeats in ten points is
that agency's topic (勞工, 役政), a word five agencies use is routine (無障礙, 標示, 志工).

* **new words** of a point — content words (jieba + the domain dictionary, stop words dropped) that
  no *counterpart* uses: no other agency, and not the same agency in an earlier year. Words the
  agency repeats in ``topic_min_points`` or more points of the same plan are its topic, not news;
  words inside a cited regulation (「…實施要點」, 政府資訊公開法) are compliance, not news.
* **new practice** — how many new words sit in a clause (split at ，。；：) that also holds a verb
  of :data:`NEW_PRACTICE_VERBS` (建置, 開發, 導入, 公布, 媒合 …): "建置三維圖資" builds something
  nobody else has, "建置單一窗口" builds what everyone has.
* **routine** — the share of a point's content words that at least ``max(routine_min_agencies,
  routine_share × agencies)`` agencies use: learned from what many agencies repeat.
* **specificity** — named things (Latin words, numbers, 「names」 that are not regulations) and
  rare words; only a tie-breaker.

>>> from svcsim.model import Entry
>>> es = [Entry(id=i, kind="point", agency=a, year=2024, file=f"{a}.txt", item="一", measure="(一)", n=1, text=t)
...       for i, (a, t) in enumerate([("甲", "建置三維圖資找出高風險管線"), ("乙", "設置單一窗口"), ("丙", "設置單一窗口")])]
>>> word_signals(es).new_practice.tolist()                     # doctest: +SKIP
[4.0, 0.0, 0.0]
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from svcsim.model import Entry
from svcsim.text.segcache import SpanCache

__all__ = ["NEW_PRACTICE_VERBS", "WordSignals", "word_signals"]  # noqa: F822 - NEW_PRACTICE_VERBS is a lazy module attribute

_REGULATION = re.compile(r"「[^」]{1,60}?(?:法|條例|要點|規範|原則|規定|辦法|準則|須知|細則)」"
                         r"|[\u4e00-\u9fff]{2,14}(?:法|條例)(?=[第（(，、。；\s]|$)")
"""A cited regulation: quoted with a regulation suffix, or a bare law name (勞動基準法, 行政程序法)."""
_NAMED = re.compile(r"「[^」]{2,30}」")
_LATIN = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]{2,}")
_NUMBER = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?\s*(?:%|％|人次|處|種|項|萬|秒|分鐘|天|日)")
_CLAUSE_END = frozenset("，,。；;：:\n")
_ENUMERATION = re.compile(r"[^，,。；;：:、（）()「」\s]{1,12}(?:、[^，,。；;：:、（）()「」\s]{1,12})+")
"""Items joined by 、 ("無障礙坡道、電梯點字按鈕及導盲磚"): one routine item makes the list routine."""


@lru_cache(maxsize=1)
def _verbs() -> tuple[str, ...]:
    text = resources.files("svcsim.text").joinpath("data", "new_practice_verbs.txt").read_text(encoding="utf-8")
    out = [w for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#") for w in ln.split()]
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=1)
def _verb_pattern() -> re.Pattern:
    return re.compile("|".join(re.escape(v) for v in sorted(_verbs(), key=lambda v: (-len(v), v))))


def __getattr__(name: str):  # NEW_PRACTICE_VERBS reads package data on first use, not at import
    if name == "NEW_PRACTICE_VERBS":
        return _verbs()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class WordSignals:
    """Per-entry word signals, aligned with the entries given to :func:`word_signals`.

    Attributes:
        new_words: the point's new words (see module docstring), in text order.
        new_practice: number of new words in clauses that carry a new-practice verb.
        practice: the first such verb and its new words, e.g. ``("建置", "三維圖資", "座標")``; ``()`` if none.
        routine: share of the point's content words that are routine vocabulary, in [0, 1].
        routine_words: up to three of those words, most widespread first.
        specificity: named things and rare words, in [0, 1].
    """

    new_words: tuple[tuple[str, ...], ...]
    new_practice: np.ndarray
    practice: tuple[tuple[str, ...], ...]
    routine: np.ndarray
    routine_words: tuple[tuple[str, ...], ...]
    specificity: np.ndarray


@dataclass(frozen=True)
class _Parsed:
    words: tuple[str, ...]            # content words, in order (cited ones included)
    cited: tuple[bool, ...]           # word lies inside a cited regulation
    clause: tuple[int, ...]           # clause index of each word
    listed: tuple[int, ...]           # index of the 、-enumeration holding the word, -1 if none
    head: tuple[str, ...]             # the content word written right after it ("" if none): 書報|閱覽區
    verb_of: dict[int, str]           # first new-practice verb of each clause that has one
    marks: int                        # named things: Latin words, numbers with units, 「names」


@lru_cache(maxsize=1 << 17)  # a corpus' vocabulary is decided once, not once per occurrence
def _content(w: str) -> bool:
    """A word that may be new: two or more characters, not a number, a stop word or a practice verb
    (the verb is the action, its object is what may be new)."""
    from svcsim.text.segment import is_stopword

    return (len(w) >= 2 and any(ch.isalnum() for ch in w) and not w.isdigit() and not is_stopword(w)
            and w not in _verb_set())


@lru_cache(maxsize=1)
def _verb_set() -> frozenset[str]:
    return frozenset(_verbs())


def _parse(text: str, spans: list[tuple[int, int]]) -> _Parsed:
    cited_spans = [m.span() for m in _REGULATION.finditer(text)]
    list_spans = [m.span() for m in _ENUMERATION.finditer(text)]
    # clause index of a position: the clause ends before it (a new-practice verb and its object share a clause)
    ends = [i for i, ch in enumerate(text) if ch in _CLAUSE_END]
    verb_of: dict[int, str] = {}
    for m in _verb_pattern().finditer(text):
        verb_of.setdefault(bisect_left(ends, m.start()), m.group(0))  # the first verb of each clause
    toks = [(text[a:b], a, b) for a, b in spans]
    keep = [_content(w) for w, _, _ in toks]
    words, cited, clause, listed, head = [], [], [], [], []
    for i, ((word, start, end), ok) in enumerate(zip(toks, keep)):
        if not ok:
            continue
        words.append(word)
        cited.append(any(a <= start < b for a, b in cited_spans))
        clause.append(bisect_left(ends, start))
        listed.append(next((k for k, (a, b) in enumerate(list_spans) if a <= start < b), -1))
        nxt = i + 1 < len(toks) and keep[i + 1] and toks[i + 1][1] == end
        head.append(toks[i + 1][0] if nxt else "")
    named = [m for m in _NAMED.finditer(text) if not _REGULATION.fullmatch(m.group(0))]
    marks = len(_LATIN.findall(text)) + len(_NUMBER.findall(text)) + len(named)
    return _Parsed(tuple(words), tuple(cited), tuple(clause), tuple(listed), tuple(head), verb_of, marks)


def _is_routine(w: str, routine: set[str]) -> bool:
    """A routine word, or one character added to one (雙語化 on 雙語, 指示牌 on 指示)."""
    return w in routine or (len(w) >= 3 and (w[1:] in routine or w[:-1] in routine))


def _text_signals(p: _Parsed, routine_vocab: set[str], first_year: dict[str, dict[str, float]], n_agencies: int,
                  idf_once: float) -> tuple[list[bool], float, tuple[str, ...], float]:
    """(routine flag per word, routine share, routine words, specificity) of one text."""
    # routine: a word many agencies use, a variant of one, a modifier of one (書報|閱覽區), or an
    # item of a list that holds one (a facility list is routine whatever rare nouns it names)
    common = [_is_routine(w, routine_vocab) or (h != "" and _is_routine(h, routine_vocab)) for w, h in zip(p.words, p.head)]
    routine_lists = {k for k, c in zip(p.listed, common) if c and k >= 0}
    common = [c or k in routine_lists for c, k in zip(common, p.listed)]
    distinct = dict(zip(p.words, common))
    routine = sum(distinct.values()) / len(distinct) if distinct else 1.0
    routine_words = tuple(sorted((w for w in distinct if w in routine_vocab), key=lambda w: (-len(first_year[w]), w))[:3])
    rare = sorted((math.log((1 + n_agencies) / (1 + len(first_year[w]))) for w in distinct), reverse=True)[:3]
    rarity = min(sum(rare + [0.0] * (3 - len(rare))) / 3 / idf_once, 1.0) if idf_once > 0 else 0.0
    return common, routine, routine_words, 0.5 * rarity + 0.5 * min(p.marks / 3, 1.0)


def word_signals(entries: Sequence[Entry], *, topic_min_points: int = 3, routine_min_agencies: int = 3,
                 routine_share: float = 0.3, segments: "SpanCache | None" = None) -> WordSignals:
    """The word signals of every entry (see the module docstring); ``entries`` need not be sorted.

    Args:
        entries: the scored entries; their agency and year define the counterparts.
        topic_min_points: a word in at least this many points of one plan is that plan's topic.
        routine_min_agencies: a word at least this many agencies use is routine vocabulary ...
        routine_share: ... and at least this share of the corpus' agencies.
        segments: where token offsets are kept (e.g. in the corpus database, as the stored
            analysis does); by default each distinct text is segmented here.
    """
    # segment each distinct text once: jieba dominates at 100k points, about half of them repeats
    texts = sorted({e.text for e in entries})
    spans = (segments or SpanCache()).spans(texts)
    parsed = {t: _parse(t, spans[t]) for t in texts}
    # word -> {agency: earliest year using it}; unknown years never count as "earlier"
    first_year: dict[str, dict[str, float]] = {}
    plan_points: Counter[tuple] = Counter()
    for e in entries:
        y = float(e.year) if e.year is not None else math.inf
        for w in set(parsed[e.text].words):
            seen = first_year.setdefault(w, {})
            seen[e.agency] = min(seen.get(e.agency, math.inf), y)
            plan_points[(e.file, e.plan_id, w)] += 1
    n_agencies = len({e.agency for e in entries})
    need = max(routine_min_agencies, math.ceil(routine_share * n_agencies))
    idf_once = math.log((1 + n_agencies) / 2) if n_agencies > 1 else 1.0

    routine_vocab = {w for w, seen in first_year.items() if len(seen) >= need}

    new_words, practice, routine_words = [], [], []
    new_practice = np.zeros(len(entries))
    routine = np.zeros(len(entries))
    spec = np.zeros(len(entries))
    by_text: dict[str, tuple] = {}  # what depends on the text alone: half the points repeat a text
    for i, e in enumerate(entries):
        p = parsed[e.text]
        y = float(e.year) if e.year is not None else -math.inf
        known = by_text.get(e.text)
        if known is None:
            known = by_text[e.text] = _text_signals(p, routine_vocab, first_year, n_agencies, idf_once)
        common, routine[i], words_routine, spec[i] = known
        fresh, fresh_clause = [], []
        for w, cited, k, c in zip(p.words, p.cited, p.clause, common):
            if c or cited or w in fresh or plan_points[(e.file, e.plan_id, w)] >= topic_min_points:
                continue
            if all(a == e.agency and yr >= y for a, yr in first_year[w].items()):
                fresh.append(w)
                fresh_clause.append(k)
        in_verb = [(w, k) for w, k in zip(fresh, fresh_clause) if k in p.verb_of]
        new_words.append(tuple(fresh))
        new_practice[i] = len(in_verb)
        if in_verb:
            k0 = in_verb[0][1]
            practice.append((p.verb_of[k0], *[w for w, k in in_verb if k == k0][:3]))
        else:
            practice.append(())
        routine_words.append(words_routine)
    return WordSignals(new_words=tuple(new_words), new_practice=new_practice, practice=tuple(practice),
                       routine=routine, routine_words=tuple(routine_words), specificity=spec)
