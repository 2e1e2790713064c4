"""The one value every analysis takes: entries, their vectors and the model that made them.

:class:`EmbeddedCorpus` is validated once, when it is built (entries are :class:`~svcsim.model.Entry`,
vectors a finite 2-D matrix with one row per entry, stored as read-only float32 unit rows), so the
analyses downstream (:mod:`svcsim.dupes`, :mod:`svcsim.clusters`, :mod:`svcsim.suggest`) never check
or normalise again. :func:`unit_rows` is the one normaliser of the package.

This module imports numpy only; it sits below ``embed/`` so the analyses need not import it.

>>> from svcsim.model import Entry
>>> es = [Entry(id=i, kind=k, agency="甲", year=2024, file="a.txt", item="一", measure="(一)",
...             n=None if k == "measure_title" else 1, text=t)
...       for i, (k, t) in enumerate([("measure_title", "便民服務"), ("point", "設置單一窗口")])]
>>> ec = EmbeddedCorpus(es, [[3.0, 4.0], [0.0, 2.0]], fingerprint="demo")
>>> len(ec), ec.vectors[0].tolist(), len(ec.of_kind("point"))
(2, [0.6000000238418579, 0.800000011920929], 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from svcsim.errors import InputError
from svcsim.model import Entry, EntryKind

__all__ = ["EmbeddedCorpus", "distinct_rows", "unit_rows"]


def unit_rows(vectors: object, where: str = "vectors", *, allow_1d: bool = False, finite: bool = True) -> np.ndarray:
    """Validate a numeric matrix and return it as contiguous float32 with unit rows (zero rows stay zero).

    Args:
        vectors: anything numpy turns into an (n, dim) array.
        where: the name used in the error message.
        allow_1d: accept one vector and return it as a (1, dim) matrix.
        finite: refuse NaN/infinite values; an encoder passes ``False`` so that its caller can
            report damaged model weights as a model error (:func:`svcsim.embed.cache.check_vectors`).

    Raises:
        InputError: not numeric, not 2-D (or 1-D when allowed), or (with ``finite``) holds NaN/infinite values.
    """
    try:
        x = np.asarray(vectors, dtype=np.float32)
    except (TypeError, ValueError) as e:
        raise InputError(where, f"expected a 2-D numeric array (n × dim), could not convert: {e}") from None
    if x.ndim == 1 and allow_1d:
        x = x[None, :]
    if x.ndim != 2:
        raise InputError(where, f"expected a 2-D array (n × dim), got shape {x.shape}; "
                                "for one vector use vectors[None, :]")
    if finite and not np.isfinite(x).all():
        raise InputError(where, "contains NaN or infinite values; re-encode the texts")
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(x / norms, dtype=np.float32)


def distinct_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(first, inverse)`` of a matrix's rows, compared byte for byte: ``x[first]`` are the
    distinct rows in order of first appearance, and ``x[first][inverse]`` equals ``x``.

    >>> first, inverse = distinct_rows(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]))
    >>> first.tolist(), inverse.tolist()
    ([0, 1], [0, 1, 0])
    """
    buf, w = np.ascontiguousarray(x).tobytes(), x.shape[1] * x.itemsize
    ids: dict[bytes, int] = {}
    inverse = np.fromiter((ids.setdefault(buf[i * w : (i + 1) * w], len(ids)) for i in range(len(x))),
                          dtype=np.int64, count=len(x))
    first = np.full(len(ids), len(x), dtype=np.int64)
    np.minimum.at(first, inverse, np.arange(len(x)))
    return first, inverse


def _check_entries(entries: object) -> tuple[Entry, ...]:
    if isinstance(entries, (str, bytes, Entry)):
        raise InputError("entries", f"expected a sequence of Entry, got a single {type(entries).__name__}")
    try:
        out = tuple(entries)  # type: ignore[arg-type]
    except TypeError:
        raise InputError("entries", f"expected a sequence of Entry, got {type(entries).__name__}") from None
    for i, e in enumerate(out):
        if not isinstance(e, Entry):
            raise InputError("entries", f"item {i} is {type(e).__name__}, expected svcsim.model.Entry")
    return out


@dataclass(frozen=True, eq=False, init=False)
class EmbeddedCorpus:
    """Entries and their row-aligned vectors, checked once.

    Attributes:
        entries: the points and measure titles, in a fixed order.
        vectors: float32 unit rows, ``vectors[i]`` belongs to ``entries[i]``; read-only.
        fingerprint: the encoder's fingerprint (empty when the vectors came from elsewhere);
            stored analysis results are tied to it.
    """

    entries: tuple[Entry, ...]
    vectors: np.ndarray
    fingerprint: str

    def __init__(self, entries: Sequence[Entry], vectors: object, *, fingerprint: str = "") -> None:
        es = _check_entries(entries)
        x = unit_rows(vectors)
        if len(x) != len(es) and not (len(es) == 0 and x.size == 0):
            raise InputError("vectors", f"got {x.shape[0]} rows for {len(es)} entries; "
                                        "pass one vector per entry, in the same order")
        if len(es) == 0:
            x = x.reshape(0, x.shape[1] if x.ndim == 2 else 0)
        x.setflags(write=False)
        if not isinstance(fingerprint, str):
            raise InputError("fingerprint", f"expected a str, got {type(fingerprint).__name__}")
        object.__setattr__(self, "entries", es)
        object.__setattr__(self, "vectors", x)
        object.__setattr__(self, "fingerprint", fingerprint)

    @classmethod
    def _trusted(cls, entries: tuple[Entry, ...], vectors: np.ndarray, fingerprint: str) -> "EmbeddedCorpus":
        """A corpus from parts already checked (a subset of a checked corpus): no second pass."""
        self = object.__new__(cls)
        object.__setattr__(self, "entries", entries)
        object.__setattr__(self, "vectors", vectors)
        object.__setattr__(self, "fingerprint", fingerprint)
        return self

    @classmethod
    def _of_distinct(cls, entries: tuple[Entry, ...], distinct: np.ndarray, inverse: np.ndarray,
                     fingerprint: str) -> "EmbeddedCorpus":
        """A corpus whose row ``i`` is ``distinct[inverse[i]]`` (checked unit rows, one per distinct
        text): ``vectors`` is made on first use, and subsets stay in this form, so a reader that
        needs only some rows, or each distinct one once (the report's map), copies no 10⁵ × dim matrix."""
        self = object.__new__(cls)
        object.__setattr__(self, "entries", entries)
        object.__setattr__(self, "fingerprint", fingerprint)
        object.__setattr__(self, "_distinct", (distinct, inverse))
        return self

    def __getattr__(self, name: str):
        if name == "vectors" and "_distinct" in self.__dict__:
            distinct, inverse = self.__dict__["_distinct"]
            x = distinct[inverse]
            x.setflags(write=False)
            object.__setattr__(self, "vectors", x)
            return x
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def distinct_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """``(rows, inverse)``: a matrix that holds every vector of the corpus (once per distinct
        text when it was read from a corpus database, else once per distinct vector) and, per entry,
        the row of its vector: ``rows[inverse]`` equals :attr:`vectors`."""
        got = self.__dict__.get("_distinct")
        if got is None:
            first, inverse = distinct_rows(self.vectors)
            got = (self.vectors[first], inverse)
            object.__setattr__(self, "_distinct", got)
        return got

    def rows(self) -> "np.ndarray | DistinctRows":
        """Every entry's vector by row, ``rows()[i]`` equal to ``vectors[i]`` (ints or index arrays):
        :attr:`vectors` itself once made, else a view over the distinct rows that makes no n × dim
        matrix (the stored pairs' cosines of a 100k report read a few thousand rows of 137k)."""
        if "vectors" in self.__dict__ or "_distinct" not in self.__dict__:
            return self.vectors
        return DistinctRows(*self.__dict__["_distinct"])

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        dim = self.dim
        plans = len({(e.file, e.plan_id) for e in self.entries})
        return (f"EmbeddedCorpus({len(self)} entries from {plans} plans, dim={dim}, "
                f"fingerprint={self.fingerprint!r})")

    @property
    def dim(self) -> int:
        x = self.__dict__["_distinct"][0] if "vectors" not in self.__dict__ else self.vectors
        return int(x.shape[1]) if x.ndim == 2 else 0

    def subset(self, rows: Iterable[int]) -> "EmbeddedCorpus":
        """The entries at ``rows`` (in that order) with their vectors."""
        idx = np.fromiter((int(r) for r in rows), dtype=np.int64)
        if idx.size and (idx.min() < -len(self) or idx.max() >= len(self)):
            raise InputError("rows", f"row out of range for {len(self)} entries")
        entries = tuple(self.entries[i] for i in idx.tolist())
        if "_distinct" in self.__dict__:  # distinct rows and their indices: the subset keeps them
            distinct, inverse = self.__dict__["_distinct"]
            return EmbeddedCorpus._of_distinct(entries, distinct, inverse[idx], self.fingerprint)
        x = np.ascontiguousarray(self.vectors[idx])
        x.setflags(write=False)
        return EmbeddedCorpus._trusted(entries, x, self.fingerprint)

    def of_kind(self, kind: EntryKind) -> "EmbeddedCorpus":
        """Only the points (``"point"``) or only the measure titles (``"measure_title"``)."""
        if kind not in ("point", "measure_title"):
            raise InputError("kind", f"got {kind!r}; use 'point' or 'measure_title'")
        return self.subset(i for i, e in enumerate(self.entries) if e.kind == kind)

    def ids(self) -> tuple[int, ...]:
        return tuple(e.id for e in self.entries)

    def same_entries(self, other: "EmbeddedCorpus") -> bool:
        """Whether ``other`` holds the same entries in the same order (results of one fit the other)."""
        return self is other or (len(self) == len(other) and self.ids() == other.ids())


def require_embedded(corpus: object, where: str = "corpus") -> EmbeddedCorpus:
    """``corpus`` itself, or an InputError that says how to build one (for an older ``(entries, vectors)`` call)."""
    if not isinstance(corpus, EmbeddedCorpus):
        raise InputError(where, f"expected an EmbeddedCorpus, got {type(corpus).__name__}; build one with "
                                "svcsim.EmbeddedCorpus(entries, vectors) or Corpus.embedded(encoder)")
    return corpus


class DistinctRows:
    """Row ``i`` is ``distinct[inverse[i]]``: :attr:`EmbeddedCorpus.vectors` without the copy."""

    def __init__(self, distinct: np.ndarray, inverse: np.ndarray) -> None:
        self._distinct, self._inverse = distinct, inverse
        self.shape = (len(inverse), *distinct.shape[1:])
        self.dtype = distinct.dtype
        self.ndim = distinct.ndim

    def __len__(self) -> int:
        return len(self._inverse)

    def __getitem__(self, i):
        return self._distinct[self._inverse[i]]
