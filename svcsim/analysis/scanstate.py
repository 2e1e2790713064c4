"""A :class:`~svcsim.dupes.pairset.PairSet` as columns of numpy arrays and one text blob.

The stored form is what :mod:`svcsim.analysis.delta` needs to update a scan without redoing it:
the scan itself (units, copy blocks, weak pairs, copy groups, hidden-character counts), the entry
id of every row (rows move when plans are added, ids do not), and per kind the nearest short texts
of each short text (the synonym search's neighbour lists, :mod:`svcsim.dupes.synonyms` route 2).

Every part is an ``np.save`` array read with ``allow_pickle=False`` or UTF-8 JSON; no pickle.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from svcsim.analysis import codec
from svcsim.dupes.classify import LABELS

if TYPE_CHECKING:
    from svcsim.dupes.pairset import PairSet
    from svcsim.dupes.scan import PairScan
    from svcsim.embedded import EmbeddedCorpus


def text_crc(entries) -> np.ndarray:
    return np.fromiter((zlib.crc32(e.text.encode("utf-8")) for e in entries), dtype=np.uint32, count=len(entries))


def rep_hashes(x: np.ndarray, units: list[list[int]]) -> np.ndarray:
    """An 8-byte hash of each unit's representative vector (its first row's)."""
    return np.fromiter((int.from_bytes(hashlib.blake2b(x[rs[0]].tobytes(), digest_size=8).digest(), "little")
                        for rs in units), dtype=np.uint64, count=len(units))


@dataclass
class Neighbours:
    """The ``k`` nearest short texts of each short text of one kind, as unit keys and cosines."""

    keys: list[str]  # the short texts, each a unit key
    idx: np.ndarray  # (n, k) positions into ``keys``, -1 for none
    sims: np.ndarray  # (n, k) float32 cosines, best first


@dataclass
class ScanState:
    """What one scan stored: the pair set's arrays, row ids and the synonym neighbour lists."""

    ids: np.ndarray  # entry id per row
    keys: list[str]
    units: list[list[int]]
    unit_of: np.ndarray
    cross: tuple[np.ndarray, np.ndarray, np.ndarray]
    synonym: np.ndarray  # bool per cross pair: found by the synonym search
    weak: list[tuple]
    group: np.ndarray
    template: np.ndarray
    hidden: np.ndarray
    crc: np.ndarray  # crc32 of each row's text: an id the database reused for another text is not the same row
    kinds: list[tuple[str, int, int]]  # (kind, first unit, units) in scan order
    rep_hash: np.ndarray  # per unit, a hash of its representative (first row's) vector
    neighbours: dict[str, Neighbours] = field(default_factory=dict)

    @classmethod
    def of(cls, found: "PairSet", ids: np.ndarray, kinds: list[tuple[str, int, int]],
           neighbours: dict[str, Neighbours]) -> "ScanState":
        syn = found.synonym_mask()
        return cls(ids, found.keys, found.units, found.unit_of, (found.cross_u, found.cross_v, found.cross_lexical),
                   syn, found.weak, found.groups.group, found.groups.template, found.hidden,
                   text_crc(found.entries), kinds, rep_hashes(found.vectors, found.units), neighbours)

    def pair_set(self, embedded: "EmbeddedCorpus", scan: "PairScan") -> "PairSet":
        from svcsim.dupes.boilerplate import CopyGroups
        from svcsim.dupes.pairset import PairCodes, PairSet

        cu, cv, _ = self.cross
        blocks = PairCodes(cu[self.synonym], cv[self.synonym])  # sorted codes, no 10⁶ tuples
        return PairSet(list(embedded.entries), embedded.rows(), self.units, self.keys, self.unit_of, self.cross,
                       self.weak, CopyGroups(self.group, self.template), scan.thresholds, self.hidden,
                       synonym_blocks=blocks)

    # -- encoding -----------------------------------------------------------------------------
    def parts(self) -> dict[str, bytes]:
        flat, off = codec.ragged(self.units)
        w = self.weak
        wflat, woff = codec.ragged([[v for s in spans for v in s] for *_, spans in w])
        out = {
            "ids.npy": self.ids, "units_flat.npy": flat, "units_off.npy": off, "unit_of.npy": self.unit_of,
            "cross_u.npy": self.cross[0], "cross_v.npy": self.cross[1], **_lexical_part(self.cross[2]),
            "synonym.npy": self.synonym, "group.npy": self.group, "template.npy": self.template,
            "hidden.npy": self.hidden, "crc.npy": self.crc, "rep_hash.npy": self.rep_hash,
            "weak_a.npy": np.array([x[0] for x in w], np.int64), "weak_b.npy": np.array([x[1] for x in w], np.int64),
            "weak_label.npy": np.array([LABELS.index(x[2]) for x in w], np.int8),
            "weak_lexical.npy": np.array([x[3] for x in w], np.float64),
            "weak_semantic.npy": np.array([x[4] for x in w], np.float64),
            "weak_spans_flat.npy": wflat, "weak_spans_off.npy": woff,
        }
        out = {k: codec.npy(v) for k, v in out.items()}
        out.update(codec.texts("keys", self.keys))
        out["kinds.json"] = codec.js([list(k) for k in self.kinds])
        for kind, nb in self.neighbours.items():
            out.update(codec.texts(f"nb_{kind}_keys", nb.keys))
            out[f"nb_{kind}_idx.npy"] = codec.npy(nb.idx)
            out[f"nb_{kind}_sims.npy"] = codec.npy(nb.sims)
        return out

    @classmethod
    def from_parts(cls, parts: dict[str, bytes], *, neighbours: bool = True) -> "ScanState":
        a = {k: codec.from_npy(v) for k, v in parts.items() if k.endswith(".npy") and not k.startswith("nb_")}
        spans = codec.unragged(a["weak_spans_flat.npy"], a["weak_spans_off.npy"])
        weak = [(ra, rb, LABELS[lab], lex, sem, tuple(tuple(s[i:i + 4]) for i in range(0, len(s), 4)))
                for ra, rb, lab, lex, sem, s in zip(a["weak_a.npy"].tolist(), a["weak_b.npy"].tolist(),
                                                    a["weak_label.npy"].tolist(), a["weak_lexical.npy"].tolist(),
                                                    a["weak_semantic.npy"].tolist(), spans)]
        nbs: dict[str, Neighbours] = {}
        if neighbours:
            for name in parts:
                if name.startswith("nb_") and name.endswith("_idx.npy"):
                    kind = name[3:-8]
                    nbs[kind] = Neighbours(codec.from_texts(parts, f"nb_{kind}_keys"), codec.from_npy(parts[name]),
                                           codec.from_npy(parts[f"nb_{kind}_sims.npy"]))
        return cls(a["ids.npy"], codec.from_texts(parts, "keys"), codec.unragged(a["units_flat.npy"], a["units_off.npy"]),
                   a["unit_of.npy"], (a["cross_u.npy"], a["cross_v.npy"], _lexical_of(a)), a["synonym.npy"],
                   weak, a["group.npy"], a["template.npy"], a["hidden.npy"], a["crc.npy"],
                   [tuple(k) for k in codec.from_js(parts["kinds.json"])], a["rep_hash.npy"], nbs)


# Every copy pair's lexical coverage is rounded to 4 decimals (np.round(x, 4) is rint(x · 10⁴) / 10⁴), so
# it is kept as that integer: 2 bytes a pair instead of 8 (5·10⁶ pairs at 100k points: 10 MB, not 40,
# written on every refresh and read by every command), decoded to the very same float64 values.
_E4 = 10_000.0


def _lexical_part(lexical: np.ndarray) -> dict[str, np.ndarray]:
    lexical = np.asarray(lexical, dtype=np.float64)
    if len(lexical) and (lexical.min() < 0 or lexical.max() > 6.5):
        return {"cross_lexical.npy": lexical}
    e4 = np.rint(lexical * _E4).astype(np.uint16)
    if not np.array_equal(e4 / _E4, lexical):  # not all 4-decimal values: keep them as they are
        return {"cross_lexical.npy": lexical}
    return {"cross_lexical_e4.npy": e4}


def _lexical_of(a: dict[str, np.ndarray]) -> np.ndarray:
    return a["cross_lexical_e4.npy"] / _E4 if "cross_lexical_e4.npy" in a else a["cross_lexical.npy"]
