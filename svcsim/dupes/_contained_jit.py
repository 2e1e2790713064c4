"""The numba kernel behind :mod:`svcsim.dupes.contained` (imported by it on first use only)."""

from __future__ import annotations

import numpy as np

from svcsim.dupes._tiling_jit import _jit, _tile


@_jit
def _emit_pairs(queries, doc_ptr, doc_tok, tok_ptr, tok_doc, need, level, nbr_ptr, nbr, n_docs):
    """Pairs (q, d) of a query doc q and another doc d sharing one of q's level-grams.

    ``doc_ptr``/``doc_tok``: each query doc's distinct tokens; ``tok_ptr``/``tok_doc``: each
    token's docs. A pair of two query docs is kept once (q < d); docs whose need is below
    ``level`` are not in the postings (their pairs belong to their own, lower level). Pairs that
    are already near copies (``nbr_ptr``/``nbr``, a CSR adjacency) are skipped.
    """
    seen = np.full(n_docs, -1, np.int64)
    cap = 1024
    out_a = np.empty(cap, np.int32)
    out_b = np.empty(cap, np.int32)
    m = 0
    for x in range(queries.shape[0]):
        q = queries[x]
        seen[q] = q
        for p in range(nbr_ptr[q], nbr_ptr[q + 1]):
            seen[nbr[p]] = q
        for p in range(doc_ptr[x], doc_ptr[x + 1]):
            e = doc_tok[p]
            for r in range(tok_ptr[e], tok_ptr[e + 1]):
                d = tok_doc[r]
                if seen[d] == q:
                    continue
                seen[d] = q
                if need[d] == level and d < q:
                    continue  # two docs of this level: found from the smaller one
                if m == cap:
                    cap *= 2
                    a2 = np.empty(cap, np.int32)
                    b2 = np.empty(cap, np.int32)
                    a2[:m] = out_a[:m]
                    b2[:m] = out_b[:m]
                    out_a, out_b = a2, b2
                out_a[m] = min(q, d)
                out_b[m] = max(q, d)
                m += 1
    return out_a[:m].copy(), out_b[:m].copy()


@_jit
def _cover_longest(codes, starts, us, vs, k):
    """Greedy-tiling coverage and longest tile of each pair (the longest tile is the longest
    common run: the tiler takes runs longest first)."""
    n_pairs = us.shape[0]
    covered = np.zeros(n_pairs, np.int64)
    longest = np.zeros(n_pairs, np.int64)
    top = 0
    for p in range(n_pairs):
        la = starts[us[p] + 1] - starts[us[p]]
        if la > top:
            top = la
    out = np.empty((top // k + 2, 3), np.int64)
    for p in range(n_pairs):
        u = us[p]
        v = vs[p]
        c = _tile(codes, starts[u], starts[u + 1] - starts[u], starts[v], starts[v + 1] - starts[v], k, out)
        total = 0
        best = 0
        for r in range(c):
            total += out[r, 2]
            if out[r, 2] > best:
                best = out[r, 2]
        covered[p] = total
        longest[p] = best
    return covered, longest
