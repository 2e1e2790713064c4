"""The texts of the innovation score's word signals, parsed once and kept: content words, clauses,
cited regulations, 、-enumerations, new-practice verbs and named things, as flat arrays.

What :func:`parse_texts` finds in a text depends on the text, its token offsets and the rules of
this module (verbs in ``text/data/new_practice_verbs.txt``, stop words) only, never on the rest
of the corpus, so the stored analysis keeps the parsed form of every distinct text
(:class:`ParsedTexts`, keyed by text and by the segmenter's fingerprint) and a refresh parses the
new plan's texts alone (~2 s of Python at 100k points otherwise). Everything that depends on the
corpus — which words are routine, new, a plan's topic — is counted in
:mod:`~svcsim.clusters.innovation_words`, on these arrays.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from svcsim.text.segcache import SpanCache

__all__ = ["ParseMemo", "ParsedTexts", "parse_texts"]

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
def verbs() -> tuple[str, ...]:
    """The new-practice verbs (建置, 開發, 導入, 公布, 媒合 …), in file order."""
    text = resources.files("svcsim.text").joinpath("data", "new_practice_verbs.txt").read_text(encoding="utf-8")
    out = [w for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#") for w in ln.split()]
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=1)
def _verb_pattern() -> re.Pattern:
    return re.compile("|".join(re.escape(v) for v in sorted(verbs(), key=lambda v: (-len(v), v))))


@lru_cache(maxsize=1)
def _verb_set() -> frozenset[str]:
    return frozenset(verbs())


@lru_cache(maxsize=1 << 17)  # a corpus' vocabulary is decided once, not once per occurrence
def _content(w: str) -> bool:
    """A word that may be new: two or more characters, not a number, a stop word or a practice verb
    (the verb is the action, its object is what may be new)."""
    from svcsim.text.segment import is_stopword

    return (len(w) >= 2 and any(ch.isalnum() for ch in w) and not w.isdigit() and not is_stopword(w)
            and w not in _verb_set())


@dataclass(frozen=True)
class _Parsed:
    words: tuple[str, ...]            # content words, in order (cited ones included)
    cited: tuple[bool, ...]           # word lies inside a cited regulation
    clause: tuple[int, ...]           # clause index of each word
    listed: tuple[int, ...]           # index of the 、-enumeration holding the word, -1 if none
    head: tuple[str, ...]             # the content word written right after it ("" if none): 書報|閱覽區
    verb_of: dict[int, str]           # first new-practice verb of each clause that has one
    marks: int                        # named things: Latin words, numbers with units, 「names」


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


@dataclass(frozen=True)
class ParsedTexts:
    """Distinct texts parsed, one row per content-word occurrence (texts in ``keys`` order).

    Attributes:
        keys: the texts.
        off: (texts + 1) start of each text's words in the flat arrays.
        words: each occurrence's word.
        cited: it lies inside a cited regulation (「…實施要點」, 政府資訊公開法).
        clause: index of its clause in the text (clauses end at ，。；：).
        listed: index of the 、-enumeration holding it in the text, −1 if none.
        joined: the next occurrence is written right after it (書報|閱覽區: it modifies that word).
        verb_off, verb_clause, verbs: per text (``verb_off``), each clause holding a new-practice
            verb and that clause's first verb.
        marks: per text, named things: Latin words, numbers with units, 「names」 that are not regulations.
        segmenter: the fingerprint of the segmenter whose token offsets were parsed.
    """

    keys: tuple[str, ...]
    off: np.ndarray
    words: tuple[str, ...]
    cited: np.ndarray
    clause: np.ndarray
    listed: np.ndarray
    joined: np.ndarray
    verb_off: np.ndarray
    verb_clause: np.ndarray
    verbs: tuple[str, ...]
    marks: np.ndarray
    segmenter: str = ""


def _flat(keys: list[str], parsed: list[_Parsed], segmenter: str) -> ParsedTexts:
    sizes = np.fromiter((len(p.words) for p in parsed), dtype=np.int64, count=len(parsed))
    vsizes = np.fromiter((len(p.verb_of) for p in parsed), dtype=np.int64, count=len(parsed))
    joined = [bool(h) for p in parsed for h in p.head]
    return ParsedTexts(
        keys=tuple(keys), off=np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
        words=tuple(w for p in parsed for w in p.words),
        cited=np.fromiter((c for p in parsed for c in p.cited), dtype=bool, count=int(sizes.sum())),
        clause=np.fromiter((c for p in parsed for c in p.clause), dtype=np.int64, count=int(sizes.sum())),
        listed=np.fromiter((c for p in parsed for c in p.listed), dtype=np.int64, count=int(sizes.sum())),
        joined=np.array(joined, dtype=bool),
        verb_off=np.concatenate([[0], np.cumsum(vsizes)]).astype(np.int64),
        verb_clause=np.fromiter((k for p in parsed for k in sorted(p.verb_of)), dtype=np.int64, count=int(vsizes.sum())),
        verbs=tuple(p.verb_of[k] for p in parsed for k in sorted(p.verb_of)),
        marks=np.fromiter((p.marks for p in parsed), dtype=np.int64, count=len(parsed)), segmenter=segmenter)


def _ranges(off: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The flat positions of ``rows``' slices ``off[r]:off[r + 1]``, in order."""
    starts, sizes = off[rows], off[rows + 1] - off[rows]
    if not sizes.sum():
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(sizes)
    return np.repeat(starts - (ends - sizes), sizes) + np.arange(int(ends[-1]))


def _take(p: ParsedTexts, rows: np.ndarray) -> ParsedTexts:
    """The texts ``rows`` of ``p``, in that order."""
    at, vat = _ranges(p.off, rows), _ranges(p.verb_off, rows)
    sizes, vsizes = p.off[rows + 1] - p.off[rows], p.verb_off[rows + 1] - p.verb_off[rows]
    words, verbs_ = p.words, p.verbs
    return ParsedTexts(
        keys=tuple(p.keys[r] for r in rows.tolist()), off=np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
        words=tuple(words[i] for i in at.tolist()), cited=p.cited[at], clause=p.clause[at], listed=p.listed[at],
        joined=p.joined[at], verb_off=np.concatenate([[0], np.cumsum(vsizes)]).astype(np.int64),
        verb_clause=p.verb_clause[vat], verbs=tuple(verbs_[i] for i in vat.tolist()), marks=p.marks[rows],
        segmenter=p.segmenter)


def _concat(a: ParsedTexts, b: ParsedTexts) -> ParsedTexts:
    return ParsedTexts(
        keys=a.keys + b.keys, off=np.concatenate([a.off, a.off[-1] + b.off[1:]]), words=a.words + b.words,
        cited=np.concatenate([a.cited, b.cited]), clause=np.concatenate([a.clause, b.clause]),
        listed=np.concatenate([a.listed, b.listed]), joined=np.concatenate([a.joined, b.joined]),
        verb_off=np.concatenate([a.verb_off, a.verb_off[-1] + b.verb_off[1:]]),
        verb_clause=np.concatenate([a.verb_clause, b.verb_clause]), verbs=a.verbs + b.verbs,
        marks=np.concatenate([a.marks, b.marks]), segmenter=a.segmenter)


class ParseMemo:
    """The parsed texts of the last :func:`parse_texts`, and those kept from an earlier corpus.

    Attributes:
        prior: parsed texts an earlier analysis kept (:class:`ParsedTexts`), or ``None``.
        parsed: the last result, for the stored analysis to keep.
        n_parsed: texts parsed here (not taken from ``prior``).
    """

    def __init__(self, prior: ParsedTexts | None = None) -> None:
        self.prior = prior
        self.parsed: ParsedTexts | None = None
        self.n_parsed = 0


def parse_texts(texts: list[str], segments: "SpanCache | None" = None, memo: ParseMemo | None = None) -> ParsedTexts:
    """Parse each of ``texts`` (distinct), taking what ``memo.prior`` holds for the same segmenter.

    Token offsets come from ``segments`` (e.g. kept in the corpus database), and only for the
    texts that must be parsed.
    """
    from svcsim.text.segcache import SpanCache, segmenter_fingerprint

    segments = segments if segments is not None else SpanCache()
    segmenter = segments.fingerprint or segmenter_fingerprint()
    prior = memo.prior if memo is not None else None
    at = {t: i for i, t in enumerate(prior.keys)} if prior is not None and prior.segmenter == segmenter else {}
    new = [t for t in texts if t not in at]
    spans = segments.spans(new) if new else {}
    fresh = _flat(new, [_parse(t, spans[t]) for t in new], segmenter)
    if len(new) < len(texts):
        old = np.fromiter((at[t] for t in texts if t in at), dtype=np.int64)
        both = _concat(_take(prior, old), fresh)
        # back to the order asked for: kept texts first, then the new ones, each in ``texts`` order
        pos = {t: i for i, t in enumerate(both.keys)}
        out = _take(both, np.fromiter((pos[t] for t in texts), dtype=np.int64, count=len(texts)))
    else:
        out = fresh
    if memo is not None:
        memo.parsed, memo.n_parsed = out, memo.n_parsed + len(new)
    return out
