"""The corpus's FAISS index, kept beside the SQLite file, and semantic search over it.

One vector per *distinct* text (the store's ``texts`` ids are the FAISS ids), so a template sentence
repeated by 150 agencies is embedded and indexed once; a hit expands to every entry using that text.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from svcsim.errors import IndexDamagedError, IndexMismatchError, InputError
from svcsim.index.vectors import APPROXIMATE_ABOVE, MANIFEST, VectorIndex, read_checked
from svcsim.model import Entry, EntryKind
from svcsim.embed.cache import check_vectors, chunk_size, vectors_for_texts

STALE_REBUILD_SHARE = 0.2
"""Rebuild instead of appending when more than this share of indexed texts is no longer used."""


def index_dir(db_path: str | os.PathLike[str]) -> Path:
    """``corpus.db`` → ``corpus.index/`` in the same folder."""
    p = Path(db_path)
    return p.with_name(p.stem + ".index")


@dataclass(frozen=True)
class IndexUpdate:
    directory: Path
    kind: Literal["flat", "ivf"]
    count: int           # vectors in the index
    added: int           # vectors added by this call
    embedded: int        # texts run through the model by this call
    cached: int          # texts whose vectors came from the cache
    rebuilt: bool
    reason: str | None = None   # why the old index was not kept (damaged, another corpus, ...), when it existed


def texts_digest(pairs: Iterable[tuple[int, str]]) -> str:
    """sha256 of sorted (text id, text key) pairs: the state of the corpus an index holds."""
    h = hashlib.sha256()
    for i, k in sorted(pairs):
        h.update(f"{i}:{k}\n".encode("utf-8"))
    return h.hexdigest()


def _identity(corpus, index: VectorIndex, key_of: dict[int, str]) -> dict:
    ids = index.ids().tolist()
    return {"corpus_id": corpus.corpus_id, "texts": len(ids),
            "texts_digest": texts_digest((i, key_of.get(i, "")) for i in ids)}


def check_belongs(corpus, index: VectorIndex, d: Path, key_of: dict[int, str]) -> None:
    """Raise IndexDamagedError unless ``index`` was built from this corpus, for texts it still holds."""
    theirs, ours = index.extra.get("corpus_id"), corpus.corpus_id
    if theirs != ours:
        raise IndexDamagedError.from_key("index.other_corpus", path=d, theirs=str(theirs)[:8], corpus=corpus.path,
                                         ours=str(ours)[:8])
    if _identity(corpus, index, key_of)["texts_digest"] != index.extra.get("texts_digest"):
        raise IndexDamagedError.from_key("index.other_texts", path=d, corpus=corpus.path)


@contextlib.contextmanager
def _update_lock(d: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(d.with_name(f".{d.name}.lock"), "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def update_index(corpus, encoder, directory: str | os.PathLike[str] | None = None, *, rebuild: bool = False,
                 approximate_above: int = APPROXIMATE_ABOVE, show_progress: bool = False) -> IndexUpdate:
    """Embed what is missing and bring the index up to date with the store (incrementally when possible).

    A damaged index (truncated file, edited manifest) or one built for another corpus is rebuilt,
    with the reason in :attr:`IndexUpdate.reason`. Updates of one index run one at a time (a lock
    file beside it); embeddings are committed in chunks, so an interrupted update keeps its work.

    Raises:
        IndexMismatchError: the index was built with another model (pass ``rebuild=True``).
    """
    d = Path(directory) if directory is not None else index_dir(corpus.path)
    try:
        d.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IndexMismatchError.from_key("index.no_folder", path=d, detail=exc.strerror or exc) from exc
    with _update_lock(d):
        texts = corpus.distinct_texts()
        ids = np.array([i for i, _, _ in texts], dtype=np.int64)
        live_digest = texts_digest((i, k) for i, k, _ in texts)

        index, reason = None, None
        if not rebuild and (d / MANIFEST).exists():
            try:
                m, _ = read_checked(d, fingerprint=encoder.fingerprint, dim=encoder.dim)
                extra = m["extra"]
                if (extra.get("corpus_id") == corpus.corpus_id and extra.get("texts_digest") == live_digest
                        and m["count"] == len(texts)):
                    # Nothing new: the intact index holds exactly the corpus's texts (its digest is of
                    # the ids in the file the sha256 vouches for). Nothing is read from the embedding
                    # cache, embedded, deserialised or written: the usual case, in well under 1 s.
                    return IndexUpdate(d, m["kind"], m["count"], 0, 0, len(texts), False)
                index = VectorIndex.load(d, fingerprint=encoder.fingerprint, dim=encoder.dim)
            except IndexDamagedError as exc:
                index, reason = None, str(exc)
        if index is not None:
            have_ids = index.ids()
            key_of = corpus.text_keys()
            try:
                check_belongs(corpus, index, d, key_of)
            except IndexDamagedError as exc:
                index, reason = None, str(exc)
        if index is not None:
            have = set(have_ids.tolist())
            live = set(ids.tolist())
            stale = len(have - live)
            too_stale = have and stale / len(have) > STALE_REBUILD_SHARE
            outgrown = index.kind == "flat" and len(live) > approximate_above
            if not (too_stale or outgrown):
                new = np.array([i not in have for i in ids.tolist()], dtype=bool)
                added = [t for t, is_new in zip(texts, new.tolist()) if is_new]
                vecs, stats = _vectors(corpus, encoder, added, show_progress)
                index.add(vecs, ids[new])
                index.extra = _identity(corpus, index, key_of)
                index.save(d)
                return IndexUpdate(d, index.kind, index.count, int(new.sum()), stats.embedded,
                                   len(texts) - stats.embedded, False)
        mat, stats = _vectors(corpus, encoder, texts, show_progress)
        index = VectorIndex.build(mat, ids, model=getattr(encoder, "name", ""), fingerprint=encoder.fingerprint,
                                  approximate_above=approximate_above)
        index.extra = _identity(corpus, index, corpus.text_keys())
        index.save(d)
    return IndexUpdate(d, index.kind, index.count, index.count, stats.embedded, stats.cached, True, reason)


def _vectors(corpus, encoder, texts: list[tuple[int, str, str]], show_progress: bool):
    """The vectors of ``texts`` (text id, key, text) as a row-aligned matrix, embedding (in committed
    chunks) what the cache lacks."""
    vecs, stats = vectors_for_texts(corpus, encoder, [(k, t) for _, k, t in texts], show_progress=show_progress,
                                    chunk_size=chunk_size())
    mat = np.stack([vecs[k] for _, k, _ in texts]) if texts else np.zeros((0, encoder.dim), np.float32)
    return mat, stats


@dataclass(frozen=True)
class SearchHit:
    entry: Entry
    score: float

    def to_dict(self) -> dict:
        return {**self.entry.to_dict(), "score": round(float(self.score), 4)}


class CorpusIndex:
    """A loaded index plus the text-id → entries map: what search and suggestions run on.

    >>> ci = CorpusIndex.open(corpus, encoder)                       # doctest: +SKIP
    >>> [h.entry.text for h in ci.search("設置單一窗口", k=3)]          # doctest: +SKIP
    """

    def __init__(self, corpus, encoder, index: VectorIndex, by_text: dict[int, list[Entry]]) -> None:
        self.corpus = corpus
        self.encoder = encoder
        self.index = index
        self.by_text = by_text

    @classmethod
    def open(cls, corpus, encoder, directory: str | os.PathLike[str] | None = None) -> "CorpusIndex":
        d = Path(directory) if directory is not None else index_dir(corpus.path)
        if not (d / MANIFEST).exists():
            raise IndexMismatchError.from_key("index.none", path=d)
        index = VectorIndex.load(d, fingerprint=encoder.fingerprint, dim=encoder.dim)
        with corpus.snapshot():  # one consistent state: an ingest may commit between these reads
            check_belongs(corpus, index, d, corpus.text_keys())
            entries, tids = corpus.entries_and_text_ids()
        by_text: dict[int, list[Entry]] = {}
        for e, tid in zip(entries, tids):
            by_text.setdefault(tid, []).append(e)
        missing = set(by_text) - set(index.ids().tolist())
        if missing:
            raise IndexMismatchError.from_key("index.behind", path=d, n=len(missing))
        return cls(corpus, encoder, index, by_text)

    def search_vector(self, query: np.ndarray, *, k: int = 10, agency: str | None = None, year: int | None = None,
                      kind: EntryKind | None = "point", exclude_agency: str | None = None) -> list[SearchHit]:
        """Top-k entries for one query vector, filtered; ties broken by entry id for reproducibility."""
        if k < 1:
            raise InputError("k", key="index.k", k=k)
        q = np.asarray(query, dtype=np.float32).reshape(1, -1)
        fetch = max(4 * k, 32)
        while True:
            scores, ids = self.index.search(q, fetch)
            hits: list[SearchHit] = []
            for s, t in zip(scores[0], ids[0]):
                if t < 0:
                    continue
                for e in self.by_text.get(int(t), ()):
                    if kind is not None and e.kind != kind:
                        continue
                    if agency is not None and e.agency != agency:
                        continue
                    if exclude_agency is not None and e.agency == exclude_agency:
                        continue
                    if year is not None and year not in (e.year, (e.year or 0) - 1911):
                        continue
                    hits.append(SearchHit(e, float(s)))
            if len(hits) >= k or fetch >= self.index.count:
                break
            fetch = min(fetch * 4, self.index.count)
        hits.sort(key=lambda h: (-h.score, h.entry.id))
        return hits[:k]

    def search(self, text: str, *, k: int = 10, **filters) -> list[SearchHit]:
        if not isinstance(text, str) or not text.strip():
            raise InputError("TEXT", key="index.empty_text")
        vec = check_vectors(self.encoder, self.encoder.encode([text], kind="query"), [text])
        return self.search_vector(vec[0], k=k, **filters)
