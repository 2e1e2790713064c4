"""Order independence for the clusterer: rows in a canonical order, ids renumbered by size.

:class:`~svcsim.clusters.cluster.PointClusterer` clusters the rows sorted by a content key (then
by vector bytes) and maps the labels back, so shuffling the input changes neither the member sets
nor the ids; identical rows are found once (:func:`dedup_rows`) and treated as one weighted node.
"""

from __future__ import annotations

import numpy as np


def dedup_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first row of each distinct vector, ascending; node index per row)."""
    seen: dict[bytes, int] = {}
    node_of = np.empty(x.shape[0], dtype=np.int64)
    first: list[int] = []
    for i, r in enumerate(x):
        key = r.tobytes()
        j = seen.get(key)
        if j is None:
            j = seen[key] = len(first)
            first.append(i)
        node_of[i] = j
    return np.asarray(first, dtype=np.int64), node_of


def canonical_order(x: np.ndarray, keys: list[str] | None) -> np.ndarray:
    """Row indices sorted by (key, vector bytes), or by vector bytes without keys."""
    rows = [r.tobytes() for r in x]
    if keys is None:
        idx = sorted(range(len(rows)), key=rows.__getitem__)
    else:
        idx = sorted(range(len(rows)), key=lambda i: (keys[i], rows[i]))
    return np.asarray(idx, dtype=np.int64)


def canonical_labels(raw: np.ndarray, min_cluster_size: int) -> np.ndarray:
    """Drop small groups to −1, renumber by size desc then first (smallest-key) member."""
    out = np.full(raw.shape[0], -1, dtype=np.int64)
    groups: dict[int, list[int]] = {}
    for i, lab in enumerate(raw.tolist()):
        if lab >= 0:
            groups.setdefault(lab, []).append(i)
    kept = [m for m in groups.values() if len(m) >= min_cluster_size]
    kept.sort(key=lambda m: (-len(m), m[0]))
    for cid, members in enumerate(kept):
        out[members] = cid
    return out


def unit_centroids(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Unit-length mean vector of each cluster (labels 0..k−1; −1 rows left out)."""
    k = int(labels.max()) + 1 if labels.size and labels.max() >= 0 else 0
    c = np.zeros((k, x.shape[1]), dtype=np.float64)
    np.add.at(c, labels[labels >= 0], x[labels >= 0].astype(np.float64))
    norms = np.linalg.norm(c, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (c / norms).astype(np.float32)
