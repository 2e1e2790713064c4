"""A small FAISS wrapper with a JSON manifest, and all-vs-all nearest neighbours.

Why IVF rather than HNSW for the approximate path: IVF's k-means is seeded, so the same vectors give
the same index and the same results run to run; faiss builds HNSW graphs in parallel and their shape
(hence the neighbours found) can vary between runs. IVF also supports incremental ``add`` once trained.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import secrets
import shutil
import time
from pathlib import Path
from typing import Literal

import numpy as np

from svcsim.embedded import unit_rows
from svcsim.errors import IndexDamagedError, IndexMismatchError, InputError
from svcsim.locks import file_lock

FORMAT_VERSION = 2
APPROXIMATE_ABOVE = 50_000
"""Below this many vectors search is exact (IndexFlatIP); above it, IVF-Flat with ``nprobe`` probes."""

IndexKind = Literal["flat", "ivf"]


def _faiss():
    import faiss  # heavy: imported only when an index is used

    return faiss


def _ivf_params(n: int) -> tuple[int, int]:
    """nlist ≈ 4·√n (faiss' rule of thumb), nprobe chosen for ≥ 0.99 recall@10 on our embeddings."""
    nlist = max(16, int(4 * math.sqrt(max(n, 1))))
    nprobe = min(nlist, max(16, nlist // 16))
    return nlist, nprobe


MANIFEST = "manifest.json"
_MANIFEST_FIELDS = {"format_version": int, "kind": str, "model": str, "fingerprint": str, "dim": int,
                    "metric": str, "count": int, "nlist": int, "nprobe": int, "file": str, "bytes": int,
                    "sha256": str, "extra": dict, "faiss_version": str, "numpy_version": str, "created": str,
                    "checksum": str}


def _checksum(fields: dict) -> str:
    body = {k: v for k, v in fields.items() if k != "checksum"}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def _damaged(d: Path, what: str) -> IndexDamagedError:
    return IndexDamagedError(f"{d}: the index is damaged ({what}); run `svcsim index` to rebuild it")


def read_manifest(d: Path) -> dict:
    """The manifest of the index in ``d``, validated field by field and against its own checksum.

    Raises:
        IndexMismatchError: there is no index in ``d``.
        IndexDamagedError: the manifest is unreadable, edited, or from another svcsim format.
    """
    mpath = d / MANIFEST
    try:
        raw = mpath.read_bytes()
    except FileNotFoundError:
        raise IndexMismatchError(f"{d}: no index here ({MANIFEST} missing); run `svcsim index`") from None
    except OSError as exc:
        raise _damaged(d, f"{MANIFEST} unreadable: {exc.strerror or exc}") from exc
    try:
        m = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _damaged(d, f"{MANIFEST} is not valid JSON: {exc}") from exc
    if not isinstance(m, dict):
        raise _damaged(d, f"{MANIFEST} is not a JSON object")
    if m.get("format_version") != FORMAT_VERSION:
        raise _damaged(d, f"index format {m.get('format_version')!r} is not this svcsim's {FORMAT_VERSION}")
    for key, typ in _MANIFEST_FIELDS.items():
        if not isinstance(m.get(key), typ) or (typ is int and isinstance(m.get(key), bool)):
            raise _damaged(d, f"{MANIFEST} field {key!r} is missing or not a {typ.__name__}")
    if m["checksum"] != _checksum(m):
        raise _damaged(d, f"{MANIFEST} was edited or garbled (its checksum does not match)")
    if m["kind"] not in ("flat", "ivf") or m["dim"] < 1 or m["count"] < 0 or "/" in m["file"] or m["file"].startswith("."):
        raise _damaged(d, f"{MANIFEST} holds impossible values")
    return m


class VectorIndex:
    """Inner-product search over L2-normalised float32 vectors with integer ids.

    >>> idx = VectorIndex.build(vectors, ids, model="e5", fingerprint="abc")   # doctest: +SKIP
    >>> scores, found = idx.search(query_vectors, k=5)                         # doctest: +SKIP
    """

    def __init__(self, index, *, kind: IndexKind, model: str, fingerprint: str, dim: int,
                 nlist: int = 0, nprobe: int = 0, extra: dict | None = None) -> None:
        self._index = index
        self.extra: dict = dict(extra or {})  # caller's metadata, kept in the manifest (e.g. the corpus's identity)
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
        x = unit_rows(vectors)
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
        x = unit_rows(vectors)
        if x.shape[1] != self.dim:
            raise IndexMismatchError(
                f"vectors of dimension {x.shape[1]} cannot be added to an index of dimension {self.dim}; "
                "rebuild with `svcsim index --rebuild`"
            )
        if len(x):
            self._index.add_with_ids(x, np.asarray(ids, dtype=np.int64))

    def search(self, queries: np.ndarray, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (scores, ids) per query; missing results have id −1 and score −inf."""
        q = unit_rows(queries, "queries")
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
    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Write the index into ``directory``: ``index-<token>.faiss`` plus ``manifest.json``.

        The vectors go to a file of their own and the manifest, which names that file and holds its
        size and sha256, is renamed over the old one last: a reader sees the old index or the new
        one, and a crash at any point leaves the old one usable. Saves are serialised by a lock file,
        and each removes what earlier killed saves left behind.
        """
        faiss = _faiss()
        target = Path(directory)
        try:
            target.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError) as exc:
            raise IndexMismatchError(f"{target}: cannot hold the index (it, or a folder above it, is a file); "
                                     "move that file away or keep the corpus elsewhere") from exc
        data = faiss.serialize_index(self._index).tobytes()
        token = secrets.token_hex(8)
        name = f"index-{token}.faiss"
        fields = {
            "format_version": FORMAT_VERSION, "kind": self.kind, "model": self.model, "fingerprint": self.fingerprint,
            "dim": self.dim, "metric": "inner_product", "count": self.count, "nlist": self.nlist,
            "nprobe": self.nprobe, "file": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "extra": self.extra, "faiss_version": faiss.__version__, "numpy_version": np.__version__,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        fields["checksum"] = _checksum(fields)
        with file_lock(target / ".lock"):
            _write_durably(target / f".{name}.tmp", data)
            os.replace(target / f".{name}.tmp", target / name)
            _write_durably(target / f".{MANIFEST}.{token}.tmp", json.dumps(fields, ensure_ascii=False, indent=1).encode())
            os.replace(target / f".{MANIFEST}.{token}.tmp", target / MANIFEST)
            _remove_leftovers(target, keep=name)
        return target

    @classmethod
    def load(cls, directory: str | os.PathLike[str], *, fingerprint: str | None = None,
             dim: int | None = None) -> "VectorIndex":
        """Load an index, checking its files are intact and it was built with the expected model.

        Raises:
            IndexMismatchError: no index, or one built with another model (fingerprint, dimension).
            IndexDamagedError: a truncated or changed vectors file, an edited or garbled manifest.
        """
        faiss = _faiss()
        d = Path(directory)
        m, data = read_checked(d, fingerprint=fingerprint, dim=dim)
        try:
            index = faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
        except RuntimeError as exc:
            raise _damaged(d, f"faiss cannot read {m['file']}: {str(exc).splitlines()[-1][:120]}") from exc
        if int(index.ntotal) != m["count"] or int(index.d) != m["dim"]:
            raise _damaged(d, f"{m['file']} holds {index.ntotal} vectors of dimension {index.d}, "
                              f"its manifest says {m['count']} of {m['dim']}")
        if m["kind"] == "ivf":
            if not 1 <= m["nprobe"] <= max(m["nlist"], 1):
                raise _damaged(d, f"nprobe {m['nprobe']} is outside 1..{m['nlist']}")
            index.nprobe = m["nprobe"]
        return cls(index, kind=m["kind"], model=m["model"], fingerprint=m["fingerprint"], dim=m["dim"],
                   nlist=m["nlist"], nprobe=m["nprobe"], extra=m["extra"])


def read_checked(d: Path, *, fingerprint: str | None = None, dim: int | None = None) -> tuple[dict, bytes]:
    """The manifest and the vectors file's bytes of the index in ``d``, checked as :meth:`VectorIndex.load`
    checks them (size, sha256, model), without handing them to faiss.

    Raises:
        IndexMismatchError: no index, or one built with another model (fingerprint, dimension).
        IndexDamagedError: a truncated or changed vectors file, an edited or garbled manifest.
    """
    for attempt in range(5):
        m = read_manifest(d)
        try:
            data = (d / m["file"]).read_bytes()
        except FileNotFoundError:
            data = None
        except OSError as exc:
            raise _damaged(d, f"{m['file']} unreadable: {exc.strerror or exc}") from exc
        ok = data is not None and len(data) == m["bytes"] and hashlib.sha256(data).hexdigest() == m["sha256"]
        if ok:
            break
        if read_manifest(d) == m:  # not a concurrent save replacing the files under us
            what = "missing" if data is None else (
                f"{len(data)} bytes, expected {m['bytes']}" if len(data) != m["bytes"] else "contents changed")
            raise _damaged(d, f"{m['file']} is {what}")
        time.sleep(0.05 * (attempt + 1))
    else:
        raise _damaged(d, "it kept changing while being read; is `svcsim index` running in a loop?")
    if fingerprint is not None and m["fingerprint"] != fingerprint:
        raise IndexMismatchError(
            f"{d}: index was built with model {m['model']!r} (fingerprint {m['fingerprint'][:12]}), "
            f"not the model in use (fingerprint {fingerprint[:12]}); run `svcsim index --rebuild` or pass the same --model"
        )
    if dim is not None and m["dim"] != dim:
        raise IndexMismatchError(f"{d}: index dimension {m['dim']} != model dimension {dim}; run `svcsim index --rebuild`")
    return m, data


def _write_durably(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _remove_leftovers(target: Path, *, keep: str) -> None:
    """Delete older vector files and temporary files of killed saves, in ``target`` and beside it.

    Runs under the save lock, so no other save is using them. Earlier svcsim versions saved
    through hidden ``.NAME.xxxx`` folders beside the index; a killed save left one behind for good.
    """
    for f in target.iterdir():
        if f.name in (keep, MANIFEST, ".lock"):
            continue
        if f.is_file() and (f.suffix in (".faiss", ".tmp") or f.name.startswith(".")):
            with contextlib.suppress(OSError):
                f.unlink()
    for f in target.parent.iterdir():
        if f.name.startswith(f".{target.name}.") and f.is_dir() and not f.is_symlink():
            shutil.rmtree(f, ignore_errors=True)


def neighbours(vectors: np.ndarray, *, k: int = 10, exact_below: int = APPROXIMATE_ABOVE,
               random_state: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """All-vs-all ``k`` nearest neighbours by cosine, self excluded.

    Exact (blocked IndexFlatIP) below ``exact_below`` rows, IVF-Flat above. Returns ``(sims, idx)`` of
    shape ``(n, k)``; ``idx`` holds row numbers, −1 where fewer than ``k`` neighbours exist.
    Exact duplicates of a row are its neighbours like any other row (only the row itself is dropped).
    """
    x = unit_rows(vectors)
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
