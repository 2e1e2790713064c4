"""Arrays as bytes for the corpus database: ``np.save`` format, never pickled, read back without a copy.

The stored analyses (:mod:`svcsim.analysis`) and the kept suggestion tables (:mod:`svcsim.suggest`)
both keep numpy arrays in SQLite blobs; this is the one codec they share.

>>> import numpy as np
>>> from_npy(npy(np.arange(3, dtype=np.int32))).tolist()
[0, 1, 2]
"""

from __future__ import annotations

import io

import numpy as np

__all__ = ["from_npy", "npy"]


def npy(a: np.ndarray) -> bytes:
    """``a`` as ``np.save`` bytes (C order, ``allow_pickle=False``)."""
    buf = io.BytesIO()
    np.save(buf, np.ascontiguousarray(a), allow_pickle=False)
    return buf.getvalue()


def from_npy(data: bytes) -> np.ndarray:
    """The array :func:`npy` wrote, as a read-only view of ``data`` (no copy: a stored 100k-point scan
    is ~100 MB of arrays, read by every command that lists pairs).

    Raises:
        ValueError: ``data`` is not ``np.save`` bytes, or holds Python objects (never unpickled).
    """
    from numpy.lib import format as npy_format

    buf = io.BytesIO(data)
    version = npy_format.read_magic(buf)
    read_header = npy_format.read_array_header_1_0 if version == (1, 0) else npy_format.read_array_header_2_0
    shape, fortran, dtype = read_header(buf)
    if dtype.hasobject:
        raise ValueError("stored array holds Python objects; refusing to unpickle")
    count = int(np.prod(shape, dtype=np.int64))
    a = np.frombuffer(data, dtype=dtype, count=count, offset=buf.tell())
    return a.reshape(shape, order="F" if fortran else "C")
