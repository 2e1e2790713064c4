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

Each distinct text is parsed once (:mod:`~svcsim.clusters.innovation_parse`, kept by the stored
analysis); the counts over agencies and plans and every signal are then computed on flat arrays,
one row per (text or point, word occurrence), in numpy: the same values the per-point loop gave
(tested against it), in a fraction of a second at 100k points instead of ~5 s.

>>> from svcsim.model import Entry
>>> es = [Entry(id=i, kind="point", agency=a, year=2024, file=f"{a}.txt", item="一", measure="(一)", n=1, text=t)
...       for i, (a, t) in enumerate([("甲", "建置三維圖資找出高風險管線"), ("乙", "設置單一窗口"), ("丙", "設置單一窗口")])]
>>> word_signals(es).new_practice.tolist()                     # doctest: +SKIP
[4.0, 0.0, 0.0]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from svcsim.clusters.innovation_parse import ParseMemo, _ranges, parse_texts, verbs
from svcsim.model import Entry

if TYPE_CHECKING:
    from svcsim.text.segcache import SpanCache

__all__ = ["NEW_PRACTICE_VERBS", "WordSignals", "word_signals"]  # noqa: F822 - NEW_PRACTICE_VERBS is a lazy module attribute


def __getattr__(name: str):  # NEW_PRACTICE_VERBS reads package data on first use, not at import
    if name == "NEW_PRACTICE_VERBS":
        return verbs()
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


def _codes(values: list) -> np.ndarray:
    at: dict = {}
    return np.fromiter((at.setdefault(v, len(at)) for v in values), dtype=np.int64, count=len(values))


def _rank_in_run(keys: np.ndarray) -> np.ndarray:
    """The rank of each row in its run of equal ``keys`` (sorted): 0, 1, 2 … from each run's start."""
    start = np.ones(keys.size, dtype=bool)
    start[1:] = keys[1:] != keys[:-1]
    heads = np.flatnonzero(start)
    return np.arange(keys.size) - np.repeat(heads, np.diff(np.append(heads, keys.size)))


def word_signals(entries: Sequence[Entry], *, topic_min_points: int = 3, routine_min_agencies: int = 3,
                 routine_share: float = 0.3, segments: "SpanCache | None" = None,
                 parses: ParseMemo | None = None) -> WordSignals:
    """The word signals of every entry (see the module docstring); ``entries`` need not be sorted.

    Args:
        entries: the scored entries; their agency and year define the counterparts.
        topic_min_points: a word in at least this many points of one plan is that plan's topic.
        routine_min_agencies: a word at least this many agencies use is routine vocabulary ...
        routine_share: ... and at least this share of the corpus' agencies.
        segments: where token offsets are kept (e.g. in the corpus database, as the stored
            analysis does); by default each distinct text is segmented here.
        parses: parsed texts kept from an earlier analysis (:class:`~svcsim.clusters.innovation_parse.ParseMemo`),
            so only texts it lacks are parsed; it holds this call's parsed texts afterwards.
    """
    n = len(entries)
    if not n:
        return WordSignals((), np.zeros(0), (), np.zeros(0), (), np.zeros(0))
    texts = sorted({e.text for e in entries})
    p = parse_texts(texts, segments, parses)
    vocab = sorted(set(p.words))  # ids in string order: ties among routine words break by the word
    vid = {w: i for i, w in enumerate(vocab)}
    nv = max(len(vocab), 1)
    wid = np.fromiter((vid[w] for w in p.words), dtype=np.int64, count=len(p.words))
    occ_text = np.repeat(np.arange(len(texts)), np.diff(p.off))
    at = {t: i for i, t in enumerate(texts)}
    e_text = np.fromiter((at[e.text] for e in entries), dtype=np.int64, count=n)
    agency = _codes([e.agency for e in entries])
    plan = _codes([(e.file, e.plan_id) for e in entries])
    year = np.array([float(e.year) if e.year is not None else math.nan for e in entries], dtype=np.float64)

    # each point's distinct words: word -> agencies using it (earliest year each), (plan, word) -> points
    tw, last_rev = np.unique((occ_text * nv + wid)[::-1], return_index=True)  # distinct (text, word), sorted
    last = wid.size - 1 - last_rev                                              # its last occurrence
    tw_off = np.searchsorted(tw, np.arange(len(texts) + 1) * nv)
    ep = _ranges(tw_off, e_text)
    ep_entry = np.repeat(np.arange(n), tw_off[e_text + 1] - tw_off[e_text])
    ep_word = tw[ep] % nv
    n_agencies = int(agency.max()) + 1
    n_ag = np.bincount(np.unique(ep_word * n_agencies + agency[ep_entry]) // n_agencies,
                       minlength=nv)
    first_year = np.full(nv, np.inf)  # unknown years never count as "earlier"
    np.minimum.at(first_year, ep_word, np.nan_to_num(year, nan=np.inf)[ep_entry])
    pkeys, pcounts = np.unique(plan[ep_entry] * nv + ep_word, return_counts=True)

    need = max(routine_min_agencies, math.ceil(routine_share * n_agencies))
    idf_once = math.log((1 + n_agencies) / 2) if n_agencies > 1 else 1.0
    routine_v = n_ag >= need
    # routine: a word many agencies use, or one character added to one (雙語化 on 雙語, 指示牌 on 指示)
    near = np.zeros(nv, dtype=bool)
    for i, w in enumerate(vocab):
        if len(w) >= 3:
            a, b = vid.get(w[1:]), vid.get(w[:-1])
            near[i] = (a is not None and bool(routine_v[a])) or (b is not None and bool(routine_v[b]))
    is_routine = routine_v | near

    # per text: a routine word, a modifier of one (書報|閱覽區), or an item of a list holding one
    nxt = np.append(wid[1:], 0)
    common = is_routine[wid] | (p.joined & is_routine[nxt])
    n_lists = int(p.listed.max()) + 1 if p.listed.size else 1
    lkey = occ_text * n_lists + p.listed
    in_list = p.listed >= 0
    common |= in_list & np.isin(lkey, lkey[common & in_list])
    t_of = tw // nv
    per_text = np.bincount(t_of, minlength=len(texts))
    routine_t = np.ones(len(texts))
    has = per_text > 0
    routine_t[has] = np.bincount(t_of, weights=common[last].astype(np.float64), minlength=len(texts))[has] / per_text[has]
    routine_words_t = _top_words(t_of, tw % nv, routine_v, n_ag, vocab, len(texts))
    # rarity: the mean of the three highest idf of a text's words, over the idf of a word one agency uses
    idf = np.array([math.log((1 + n_agencies) / (1 + c)) for c in range(int(n_ag.max(initial=0)) + 1)])
    order = np.lexsort((-idf[n_ag[tw % nv]], t_of))
    top = np.zeros((len(texts), 3))
    rank = _rank_in_run(t_of[order])
    keep = rank < 3
    top[t_of[order][keep], rank[keep]] = idf[n_ag[tw % nv]][order][keep]
    rarity = np.minimum((top[:, 0] + top[:, 1] + top[:, 2]) / 3 / idf_once, 1.0) if idf_once > 0 else np.zeros(len(texts))
    spec_t = 0.5 * rarity + 0.5 * np.minimum(p.marks / 3, 1.0)

    new_words, new_practice, practice = _new_words(p, wid, common, e_text, agency, plan, year, n_ag, first_year,
                                                   pkeys, pcounts, nv, vocab, topic_min_points)
    return WordSignals(new_words=new_words, new_practice=new_practice, practice=practice, routine=routine_t[e_text],
                       routine_words=tuple(routine_words_t[t] for t in e_text.tolist()), specificity=spec_t[e_text])


def _top_words(t_of: np.ndarray, w_of: np.ndarray, routine_v: np.ndarray, n_ag: np.ndarray, vocab: list[str],
               n_texts: int) -> list[tuple[str, ...]]:
    """Per text, up to three of its routine words, most widespread first (ties: by the word)."""
    sel = np.flatnonzero(routine_v[w_of])
    order = sel[np.lexsort((w_of[sel], -n_ag[w_of[sel]], t_of[sel]))]
    rank = _rank_in_run(t_of[order])
    order = order[rank < 3]
    out: list[tuple[str, ...]] = [()] * n_texts
    ts, ws = t_of[order].tolist(), w_of[order].tolist()
    i = 0
    while i < len(ts):
        j = i
        while j < len(ts) and ts[j] == ts[i]:
            j += 1
        out[ts[i]] = tuple(vocab[w] for w in ws[i:j])
        i = j
    return out


def _new_words(p, wid, common, e_text, agency, plan, year, n_ag, first_year, pkeys, pcounts, nv, vocab,
               topic_min_points):
    """Per point: its new words in text order, how many sit in a new-practice clause, and the first
    such clause's verb with up to three of them."""
    n = e_text.size
    eo = _ranges(p.off, e_text)
    eo_entry = np.repeat(np.arange(n), p.off[e_text + 1] - p.off[e_text])
    w = wid[eo]
    topic = pcounts[np.searchsorted(pkeys, plan[eo_entry] * nv + w)] >= topic_min_points
    # used by no other agency, and by this one in no earlier year (a point of unknown year: any year)
    y = np.nan_to_num(year, nan=-np.inf)[eo_entry]
    ok = ~common[eo] & ~p.cited[eo] & ~topic & (n_ag[w] == 1) & (first_year[w] >= y)
    cand = np.flatnonzero(ok)
    _, first = np.unique(eo_entry[cand] * nv + w[cand], return_index=True)  # a word once per point
    fresh = np.sort(cand[first])
    f_entry, f_word, f_occ = eo_entry[fresh], w[fresh], eo[fresh]
    n_clauses = int(max(p.clause.max(initial=0), p.verb_clause.max(initial=0))) + 1
    vtext = np.repeat(np.arange(p.verb_off.size - 1), np.diff(p.verb_off))
    vkeys = vtext * n_clauses + p.verb_clause  # sorted: texts ascending, clauses ascending within
    fkey = e_text[f_entry] * n_clauses + p.clause[f_occ]
    vpos = np.minimum(np.searchsorted(vkeys, fkey), max(vkeys.size - 1, 0))
    in_verb = (vkeys[vpos] == fkey) if vkeys.size else np.zeros(fkey.size, dtype=bool)
    new_practice = np.bincount(f_entry[in_verb], minlength=n).astype(np.float64)

    new_words: list[tuple[str, ...]] = [()] * n
    practice: list[tuple[str, ...]] = [()] * n
    bounds = np.searchsorted(f_entry, np.arange(n + 1)).tolist()
    ents = np.unique(f_entry).tolist()
    fw, fv, fk, vp = f_word.tolist(), in_verb.tolist(), fkey.tolist(), vpos.tolist()
    for e in ents:
        a, b = bounds[e], bounds[e + 1]
        new_words[e] = tuple(vocab[x] for x in fw[a:b])
        firsts = [i for i in range(a, b) if fv[i]]
        if firsts:
            k0 = fk[firsts[0]]
            practice[e] = (p.verbs[vp[firsts[0]]], *[vocab[fw[i]] for i in firsts if fk[i] == k0][:3])
    return tuple(new_words), new_practice, tuple(practice)
