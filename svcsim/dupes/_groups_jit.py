"""The numba kernel behind :func:`svcsim.dupes.boilerplate.copy_groups` (imported on first use only)."""

from __future__ import annotations

import numpy as np

from svcsim.dupes._tiling_jit import _jit


@_jit
def _smallest_roots(n, a, b):
    """The smallest node of each node's connected component, for the undirected edges ``(a[i], b[i])``
    over nodes ``0..n-1``: union-find that always hangs the larger root under the smaller (so a
    root is its component's smallest node), with path halving."""
    parent = np.arange(n)
    for i in range(a.shape[0]):
        x = a[i]
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        y = b[i]
        while parent[y] != y:
            parent[y] = parent[parent[y]]
            y = parent[y]
        if x < y:
            parent[y] = x
        elif y < x:
            parent[x] = y
    for i in range(n):  # roots are smaller than their nodes: one pass in node order settles them
        parent[i] = parent[parent[i]]
    return parent
