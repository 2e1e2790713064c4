"""Cheap candidate pairs for paraphrase/related: semantic neighbours and shared character 4-grams.

(Copies and near copies do not come from here: :func:`svcsim.dupes.tiling.near_copy_pairs` finds
all of them exactly.) Aligning every pair is quadratic, so two cheap filters propose pairs:

* **semantic** — the ``k`` nearest neighbours of every text by cosine
  (:func:`svcsim.index.neighbours`: exact below a size threshold, seeded IVF above). It finds
  paraphrases that share few characters, but an edited copy of a long text can fall out of the
  top ``k`` when many similar texts exist;
* **lexical** — an inverted index of 4-character shingles of the normalised text. Two texts are
  candidates when they share at least ``min_share`` of the shingles of the shorter one. It finds
  every edited copy whatever its cosine, but no paraphrase.

The lexical index is pure numpy (a rolling polynomial hash over code points, a sort, and the pairs
of each posting list), so 100k texts take seconds. Shingles present in more than ``max_df`` texts
are dropped from pairing — their pair count grows with the square of their frequency, and texts
that share *only* such phrases are template boilerplate that the semantic side still pairs.

>>> keys = ["設置單一窗口提供便民服務", "本所設置單一窗口提供便民服務", "辦理志工訓練課程"]
>>> lexical_candidates(keys).tolist()
[[0, 1]]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SHINGLE = 4
_PRIME = np.uint64(1_000_003)


def _shingle_hashes(keys: Sequence[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct ``(doc, hash)`` of every k-character shingle, sorted by hash then doc."""
    lengths = np.fromiter((len(s) for s in keys), dtype=np.int64, count=len(keys))
    if not len(keys) or lengths.sum() == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    codes = np.frombuffer("".join(keys).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    ends = np.cumsum(lengths)
    doc_of = np.repeat(np.arange(len(keys), dtype=np.int64), lengths)
    n_start = len(codes) - k + 1
    if n_start <= 0:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    h = np.zeros(n_start, dtype=np.uint64)
    with np.errstate(over="ignore"):  # the hash wraps modulo 2**64 on purpose
        for t in range(k):
            h = h * _PRIME + codes[t : t + n_start]
    starts = np.arange(n_start)
    valid = starts + k <= ends[doc_of[:n_start]]  # shingle must not cross into the next text
    docs, h = doc_of[:n_start][valid], h[valid]
    order = np.lexsort((docs, h))
    docs, h = docs[order], h[order]
    keep = np.ones(len(h), dtype=bool)
    keep[1:] = (h[1:] != h[:-1]) | (docs[1:] != docs[:-1])
    return docs[keep], h[keep]


def lexical_candidates(
    keys: Sequence[str],
    *,
    k: int = SHINGLE,
    min_share: float = 0.2,
    min_shared: int = 2,
    max_df: int = 500,
    max_per_text: int | None = 50,
) -> np.ndarray:
    """Pairs of texts sharing enough character shingles.

    Args:
        keys: normalised texts (:func:`svcsim.text.match_key`), one per row.
        k: shingle length in characters.
        min_share: a pair must share at least this share of the shingles of its shorter text.
            0.2 is well below what a near copy shares (≥ 70 % of the shorter text copied in runs
            of ≥ 4 characters leaves ≥ ~50 % of its 4-grams shared), so no near copy is lost.
        min_shared: and at least this many shingles, so two very short texts do not pair on one
            common phrase.
        max_df: shingles in more texts than this are ignored (see the module docstring).
        max_per_text: keep a pair only if it is among the ``max_per_text`` best (most shared
            shingles) of either of its texts. A sentence the whole city repeats would otherwise
            pair every copy with every other; the copies still form one connected group, which
            is all the boilerplate and cluster measures need. ``None`` keeps every pair.

    Returns:
        ``(m, 2)`` int64 array of row pairs ``i < j``, sorted.
    """
    n = len(keys)
    docs, h = _shingle_hashes(keys, k)
    if len(h) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    n_shingles = np.bincount(docs, minlength=n)
    bounds = np.flatnonzero(np.r_[True, h[1:] != h[:-1], True])
    g_start, g_size = bounds[:-1], np.diff(bounds)
    pair_codes: list[np.ndarray] = []
    buffered = 0
    reduced_codes = np.zeros(0, np.int64)
    reduced_counts = np.zeros(0, np.int64)

    def reduce(codes_list, counts_base, codes_base):
        allc = np.concatenate([codes_base, *codes_list])
        weights = np.concatenate([counts_base, np.ones(sum(len(c) for c in codes_list), np.int64)])
        uniq, inv = np.unique(allc, return_inverse=True)
        return uniq, np.bincount(inv, weights=weights, minlength=len(uniq)).astype(np.int64)

    for size in np.unique(g_size):
        if size < 2 or size > max_df:
            continue
        sel = g_start[g_size == size]
        members = docs[sel[:, None] + np.arange(size)]  # (groups, size), ascending docs per row
        iu, ju = np.triu_indices(int(size), 1)
        # Bound memory: emit at most ~4M pairs at a time.
        step = max(1, 4_000_000 // len(iu))
        for s in range(0, len(members), step):
            m = members[s : s + step]
            pair_codes.append((m[:, iu] * n + m[:, ju]).ravel())
            buffered += pair_codes[-1].size
            if buffered > 20_000_000:
                reduced_codes, reduced_counts = reduce(pair_codes, reduced_counts, reduced_codes)
                pair_codes, buffered = [], 0
    if pair_codes or len(reduced_codes):
        reduced_codes, reduced_counts = reduce(pair_codes, reduced_counts, reduced_codes)
    a, b = reduced_codes // n, reduced_codes % n
    shorter = np.minimum(n_shingles[a], n_shingles[b])
    need = np.maximum(min_shared, np.ceil(min_share * shorter)).astype(np.int64)
    ok = reduced_counts >= need
    a, b, c = a[ok], b[ok], reduced_counts[ok]
    if max_per_text is not None and len(a):
        keep = _top_per_row(a, b, c, max_per_text) | _top_per_row(b, a, c, max_per_text)
        a, b = a[keep], b[keep]
    return np.stack([a, b], axis=1).astype(np.int64)


def _top_per_row(rows: np.ndarray, others: np.ndarray, score: np.ndarray, m: int) -> np.ndarray:
    """Mask of entries among the ``m`` highest ``score`` of their row (ties: lower ``others`` first)."""
    order = np.lexsort((others, -score, rows))
    r = rows[order]
    starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
    rank = np.arange(len(r)) - np.repeat(starts, np.diff(np.r_[starts, len(r)]))
    mask = np.zeros(len(rows), dtype=bool)
    mask[order[rank < m]] = True
    return mask


def semantic_candidates(
    vectors: np.ndarray,
    *,
    k: int = 10,
    min_similarity: float = -1.0,
    exact_below: int | None = None,
    random_state: int = 0,
) -> np.ndarray:
    """Pairs ``i < j`` where one is among the other's ``k`` nearest neighbours by cosine.

    Args:
        vectors: float32, L2-normalised, one row per text.
        k: neighbours per text.
        min_similarity: drop pairs whose cosine is below this.
        exact_below: exact search below this many rows (default: the index's own threshold).
        random_state: seeds the approximate index, so results repeat run to run.

    Returns:
        ``(m, 2)`` int64 array of row pairs, sorted.
    """
    from svcsim.index import neighbours  # faiss: imported only when needed

    n = len(vectors)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    kwargs = {} if exact_below is None else {"exact_below": exact_below}
    sims, idx = neighbours(vectors, k=min(k, n - 1), random_state=random_state, **kwargs)
    rows = np.repeat(np.arange(n, dtype=np.int64), idx.shape[1])
    cols = idx.ravel()
    ok = (cols >= 0) & (sims.ravel() >= min_similarity) & (cols != rows)
    a, b = np.minimum(rows[ok], cols[ok]), np.maximum(rows[ok], cols[ok])
    return _unique_pairs(a, b, n)


def candidate_pairs(
    keys: Sequence[str],
    vectors: np.ndarray,
    *,
    k: int = 10,
    min_similarity: float = -1.0,
    min_share: float = 0.2,
    max_df: int = 500,
    max_per_text: int | None = 50,
    exact_below: int | None = None,
    random_state: int = 0,
) -> np.ndarray:
    """The union of :func:`lexical_candidates` and :func:`semantic_candidates`, sorted, ``i < j``."""
    lex = lexical_candidates(keys, min_share=min_share, max_df=max_df, max_per_text=max_per_text)
    sem = semantic_candidates(
        vectors, k=k, min_similarity=min_similarity, exact_below=exact_below, random_state=random_state
    )
    both = np.concatenate([lex, sem])
    return _unique_pairs(both[:, 0], both[:, 1], max(len(keys), 1))


def _unique_pairs(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    codes = np.unique(a.astype(np.int64) * n + b.astype(np.int64))
    return np.stack([codes // n, codes % n], axis=1).astype(np.int64) if len(codes) else np.zeros((0, 2), np.int64)
