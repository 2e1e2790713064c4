"""The embedding cache: never embed the same text twice for the same model.

Keyed by (encoder fingerprint, text key), vectors stored as raw float32 bytes (no pickle).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from svcsim.model import Entry, EntryKind


@dataclass(frozen=True)
class EmbedStats:
    texts: int        # distinct texts needed
    embedded: int     # computed now
    cached: int       # taken from the cache


def vectors_for_texts(corpus, encoder, items: list[tuple[str, str]], *, show_progress: bool = False
                      ) -> tuple[dict[str, np.ndarray], EmbedStats]:
    """Vectors for (key, text) pairs; computes and stores the missing ones. Keys must be unique."""
    keys = [k for k, _ in items]
    cached = corpus.cached_vectors(encoder.fingerprint, keys)
    out = {k: np.frombuffer(v, dtype=np.float32) for k, v in cached.items()}
    missing = [(k, t) for k, t in items if k not in out]
    if missing:
        vecs = encoder.encode([t for _, t in missing], kind="passage", show_progress=show_progress)
        vecs = np.ascontiguousarray(vecs, dtype=np.float32)
        corpus.put_vectors(encoder.fingerprint, encoder.dim, ((k, vecs[i].tobytes()) for i, (k, _) in enumerate(missing)))
        for i, (k, _) in enumerate(missing):
            out[k] = vecs[i]
    return out, EmbedStats(texts=len(items), embedded=len(missing), cached=len(items) - len(missing))


def embedded_entries(corpus, encoder, kind: EntryKind | None = None, *, show_progress: bool = False
                     ) -> tuple[list[Entry], np.ndarray]:
    from svcsim.store.corpus import text_key

    entries = corpus.entries(kind)
    seen: dict[str, str] = {}
    for e in entries:
        seen.setdefault(text_key(e.text), e.text)
    vecs, _ = vectors_for_texts(corpus, encoder, list(seen.items()), show_progress=show_progress)
    dim = encoder.dim
    mat = np.zeros((len(entries), dim), dtype=np.float32)
    for i, e in enumerate(entries):
        mat[i] = vecs[text_key(e.text)]
    return entries, mat
