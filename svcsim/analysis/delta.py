"""Update a stored scan after plans were added or replaced: only the new texts' pairs are computed.

Every copy/near-copy search of :func:`svcsim.dupes.scan.copy_blocks` but one decides a pair of
distinct texts from those two texts alone, so the scan of the new corpus is the stored pairs
between texts still present plus the pairs that involve a new text:

* **near copies and synonym copies found by rewriting** (route 1 of :mod:`svcsim.dupes.synonyms`):
  the exact join of :func:`~svcsim.dupes.tiling.near_copy_pairs` probes only from the new texts
  (``only=``) over the whole kind, in the same sorted order — exactly the pairs, and the coverage,
  the full join gives them, for the cost of the new texts (at 100k points: 0.6 s where joining the
  ~33k old texts that share enough 4-grams with a new one took 4.7 s);
* **contained copies**: the join runs on the new texts and the old texts sharing one
  ``contained_min``-character run with them (any contained copy does); on this subset, in the
  same sorted order, it finds exactly the pairs it finds in the whole corpus;
* **synonym copies found by meaning** (route 2): candidates are the ``k`` nearest short texts with
  cosine ≥ ``edit_semantic``. While a text has fewer than ``k`` neighbours that close, its
  candidates are simply every text that close, which a new text's row of cosines decides. A text
  with ``k`` or more (its k-th neighbour list is kept for this) or a cosine within 10⁻⁴ of the bar,
  an approximate search (more short texts than ``exact_below``), or a text whose representative
  vector changed, and that kind is scanned in full instead;
* **paraphrase/related** labels read word frequencies of the whole kind and approximate
  neighbours: they are recomputed in full when wanted (``min_label`` paraphrase or related).

The copy groups, template flags and every derived table depend on agency counts across the
corpus, so :func:`~svcsim.dupes.scan.finish_scan` rebuilds them from the merged pairs (seconds).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from svcsim.analysis.scanstate import Neighbours, ScanState, rep_hashes, text_crc
from svcsim.dupes.classify import Label
from svcsim.dupes.scan import CopyBlocks, PairScan, build_units, copy_blocks, finish_scan, weak_stage
from svcsim.embedded import EmbeddedCorpus
from svcsim.text.normalize import match_key

EPS = 1e-4  # a cosine this close to a bar could fall either side between faiss and numpy: rescan


def full_scan(embedded: EmbeddedCorpus, scan: PairScan, min_label: Label) -> ScanState:
    """A fresh scan (:func:`svcsim.dupes.scan.scan_pairs`, same steps) with its neighbour lists."""
    entries, x = list(embedded.entries), embedded.vectors
    model = scan.model()
    units = build_units(entries)
    blocks, weak, nbs = [], [], {}
    for kind, base, kind_keys in units.kinds:
        if len(kind_keys) < 2:
            continue
        rep = x[[units.units[base + i][0] for i in range(len(kind_keys))]]
        found = copy_blocks(kind, kind_keys, rep, scan)
        blocks.append(found.shifted(base))
        if min_label not in ("copy", "near_copy"):
            weak.extend(weak_stage(entries, x, units, kind, base, kind_keys, rep, found.pairs(), scan, model))
        nb = short_neighbours(kind_keys, rep, scan)
        if nb is not None:
            nbs[kind] = nb
    found = finish_scan(entries, x, units, blocks, weak, scan)
    return ScanState.of(found, _ids(embedded), _kinds(units), nbs)


def rescan(old: ScanState, embedded: EmbeddedCorpus, scan: PairScan, min_label: Label) -> tuple[ScanState, dict]:
    """The scan of ``embedded`` from ``old`` (a scan of an earlier state of the same corpus).

    Returns the new state and what was done per kind (``"delta"`` or why it was scanned in full).
    """
    entries, x = list(embedded.entries), embedded.vectors
    model = scan.model()
    ids, crc = _ids(embedded), text_crc(entries)
    old_row = {i: r for r, i in enumerate(old.ids.tolist())}
    keys_of: list[str] = []
    hidden = np.zeros(len(entries), dtype=old.hidden.dtype)
    fresh = []
    for r, e in enumerate(entries):
        o = old_row.get(int(ids[r]))
        if o is not None and old.crc[o] == crc[r] and old.unit_of[o] >= 0:
            keys_of.append(old.keys[old.unit_of[o]])
            hidden[r] = old.hidden[o]
        else:
            keys_of.append(match_key(e.text))
            fresh.append(r)
    if fresh:
        from svcsim.text.hidden import count_hidden

        hidden[fresh] = [count_hidden(entries[r].text) for r in fresh]
    units = build_units(entries, keys_of)
    old_kinds = {k: (b, n) for k, b, n in old.kinds}
    blocks, weak, nbs, how = [], [], {}, {}
    for kind, base, kind_keys in units.kinds:
        if len(kind_keys) < 2:
            continue
        rep = x[[units.units[base + i][0] for i in range(len(kind_keys))]]
        found, nb, why = None, None, "no earlier scan of this kind"
        if kind in old_kinds:
            ob, on = old_kinds[kind]
            found, nb, why = _delta(old, ob, on, entries, ids, crc, old_row, units, kind, base, kind_keys, rep, x, scan)
        if found is None:
            found = copy_blocks(kind, kind_keys, rep, scan)
            nb = short_neighbours(kind_keys, rep, scan)
        blocks.append(found.shifted(base))
        if nb is not None:
            nbs[kind] = nb
        how[kind] = why
        if min_label not in ("copy", "near_copy"):
            how[kind] += "; paraphrase/related recomputed"
            weak.extend(weak_stage(entries, x, units, kind, base, kind_keys, rep, found.pairs(), scan, model))
    found = finish_scan(entries, x, units, blocks, weak, scan, hidden=hidden)
    return ScanState.of(found, ids, _kinds(units), nbs), how


def short_neighbours(kind_keys: list[str], rep: np.ndarray, scan: PairScan) -> Neighbours | None:
    """The synonym search's neighbour lists (route 2), when exact; ``None`` when it is approximate."""
    from svcsim.index.vectors import APPROXIMATE_ABOVE, neighbours

    t = scan.thresholds
    short = [i for i, key in enumerate(kind_keys) if t.edit_min_len <= len(key) <= t.edit_max_len]
    limit = scan.exact_below if scan.exact_below is not None else APPROXIMATE_ABOVE
    if len(short) < 2 or len(short) >= limit:
        return None
    sims, idx = neighbours(rep[short], k=min(scan.k, len(short) - 1), exact_below=limit,
                           random_state=scan.random_state)
    return Neighbours([kind_keys[i] for i in short], idx.astype(np.int32), sims.astype(np.float32))


# ---------------------------------------------------------------------------------------------
def _ids(embedded: EmbeddedCorpus) -> np.ndarray:
    return np.fromiter((e.id for e in embedded.entries), dtype=np.int64, count=len(embedded.entries))


def _kinds(units) -> list[tuple[str, int, int]]:
    return [(k, b, len(keys)) for k, b, keys in units.kinds]


def _delta(old: ScanState, ob: int, on: int, entries, ids, crc, old_row, units, kind, base, kind_keys, rep, x,
           scan: PairScan):
    """``(CopyBlocks in kind-local ids, neighbour lists, "delta")`` or ``(None, None, why)``."""
    t = scan.thresholds
    n = len(kind_keys)
    pos = {key: i for i, key in enumerate(kind_keys)}
    old_keys = old.keys[ob:ob + on]
    to_new = np.fromiter((pos.get(key, -1) for key in old_keys), dtype=np.int64, count=on)
    added = np.ones(n, dtype=bool)
    added[to_new[to_new >= 0]] = False
    # a kept text whose first row (its representative vector) changed: route 2 would see another vector
    kept = np.flatnonzero(to_new >= 0)
    now = rep_hashes(x, [units.units[base + i] for i in to_new[kept].tolist()])
    changed = np.zeros(n, dtype=bool)
    changed[to_new[kept]] = now != old.rep_hash[ob + kept]

    # stored pairs between texts still present
    cu, cv, cl = old.cross
    mine = (cu >= ob) & (cu < ob + on)
    u2, v2 = to_new[cu[mine].astype(np.int64) - ob], to_new[cv[mine].astype(np.int64) - ob]
    keep = (u2 >= 0) & (v2 >= 0)
    syn_old = old.synonym[mine][keep]
    ku, kv, kl = u2[keep], v2[keep], cl[mine][keep]

    new_ids = np.flatnonzero(added)
    lengths = np.fromiter((len(key) for key in kind_keys), dtype=np.int64, count=n)
    dv = dict(u=np.zeros(0, np.int64), v=np.zeros(0, np.int64), l=np.zeros(0, np.float64))
    ds = dict(u=np.zeros(0, np.int64), v=np.zeros(0, np.int64), l=np.zeros(0, np.float64))
    if len(new_ids):
        from svcsim.dupes.synonyms import synonym_copies
        from svcsim.dupes.tiling import near_copy_pairs

        # near copies: the exact join, probing only from the new texts (same pairs, same coverage)
        nu, nv, ncov, _ = near_copy_pairs(kind_keys, k=t.min_run, short_min=t.near_copy_short,
                                          long_min=t.near_copy_long, only=added)
        nu, nv = nu.astype(np.int64), nv.astype(np.int64)
        vu, vv = [nu], [nv]
        vl = [np.round(ncov / np.minimum(lengths[nu], lengths[nv]), 4)]
        if kind == "point":
            cu_, cv_, cl_ = _contained_new(kind_keys, lengths, added, nu, nv, t)
            vu.append(cu_)
            vv.append(cv_)
            vl.append(cl_)
        dv = dict(u=np.concatenate(vu), v=np.concatenate(vv), l=np.concatenate(vl))
        if t.synonyms:  # synonym copies by rewriting (route 1), new texts only; route 2 is below
            no_route2 = dataclasses.replace(t, edit_min_len=10**9)
            su, sv, scov = synonym_copies(kind_keys, rep, no_route2, exclude=(dv["u"], dv["v"]), k=scan.k,
                                          exact_below=scan.exact_below, random_state=scan.random_state, only=added)
            sl = np.round(np.minimum(scov / np.maximum(np.minimum(lengths[su], lengths[sv]), 1), 1.0), 4)
            ds = dict(u=su, v=sv, l=sl)
    # route 2
    nb = None
    if t.synonyms:
        got = _route2(old.neighbours.get(kind), kind_keys, rep, lengths, added, changed, scan,
                      # every candidate involves a new text, whose only copy pairs are this update's
                      known=np.concatenate([dv["u"], ds["u"]]) * n + np.concatenate([dv["v"], ds["v"]]))
        if isinstance(got, str):
            return None, None, got
        (r2u, r2v, r2l), nb = got
        ds = dict(u=np.concatenate([ds["u"], r2u]), v=np.concatenate([ds["v"], r2v]),
                  l=np.concatenate([ds["l"], r2l]))
    verbatim = [(np.concatenate([ku[~syn_old], dv["u"]]), np.concatenate([kv[~syn_old], dv["v"]]),
                 np.concatenate([kl[~syn_old], dv["l"]]))]
    synonym = (np.concatenate([ku[syn_old], ds["u"]]), np.concatenate([kv[syn_old], ds["v"]]),
               np.concatenate([kl[syn_old], ds["l"]])) if t.synonyms else None
    return CopyBlocks(verbatim, synonym), nb, "delta"


def _contained_new(kind_keys: list[str], lengths: np.ndarray, added: np.ndarray, nu: np.ndarray, nv: np.ndarray,
                   t) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The contained copies (:mod:`svcsim.dupes.contained`) that involve an added text, not already
    the near copies ``(nu, nv)``: the join runs on the added texts and the old texts sharing one
    ``contained_min``-character run with them (a contained copy shares at least that)."""
    from svcsim.dupes.contained import contained_pairs

    sub = np.array(sorted(_sharing(kind_keys, t.contained_min, added, None) | set(np.flatnonzero(added).tolist())),
                   dtype=np.int64)
    local = np.full(len(kind_keys), -1, dtype=np.int64)
    local[sub] = np.arange(len(sub))
    inside = (local[nu] >= 0) & (local[nv] >= 0)
    cu, cv, ccov, _ = contained_pairs([kind_keys[i] for i in sub.tolist()], run=t.contained_run,
                                      share=t.contained_share, floor=t.contained_min, min_run=t.min_run,
                                      exclude=(local[nu[inside]], local[nv[inside]]), only=added[sub])
    cu, cv = sub[cu.astype(np.int64)], sub[cv.astype(np.int64)]
    return cu, cv, np.round(ccov / np.minimum(lengths[cu], lengths[cv]), 4)


def _sharing(keys: list[str], k: int, added: np.ndarray, need: np.ndarray | None) -> set[int]:
    """Old texts sharing ≥ ``max(need[old], need[new])`` distinct k-grams (≥ 1 when ``need`` is
    ``None``) with some added text."""
    from scipy.sparse import csr_matrix

    from svcsim.dupes.candidates import _shingle_hashes

    docs, h = _shingle_hashes(keys, k)
    if not len(h):
        return set()
    n = len(keys)
    gram = np.cumsum(np.r_[False, h[1:] != h[:-1]]).astype(np.int64)  # h is sorted
    ones = np.ones(len(docs), dtype=np.int32)
    everything = csr_matrix((ones, (gram, docs)), shape=(int(gram[-1]) + 1, n))
    mine = added[docs]
    new_docs = np.flatnonzero(added)
    row = np.searchsorted(new_docs, docs[mine])
    new = csr_matrix((ones[mine], (row, gram[mine])), shape=(len(new_docs), everything.shape[0]))
    shared = (new @ everything).tocoo()  # (new text, any text) → distinct k-grams shared
    pn, po, c = new_docs[shared.row], shared.col.astype(np.int64), shared.data
    ok = ~added[po]
    if need is not None:
        ok &= c >= np.maximum(need[po], need[pn])
    return set(np.unique(po[ok]).tolist())


def _route2(nb: Neighbours | None, kind_keys, rep, lengths, added, changed, scan: PairScan, known: np.ndarray):
    """Route 2's new pairs and the updated neighbour lists, or why the kind needs a full scan."""
    from svcsim.dupes.synonyms import canonical_key, edit_blocks, is_edited_copy
    from svcsim.index.vectors import APPROXIMATE_ABOVE

    t = scan.thresholds
    gate = t.edit_semantic
    n = len(kind_keys)
    short = np.array([i for i in range(n) if t.edit_min_len <= lengths[i] <= t.edit_max_len], dtype=np.int64)
    limit = scan.exact_below if scan.exact_below is not None else APPROXIMATE_ABOVE
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64))
    if len(short) < 2:
        return (empty, None) if nb is None else "short texts fell below two"
    if nb is None or len(short) >= limit or len(nb.keys) >= limit:
        return "synonym neighbour search is approximate or was not kept"
    kk = min(scan.k, len(short) - 1)
    if nb.idx.shape[1] != kk:
        return "fewer short texts than neighbours"
    if changed[short].any():
        return "a kept short text has another representative vector"
    spos = {int(i): j for j, i in enumerate(short.tolist())}
    key_pos = {kind_keys[i]: spos[i] for i in short.tolist()}
    old_to = np.fromiter((key_pos.get(key, -1) for key in nb.keys), dtype=np.int64, count=len(nb.keys))
    removed = old_to < 0
    saturated = nb.sims[:, -1] >= gate - EPS
    lost = np.zeros(len(nb.keys), dtype=bool)
    if removed.any():
        valid = nb.idx >= 0
        lost = (valid & removed[np.where(valid, nb.idx, 0)]).any(axis=1) & ~removed
        if (lost & saturated).any():
            return "a removed text was among the close neighbours of a kept one"
    xs = rep[short]
    new_s = np.flatnonzero(added[short])
    sims = xs[new_s] @ xs.T if len(new_s) else np.zeros((0, len(short)), np.float32)
    if len(new_s):
        sims[np.arange(len(new_s)), new_s] = -np.inf
        if (np.abs(sims - gate) < EPS).any():
            return "a cosine lies on the synonym bar"
        kth = -np.sort(-sims, axis=1)[:, kk - 1]
        if (kth >= gate - EPS).any():
            return "a new short text has as many close neighbours as are searched"
        close_old = (sims >= gate - EPS) & ~added[short][None, :]
        old_of_short = np.full(len(short), -1, np.int64)
        old_of_short[old_to[~removed]] = np.flatnonzero(~removed)
        cols = np.flatnonzero(close_old.any(axis=0))
        hit = old_of_short[cols]
        if saturated[hit].any():
            return "a new short text is close to a text with as many close neighbours as are searched"
        # a kept text whose close neighbours, old and new, now fill its list
        n_close = (nb.sims[hit] >= gate - EPS).sum(axis=1) + close_old[:, cols].sum(axis=0)
        if (n_close >= kk).any():
            return "a kept short text now has as many close neighbours as are searched"
    # candidates: a new text and any short text at cosine >= the bar (both directions of the kNN)
    ci, cj = np.nonzero(sims >= gate)
    a, b = short[new_s[ci]], short[cj]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    codes = np.unique(lo * n + hi)
    if len(codes):
        codes = codes[~np.isin(codes, known)]
    su, sv = codes // n, codes % n
    keep = np.einsum("ij,ij->i", rep[su], rep[sv]) >= gate
    found = {}
    canon = {}
    for u, v in zip(su[keep].tolist(), sv[keep].tolist()):
        cu_ = canon.setdefault(u, canonical_key(kind_keys[u]))
        cv_ = canon.setdefault(v, canonical_key(kind_keys[v]))
        if is_edited_copy(cu_, cv_, max_gap=t.edit_gap, short_min=t.edit_short, long_min=t.near_copy_long,
                          min_len=t.edit_min_len):
            found[(u, v)] = sum(m for _, _, m in edit_blocks(cu_, cv_)[0])
    items = sorted(found.items())
    ru = np.array([p[0] for p, _ in items], dtype=np.int64)
    rv = np.array([p[1] for p, _ in items], dtype=np.int64)
    cover = np.array([m for _, m in items], dtype=np.int64)
    rl = np.round(np.minimum(cover / np.maximum(np.minimum(lengths[ru], lengths[rv]), 1), 1.0), 4)
    # the neighbour lists of the new corpus: kept rows remapped, rows a new text entered or that
    # lost a neighbour searched again exactly
    idx = np.full((len(short), kk), -1, np.int64)
    out = np.full((len(short), kk), -np.inf, np.float32)
    keep_rows = np.flatnonzero(~removed)
    tgt = old_to[keep_rows]
    oi = nb.idx[keep_rows]
    idx[tgt] = np.where(oi >= 0, old_to[np.where(oi >= 0, oi, 0)], -1)
    out[tgt] = nb.sims[keep_rows]
    redo = set(new_s.tolist()) | set(old_to[lost].tolist())
    if len(new_s):
        entered = (sims > out[:, -1][None, :]).any(axis=0)
        redo |= set(np.flatnonzero(entered).tolist())
    if redo:
        rows = np.array(sorted(redo), dtype=np.int64)
        s = xs[rows] @ xs.T
        s[np.arange(len(rows)), rows] = -np.inf
        top = _top_k(s, kk)
        idx[rows] = top
        out[rows] = np.take_along_axis(s, top, axis=1)
    return (ru, rv, rl), Neighbours([kind_keys[i] for i in short.tolist()], idx.astype(np.int32), out)


def _top_k(s: np.ndarray, k: int) -> np.ndarray:
    """``np.argsort(-s, axis=1, kind="stable")[:, :k]`` without sorting whole rows: each row's values
    at or above its k-th largest (ties included), in (value descending, column) order."""
    kth = -np.partition(-s, k - 1, axis=1)[:, k - 1]
    top = np.empty((len(s), k), dtype=np.int64)
    for i, (row, bar) in enumerate(zip(s, kth.tolist())):
        cand = np.flatnonzero(row >= bar)
        top[i] = cand[np.argsort(-row[cand], kind="stable")[:k]]
    return top
