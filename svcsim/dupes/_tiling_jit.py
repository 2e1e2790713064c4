"""The numba kernels behind :mod:`svcsim.dupes.tiling` (imported by it on first use only)."""

from __future__ import annotations

import numpy as np
from numba import njit


def _probe(x):  # pragma: no cover - only decorated, to learn whether numba can cache here
    return x


try:
    njit(cache=True)(_probe)
    _jit = njit(cache=True, nogil=True)
except RuntimeError:  # no writable cache location: compile in memory on every run instead
    _jit = njit(nogil=True)


@_jit
def _run_order(ri, rj, rn, m, la, lb):
    """Indices of the m runs, longest first, then by (i, j) — the order the tiler takes them in."""
    order = np.empty(m, np.int64)
    if m > 48:
        key = np.empty(m, np.int64)
        for r in range(m):  # one int64 key per run (lengths are far below 2**20)
            key[r] = ((1 << 20) - rn[r]) * (la + 1) * (lb + 1) + ri[r] * (lb + 1) + rj[r]
        return np.argsort(key)
    for r in range(m):  # insertion sort: real text has few runs
        order[r] = r
    for x in range(1, m):
        cur = order[x]
        y = x - 1
        while y >= 0:
            o = order[y]
            if rn[o] < rn[cur] or (rn[o] == rn[cur] and (ri[o] > ri[cur] or (ri[o] == ri[cur] and rj[o] > rj[cur]))):
                order[y + 1] = o
                y -= 1
            else:
                break
        order[y + 1] = cur
    return order


@_jit
def _take(ri, rj, rn, order, m, k, used_a, used_b, out):
    """Greedy choice: each run in ``order`` keeps its longest stretch still unused on both sides,
    if that is >= k; the chosen tiles go to ``out`` (rows i, j, n). Returns how many."""
    count = 0
    for x in range(m):
        r = order[x]
        i = ri[r]
        j = rj[r]
        n = rn[r]
        best_s = 0
        best_len = 0
        s = -1
        for t in range(n + 1):
            free = t < n and not used_a[i + t] and not used_b[j + t]
            if free and s < 0:
                s = t
            elif (not free) and s >= 0:
                if t - s > best_len:
                    best_s = s
                    best_len = t - s
                s = -1
        if best_len >= k:
            for t in range(best_s, best_s + best_len):
                used_a[i + t] = True
                used_b[j + t] = True
            out[count, 0] = i + best_s
            out[count, 1] = j + best_s
            out[count, 2] = best_len
            count += 1
    return count


@_jit
def _tile(codes, a0, la, b0, lb, k, out):
    """Tiles of codes[a0:a0+la] vs codes[b0:b0+lb] into ``out`` (rows i, j, n); returns the count."""
    if la < k or lb < k:
        return 0
    same = la == lb
    if same:
        for t in range(la):
            if codes[a0 + t] != codes[b0 + t]:
                same = False
                break
    if same:
        out[0, 0] = 0
        out[0, 1] = 0
        out[0, 2] = la
        return 1
    # maximal runs of length >= k
    cap = 64
    ri = np.empty(cap, np.int64)
    rj = np.empty(cap, np.int64)
    rn = np.empty(cap, np.int64)
    m = 0
    for i in range(la - k + 1):
        for j in range(lb - k + 1):
            if codes[a0 + i] != codes[b0 + j]:
                continue
            if i > 0 and j > 0 and codes[a0 + i - 1] == codes[b0 + j - 1]:
                continue
            n = 1
            while i + n < la and j + n < lb and codes[a0 + i + n] == codes[b0 + j + n]:
                n += 1
            if n < k:
                continue
            if m == cap:
                cap *= 2
                ri2 = np.empty(cap, np.int64)
                rj2 = np.empty(cap, np.int64)
                rn2 = np.empty(cap, np.int64)
                ri2[:m] = ri[:m]
                rj2[:m] = rj[:m]
                rn2[:m] = rn[:m]
                ri, rj, rn = ri2, rj2, rn2
            ri[m] = i
            rj[m] = j
            rn[m] = n
            m += 1
    if m == 0:
        return 0
    order = _run_order(ri, rj, rn, m, la, lb)
    return _take(ri, rj, rn, order, m, k, np.zeros(la, np.bool_), np.zeros(lb, np.bool_), out)

@_jit
def _covered_batch(codes, starts, us, vs, k):
    n_pairs = us.shape[0]
    covered = np.zeros(n_pairs, np.int64)
    longest = 0
    for p in range(n_pairs):
        la = starts[us[p] + 1] - starts[us[p]]
        if la > longest:
            longest = la
    out = np.empty((longest // k + 2, 3), np.int64)
    for p in range(n_pairs):
        u = us[p]
        v = vs[p]
        a0 = starts[u]
        la = starts[u + 1] - a0
        b0 = starts[v]
        lb = starts[v + 1] - b0
        c = _tile(codes, a0, la, b0, lb, k, out)
        total = 0
        for r in range(c):
            total += out[r, 2]
        covered[p] = total
    return covered


@_jit
def _cover_indexed(cid, a0, la, b0, lb, k, head, hstamp, stamp, nxt, ri, rj, rn, used_a, used_b, out):
    """Characters the greedy tiling of a = cid[a0:a0+la] vs b = cid[b0:b0+lb] covers, -1 if the run
    buffers are too small (the caller grows them and retries).

    Identical to ``_tile`` (same runs, same order, same choice) but finds runs through b's
    per-character position lists (``head``/``nxt``, valid where ``hstamp == stamp``), built once by
    the caller for a ``b`` that meets many ``a``: O(la + matches) instead of O(la · lb).
    """
    if la < k or lb < k:
        return 0
    if la == lb:
        same = True
        for t in range(la):
            if cid[a0 + t] != cid[b0 + t]:
                same = False
                break
        if same:
            return la
    m = 0
    cap = ri.shape[0]
    for i in range(la - k + 1):
        c = cid[a0 + i]
        if hstamp[c] != stamp:
            continue
        j = head[c]
        while j != -1:
            if j <= lb - k and not (i > 0 and j > 0 and cid[a0 + i - 1] == cid[b0 + j - 1]):
                n = 1
                while i + n < la and j + n < lb and cid[a0 + i + n] == cid[b0 + j + n]:
                    n += 1
                if n >= k:
                    if m == cap:
                        return -1
                    ri[m] = i
                    rj[m] = j
                    rn[m] = n
                    m += 1
            j = nxt[j]
    if m == 0:
        return 0
    order = _run_order(ri, rj, rn, m, la, lb)
    for t in range(la):
        used_a[t] = False
    for t in range(lb):
        used_b[t] = False
    count = _take(ri, rj, rn, order, m, k, used_a, used_b, out)
    covered = 0
    for x in range(count):
        covered += out[x, 2]
    return covered


@_jit
def _near_copy_join(cid, starts, n_chars, k, short_min, long_min, pref_ptr, pref_tok, post_ptr, post_doc,
                    docs_todo, tok_at, n_tok, dup, suffix, pend):
    """Every pair (s, r), s < r, r in ``docs_todo``, whose greedy tiling meets both near-copy bars.

    Candidates: docs sharing at least one *prefix* token with r (tokens ordered rarest first; the
    prefix is long enough that any pair able to reach the bars shares one), each once, after a length
    filter and a coverage bound. Returns (s, r, covered) arrays and the number of candidates aligned.

    The bound: every character a tiling covers lies in a k-window of s whose k-gram r also has,
    so the characters covered by such windows (shared windows + (k − 1) per run of them) bound the
    coverage from above; a candidate whose bound misses either bar is not aligned. ``tok_at`` holds
    the k-gram id of the window starting at each position (-1 where no full window starts).
    """
    n_docs = starts.shape[0] - 1
    max_len = 0
    for d in range(n_docs):
        if starts[d + 1] - starts[d] > max_len:
            max_len = starts[d + 1] - starts[d]
    head = np.full(n_chars, -1, np.int64)
    hstamp = np.full(n_chars, -1, np.int64)
    nxt = np.empty(max_len + 1, np.int64)
    seen = np.full(n_docs, -1, np.int64)
    tstamp = np.full(n_tok, -1, np.int64)
    cnt = np.zeros(n_docs, np.int32)
    cand = np.empty(n_docs, np.int32)
    used_a = np.zeros(max_len + 1, np.bool_)
    used_b = np.zeros(max_len + 1, np.bool_)
    tiles = np.empty((max_len // k + 2, 3), np.int64)
    cap_runs = 256
    ri = np.empty(cap_runs, np.int64)
    rj = np.empty(cap_runs, np.int64)
    rn = np.empty(cap_runs, np.int64)
    cap = 1024
    out_s = np.empty(cap, np.int32)
    out_r = np.empty(cap, np.int32)
    out_c = np.empty(cap, np.int32)
    m = 0
    aligned = 0
    for r in docs_todo:
        b0 = starts[r]
        lb = starts[r + 1] - b0
        if lb < k:
            continue
        for j in range(lb - k + 1):  # r's k-grams, for the coverage bound
            tstamp[tok_at[b0 + j]] = r
        for j in range(lb - 1, -1, -1):  # r's characters → positions, ascending lists
            c = cid[b0 + j]
            if hstamp[c] != r:
                hstamp[c] = r
                head[c] = -1
            nxt[j] = head[c]
            head[c] = j
        n_cand = 0
        for p in range(pref_ptr[r], pref_ptr[r + 1]):
            e = pref_tok[p]
            for q in range(post_ptr[e], post_ptr[e + 1]):
                s = post_doc[q]
                if s >= r:
                    break  # postings are sorted by doc: each pair is found from its later doc
                if seen[s] != r:
                    seen[s] = r
                    cnt[s] = 0
                    cand[n_cand] = s
                    n_cand += 1
                cnt[s] += 1
        for x in range(n_cand):
            s = cand[x]
            a0 = starts[s]
            la = starts[s + 1] - a0
            lo = la if la < lb else lb
            hi = lb if la < lb else la
            if lo < long_min * hi:
                continue  # covered <= the shorter length can never reach the long bar
            # count filter: shared distinct k-grams >= what the bars demand; the prefixes' common
            # tokens (cnt) miss at most the suffix of the doc whose prefix ends first in the order
            need = np.ceil(max(short_min * lo, long_min * hi) / k - 1e-9) - min(dup[r], dup[s])
            slack = suffix[r] if pend[r] <= pend[s] else suffix[s]
            if cnt[s] + slack < need:
                continue
            bound = 0
            inside = False
            for i in range(la - k + 1):
                if tstamp[tok_at[a0 + i]] == r:
                    bound += 1
                    if not inside:
                        bound += k - 1
                        inside = True
                else:
                    inside = False
            if bound < short_min * lo or bound < long_min * hi:
                continue
            aligned += 1
            cov = _cover_indexed(cid, a0, la, b0, lb, k, head, hstamp, r, nxt, ri, rj, rn, used_a, used_b, tiles)
            while cov < 0:
                cap_runs *= 4
                ri = np.empty(cap_runs, np.int64)
                rj = np.empty(cap_runs, np.int64)
                rn = np.empty(cap_runs, np.int64)
                cov = _cover_indexed(cid, a0, la, b0, lb, k, head, hstamp, r, nxt, ri, rj, rn, used_a, used_b, tiles)
            if cov / lo >= short_min and cov / hi >= long_min:
                if m == cap:
                    cap *= 2
                    o1 = np.empty(cap, np.int32)
                    o2 = np.empty(cap, np.int32)
                    o3 = np.empty(cap, np.int32)
                    o1[:m] = out_s[:m]
                    o2[:m] = out_r[:m]
                    o3[:m] = out_c[:m]
                    out_s, out_r, out_c = o1, o2, o3
                out_s[m] = s
                out_r[m] = r
                out_c[m] = cov
                m += 1
    return out_s[:m].copy(), out_r[:m].copy(), out_c[:m].copy(), aligned
