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
    # longest first, then by (i, j): one int64 key per run (lengths are far below 2**20)
    key = np.empty(m, np.int64)
    for r in range(m):
        key[r] = ((1 << 20) - rn[r]) * (la + 1) * (lb + 1) + ri[r] * (lb + 1) + rj[r]
    order = np.argsort(key)
    used_a = np.zeros(la, np.bool_)
    used_b = np.zeros(lb, np.bool_)
    count = 0
    for r in order:
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
