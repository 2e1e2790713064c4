"""The embedding cache: never embed the same text twice for the same model.

Keyed by (encoder fingerprint, text key), vectors stored as raw float32 bytes (no pickle) in the
corpus database. The store only keeps the bytes (:meth:`Corpus.cached_vectors`,
:meth:`Corpus.put_vectors`); calling the encoder happens here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from svcsim.embedded import EmbeddedCorpus
from svcsim.model import EntryKind


@dataclass(frozen=True)
class EmbedStats:
    texts: int        # distinct texts needed
    embedded: int     # computed now
    cached: int       # taken from the cache


CHUNK = 256
"""Texts embedded and committed together: an interrupted run keeps every finished chunk. 256 texts
are ~10 s of the default model on two cores, so a Ctrl-C loses at most that; a commit costs ~ms."""


def chunk_size() -> int:
    """Texts per committed chunk: ``SVCSIM_EMBED_CHUNK`` (a whole number ≥ 1) or :data:`CHUNK`.

    Raises:
        InputError: ``SVCSIM_EMBED_CHUNK`` is not a whole number ≥ 1.
    """
    raw = os.environ.get("SVCSIM_EMBED_CHUNK", "").strip()
    if not raw:
        return CHUNK
    if not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
        from svcsim.errors import InputError

        raise InputError("SVCSIM_EMBED_CHUNK", f"expected a whole number of texts ≥ 1, got {raw!r}")
    return int(raw)


class EmbeddingInterrupted(KeyboardInterrupt):
    """Ctrl-C while embedding: ``committed`` of ``missing`` texts were embedded and stored before it.

    A KeyboardInterrupt still (so nothing that stops on Ctrl-C changes); the CLI reads the counts.
    """

    def __init__(self, committed: int, missing: int) -> None:
        super().__init__(committed, missing)
        self.committed = committed
        self.missing = missing


def vectors_for_texts(corpus, encoder, items: list[tuple[str, str]], *, show_progress: bool = False,
                      chunk_size: int = CHUNK) -> tuple[dict[str, np.ndarray], EmbedStats]:
    """Vectors for (key, text) pairs; computes and stores the missing ones. Keys must be unique.

    The missing texts are embedded ``chunk_size`` at a time and each chunk is committed to the cache
    at once, so a Ctrl-C or kill keeps the finished chunks and the next run resumes after them.

    Raises:
        ModelError: the encoder returned NaN/infinite values or vectors of the wrong shape.
    """
    keys = [k for k, _ in items]
    dim = encoder.dim
    out: dict[str, np.ndarray] = {}
    for k, v in corpus.cached_vectors(encoder.fingerprint, keys).items():
        vec = np.frombuffer(v, dtype=np.float32) if len(v) == 4 * dim else None
        if vec is not None and np.isfinite(vec).all():
            out[k] = vec  # a damaged cache row (wrong length, NaN) is embedded again below
    missing = [(k, t) for k, t in items if k not in out]
    bar = None
    if chunk_size < 1:
        from svcsim.errors import InputError

        raise InputError("chunk_size", f"must be >= 1, got {chunk_size}")
    if missing and show_progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(missing), desc="embedding", unit="text")
    if len(missing) > getattr(encoder, "light_max_texts", len(missing)):
        encoder.real()  # a lazy encoder: more texts than its numpy path is for, even in small chunks
    done = 0
    try:
        for start in range(0, len(missing), chunk_size):
            chunk = missing[start : start + chunk_size]
            vecs = check_vectors(encoder, encoder.encode([t for _, t in chunk], kind="passage"), [t for _, t in chunk])
            corpus.put_vectors(encoder.fingerprint, dim, ((k, vecs[i].tobytes()) for i, (k, _) in enumerate(chunk)))
            done += len(chunk)
            for i, (k, _) in enumerate(chunk):
                out[k] = vecs[i]
            if bar is not None:
                bar.update(len(chunk))
    except KeyboardInterrupt as exc:
        if isinstance(exc, EmbeddingInterrupted):
            raise
        # Ctrl-C may land after a chunk's commit and before ``done`` counts it: say what the cache holds
        try:
            done = len(corpus.cached_vectors(encoder.fingerprint, [k for k, _ in missing]))
        except Exception:  # noqa: BLE001 - the count is a courtesy; the interrupt must still propagate
            pass
        raise EmbeddingInterrupted(done, len(missing)) from None
    finally:
        if bar is not None:
            bar.close()
    return out, EmbedStats(texts=len(items), embedded=len(missing), cached=len(items) - len(missing))


def check_vectors(encoder, vectors, texts: list[str]) -> np.ndarray:
    """The encoder's output as contiguous float32, or a ModelError when it is not one finite row per text."""
    from svcsim.errors import ModelError

    name = getattr(encoder, "name", type(encoder).__name__)
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    if x.shape != (len(texts), encoder.dim):
        raise ModelError(f"model {name!r} returned vectors of shape {x.shape} for {len(texts)} texts, expected "
                         f"({len(texts)}, {encoder.dim}); reinstall it (`svcsim model install --force` for the default)")
    bad = ~np.isfinite(x).all(axis=1)
    if bad.any():
        first = texts[int(np.argmax(bad))]
        raise ModelError(
            f"model {name!r} returned NaN or infinite values for {int(bad.sum())} of {len(texts)} texts "
            f"(e.g. {first[:30]!r}); its weights are probably damaged: run `svcsim model install --force` "
            "(for the default model) or pass another --model"
        )
    return x


def embed_corpus(corpus, encoder, kind: EntryKind | None = None, *, show_progress: bool = False) -> EmbeddedCorpus:
    """The corpus' entries (of ``kind``, or all) with their vectors, embedding only texts not cached
    for this encoder.

    Each distinct text (a row of the corpus' ``texts``) is embedded once and its vector shared by
    every entry that uses it. Cached vectors are read in one scan and matched by text id, and only
    the distinct texts are normalised: at 137k entries (50k distinct texts) this is ~0.3 s where
    hashing every entry's text and looking its vector up by key took ~1.5 s.

    Args:
        corpus: an open :class:`~svcsim.store.Corpus`.
        encoder: any :class:`~svcsim.embed.Encoder`; its fingerprint keys the cache and the result.
        kind: ``"point"``, ``"measure_title"`` or ``None`` for both.
        show_progress: a progress bar while embedding.
    """
    from svcsim.embedded import unit_rows

    dim = encoder.dim
    with corpus.snapshot():  # entries, texts and vectors of one corpus state
        entries, text_ids = corpus.entries_and_text_ids(kind)
        uniq, inverse = np.unique(np.asarray(text_ids, dtype=np.int64), return_inverse=True)
        cached = corpus.vectors_by_text_id(encoder.fingerprint, uniq.tolist())
    raw = [cached.get(int(t)) for t in uniq.tolist()]
    ok = np.fromiter((v is not None and len(v) == 4 * dim for v in raw), dtype=bool, count=len(raw))
    if ok.all() and len(raw):  # the usual case: one buffer, no copy before the normalisation
        mat = np.frombuffer(b"".join(raw), dtype=np.float32).reshape(-1, dim)
    else:
        mat = np.zeros((len(uniq), dim), dtype=np.float32)
        if ok.any():
            mat[ok] = np.frombuffer(b"".join(v for v, good in zip(raw, ok.tolist()) if good),
                                    dtype=np.float32).reshape(-1, dim)
    del raw, cached
    ok &= np.isfinite(mat).all(axis=1)  # a damaged cache row (NaN) is embedded again below
    if not ok.all():
        mat = np.array(mat)  # writable
        todo = corpus.text_rows(uniq[~ok].tolist())
        vecs, _ = vectors_for_texts(corpus, encoder, [(key, text) for _, key, text in todo],
                                    show_progress=show_progress)
        pos = {int(t): i for i, t in enumerate(uniq.tolist())}
        for tid, key, _ in todo:
            mat[pos[tid]] = vecs[key]
    distinct = unit_rows(mat) if len(mat) else np.zeros((0, dim), dtype=np.float32)
    distinct.setflags(write=False)
    # the entries' matrix is made when first asked for: the report's map reads each distinct text once
    return EmbeddedCorpus._of_distinct(tuple(entries), distinct, inverse.reshape(-1), encoder.fingerprint)
