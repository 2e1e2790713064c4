"""Compact, pickle-free forms of a :class:`~svcsim.dupes.pairset.PairSet`'s scan state.

Arrays are ``np.save`` bytes read back with ``allow_pickle=False``; the small, irregular parts
(weak pairs with their spans, unit keys) are JSON. Floats go through ``float()``/``repr`` so a
stored value reads back bit-identical.
"""

from __future__ import annotations

import json

import numpy as np

from svcsim.store.arrays import from_npy, npy  # the one array codec, shared with svcsim.suggest

__all__ = ["from_npy", "from_js", "from_texts", "js", "npy", "ragged", "texts", "unragged"]


def js(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def from_js(data: bytes) -> object:
    return json.loads(data.decode("utf-8"))


def ragged(lists: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """``lists`` as (flat values, offsets) int64 arrays."""
    sizes = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    flat = np.fromiter((v for x in lists for v in x), dtype=np.int64, count=int(offsets[-1]))
    return flat, offsets


def unragged(flat: np.ndarray, offsets: np.ndarray) -> list[list[int]]:
    values = flat.tolist()
    bounds = offsets.tolist()
    return [values[bounds[i]:bounds[i + 1]] for i in range(len(bounds) - 1)]


def texts(name: str, values: list[str]) -> dict[str, bytes]:
    """``values`` as one UTF-8 blob plus character offsets: decoding 10⁵ strings is one slice each."""
    joined = "".join(values)
    sizes = np.fromiter((len(v) for v in values), dtype=np.int64, count=len(values))
    return {f"{name}.txt": joined.encode("utf-8"), f"{name}_off.npy": npy(np.concatenate([[0], np.cumsum(sizes)]))}


def from_texts(parts: dict[str, bytes], name: str) -> list[str]:
    joined = parts[f"{name}.txt"].decode("utf-8")
    bounds = from_npy(parts[f"{name}_off.npy"]).tolist()
    return [joined[bounds[i]:bounds[i + 1]] for i in range(len(bounds) - 1)]
