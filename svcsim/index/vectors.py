"""A small FAISS wrapper with a JSON manifest, and all-vs-all nearest neighbours.

Why IVF rather than HNSW for the approximate path: IVF's k-means is seeded, so the same vectors give
the same index and the same results run to run; faiss builds HNSW graphs in parallel and their shape
(hence the neighbours found) can vary between runs. IVF also supports incremental ``add`` once trained.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from svcsim.errors import IndexMismatchError, InputError

FORMAT_VERSION = 1
APPROXIMATE_ABOVE = 50_000
"""Below this many vectors search is exact (IndexFlatIP); above it, IVF-Flat with ``nprobe`` probes."""

IndexKind = Literal["flat", "ivf"]


def _faiss():
    import faiss  # heavy: imported only when an index is used

    return faiss


def _as_matrix(vectors: np.ndarray, where: str = "vectors") -> np.ndarray:
    x = np.asarray(vectors, dtype=np.float32)
    if x.ndim != 2:
        raise InputError(where, f"expected a 2-D array (n, dim), got shape {x.shape}")
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(x / norms, dtype=np.float32)


def _ivf_params(n: int) -> tuple[int, int]:
    """nlist ≈ 4·√n (faiss' rule of thumb), nprobe chosen for ≥ 0.99 recall@10 on our embeddings."""
    nlist = max(16, int(4 * math.sqrt(max(n, 1))))
    nprobe = min(nlist, max(16, nlist // 16))
    return nlist, nprobe


@dataclass(frozen=True)
class IndexManifest:
    format_version: int
    kind: IndexKind
    model: str
    fingerprint: str
    dim: int
    metric: str
    count: int
    nlist: int
    nprobe: int
    faiss_version: str
    numpy_version: str
    created: str

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=1)


class VectorIndex:
    """Inner-product search over L2-normalised float32 vectors with integer ids.

    >>> idx = VectorIndex.build(vectors, ids, model="e5", fingerprint="abc")   # doctest: +SKIP
    >>> scores, found = idx.search(query_vectors, k=5)                         # doctest: +SKIP
    """

    def __init__(self, index, *, kind: IndexKind, model: str, fingerprint: str, dim: int,
                 nlist: int = 0, nprobe: int = 0) -> None:
        self._index = index
        self.kind: IndexKind = kind
        self.model = model
        self.fingerprint = fingerprint
        self.dim = dim
        self.nlist = nlist
        self.nprobe = nprobe

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def build(cls, vectors: np.ndarray, ids: np.ndarray | None = None, *, model: str = "",
              fingerprint: str = "", approximate_above: int = APPROXIMATE_ABOVE,
              random_state: int = 0) -> "VectorIndex":
        """Build an exact index, or an IVF one when there are more than ``approximate_above`` vectors."""
        faiss = _faiss()
        x = _as_matrix(vectors)
        n, dim = x.shape
        ids = np.arange(n, dtype=np.int64) if ids is None else np.asarray(ids, dtype=np.int64)
        if ids.shape != (n,):
            raise InputError("ids", f"expected {n} ids, got shape {ids.shape}")
        if n > approximate_above:
            nlist, nprobe = _ivf_params(n)
            quantizer = faiss.IndexFlatIP(dim)
            index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
            index.cp.seed = random_state
            rng = np.random.default_rng(random_state)
            train = x if n <= nlist * 64 else x[np.sort(rng.choice(n, nlist * 64, replace=False))]
            index.train(train)
            index.nprobe = nprobe
            index.add_with_ids(x, ids)
            return cls(index, kind="ivf", model=model, fingerprint=fingerprint, dim=dim,
                       nlist=nlist, nprobe=nprobe)
        index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        if n:
            index.add_with_ids(x, ids)
        return cls(index, kind="flat", model=model, fingerprint=fingerprint, dim=dim)

    @property
    def count(self) -> int:
        return int(self._index.ntotal)

    def ids(self) -> np.ndarray:
        """The ids held, in insertion order."""
        faiss = _faiss()
        if self.kind == "flat":
            return faiss.vector_to_array(self._index.id_map).astype(np.int64)
        invlists = self._index.invlists
        out = []
        for lst in range(invlists.nlist):
            size = invlists.list_size(lst)
            if size:
                ptr = invlists.get_ids(lst)
                out.append(faiss.rev_swig_ptr(ptr, size).copy())
        return np.sort(np.concatenate(out)) if out else np.zeros(0, dtype=np.int64)

    def add(self, vectors: np.ndarray, ids: np.ndarray) -> None:
        x = _as_matrix(vectors)
        if x.shape[1] != self.dim:
            raise IndexMismatchError(
                f"vectors of dimension {x.shape[1]} cannot be added to an index of dimension {self.dim}; "
                "rebuild with `svcsim index --rebuild`"
            )
        if len(x):
            self._index.add_with_ids(x, np.asarray(ids, dtype=np.int64))

    def search(self, queries: np.ndarray, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (scores, ids) per query; missing results have id −1 and score −inf."""
        q = _as_matrix(queries, "queries")
        if q.shape[1] != self.dim:
            raise IndexMismatchError(
                f"query dimension {q.shape[1]} does not match the index dimension {self.dim} "
                f"(index built with model {self.model!r}); use the same model or `svcsim index --rebuild`"
            )
        k = max(1, min(int(k), max(self.count, 1)))
        scores, found = self._index.search(q, k)
        scores = np.where(found < 0, -np.inf, scores).astype(np.float32)
        return scores, found.astype(np.int64)

    # -- persistence --------------------------------------------------------------------------
    def manifest(self) -> IndexManifest:
        faiss = _faiss()
        return IndexManifest(
            format_version=FORMAT_VERSION, kind=self.kind, model=self.model, fingerprint=self.fingerprint,
            dim=self.dim, metric="inner_product", count=self.count, nlist=self.nlist, nprobe=self.nprobe,
            faiss_version=faiss.__version__, numpy_version=np.__version__,
            created=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        )

    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Write ``index.faiss`` + ``manifest.json`` into ``directory`` atomically (temp dir + rename)."""
        faiss = _faiss()
        target = Path(directory)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        faiss.write_index(self._index, str(tmp / "index.faiss"))
        (tmp / "manifest.json").write_text(self.manifest().to_json(), encoding="utf-8")
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.rename(target, old)
        os.rename(tmp, target)
        if old is not None:
            for f in old.iterdir():
                f.unlink()
            old.rmdir()
        return target

    @classmethod
    def load(cls, directory: str | os.PathLike[str], *, fingerprint: str | None = None,
             dim: int | None = None) -> "VectorIndex":
        """Load an index, checking it was built with the expected model (fingerprint, dimension)."""
        faiss = _faiss()
        d = Path(directory)
        mpath = d / "manifest.json"
        if not mpath.is_file() or not (d / "index.faiss").is_file():
            raise IndexMismatchError(f"{d}: no index here (manifest.json/index.faiss missing); run `svcsim index`")
        try:
            m = json.loads(mpath.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexMismatchError(f"{mpath}: unreadable manifest ({exc}); run `svcsim index --rebuild`") from exc
        if m.get("format_version") != FORMAT_VERSION:
            raise IndexMismatchError(
                f"{d}: index format {m.get('format_version')} is not {FORMAT_VERSION}; run `svcsim index --rebuild`"
            )
        if fingerprint is not None and m.get("fingerprint") != fingerprint:
            raise IndexMismatchError(
                f"{d}: index was built with model {m.get('model')!r} (fingerprint {str(m.get('fingerprint'))[:12]}), "
                f"not the model in use (fingerprint {fingerprint[:12]}); run `svcsim index --rebuild` or pass the same --model"
            )
        if dim is not None and m.get("dim") != dim:
            raise IndexMismatchError(f"{d}: index dimension {m.get('dim')} != model dimension {dim}; run `svcsim index --rebuild`")
        index = faiss.read_index(str(d / "index.faiss"))
        if m.get("kind") == "ivf":
            index.nprobe = int(m.get("nprobe", 16))
        if int(index.ntotal) != int(m.get("count", -1)):
            raise IndexMismatchError(f"{d}: index holds {index.ntotal} vectors but its manifest says {m.get('count')}; run `svcsim index --rebuild`")
        return cls(index, kind=m["kind"], model=m.get("model", ""), fingerprint=m.get("fingerprint", ""),
                   dim=int(m["dim"]), nlist=int(m.get("nlist", 0)), nprobe=int(m.get("nprobe", 0)))


def neighbours(vectors: np.ndarray, *, k: int = 10, exact_below: int = APPROXIMATE_ABOVE,
               random_state: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """All-vs-all ``k`` nearest neighbours by cosine, self excluded.

    Exact (blocked IndexFlatIP) below ``exact_below`` rows, IVF-Flat above. Returns ``(sims, idx)`` of
    shape ``(n, k)``; ``idx`` holds row numbers, −1 where fewer than ``k`` neighbours exist.
    Exact duplicates of a row are its neighbours like any other row (only the row itself is dropped).
    """
    x = _as_matrix(vectors)
    n = len(x)
    sims = np.full((n, k), -np.inf, dtype=np.float32)
    idx = np.full((n, k), -1, dtype=np.int64)
    if n <= 1 or k <= 0:
        return sims, idx
    index = VectorIndex.build(x, approximate_above=exact_below, random_state=random_state)
    kk = min(k + 1, n)
    block = 4096
    for start in range(0, n, block):
        s, f = index.search(x[start : start + block], kk)
        for r in range(len(s)):
            row = start + r
            keep = f[r] != row
            fr, sr = f[r][keep][:k], s[r][keep][:k]
            idx[row, : len(fr)] = fr
            sims[row, : len(sr)] = sr
    return sims, idx
