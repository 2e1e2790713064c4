"""The per-point loop the word signals were computed with before they were vectorised: the reference
the vectorised :func:`svcsim.clusters.innovation_words.word_signals` is tested against."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from svcsim.clusters.innovation_parse import _parse
from svcsim.text.segcache import SpanCache


def _is_routine(w, routine):
    return w in routine or (len(w) >= 3 and (w[1:] in routine or w[:-1] in routine))


def _text_signals(p, routine_vocab, first_year, n_agencies, idf_once):
    common = [_is_routine(w, routine_vocab) or (h != "" and _is_routine(h, routine_vocab)) for w, h in zip(p.words, p.head)]
    routine_lists = {k for k, c in zip(p.listed, common) if c and k >= 0}
    common = [c or k in routine_lists for c, k in zip(common, p.listed)]
    distinct = dict(zip(p.words, common))
    routine = sum(distinct.values()) / len(distinct) if distinct else 1.0
    routine_words = tuple(sorted((w for w in distinct if w in routine_vocab), key=lambda w: (-len(first_year[w]), w))[:3])
    rare = sorted((math.log((1 + n_agencies) / (1 + len(first_year[w]))) for w in distinct), reverse=True)[:3]
    rarity = min(sum(rare + [0.0] * (3 - len(rare))) / 3 / idf_once, 1.0) if idf_once > 0 else 0.0
    return common, routine, routine_words, 0.5 * rarity + 0.5 * min(p.marks / 3, 1.0)


def word_signals_loop(entries, *, topic_min_points=3, routine_min_agencies=3, routine_share=0.3):
    """(new_words, new_practice, practice, routine, routine_words, specificity), as word_signals gave them."""
    texts = sorted({e.text for e in entries})
    spans = SpanCache().spans(texts)
    parsed = {t: _parse(t, spans[t]) for t in texts}
    first_year: dict = {}
    plan_points: Counter = Counter()
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
    new_practice, routine, spec = np.zeros(len(entries)), np.zeros(len(entries)), np.zeros(len(entries))
    for i, e in enumerate(entries):
        p = parsed[e.text]
        y = float(e.year) if e.year is not None else -math.inf
        common, routine[i], words_routine, spec[i] = _text_signals(p, routine_vocab, first_year, n_agencies, idf_once)
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
    return tuple(new_words), new_practice, tuple(practice), routine, tuple(routine_words), spec
