"""Word segmentation of Traditional Chinese with offsets into the original text.

jieba's default dictionary is Simplified; fed Traditional text it guesses and produces splits
such as 業務標/準作業. OpenCC's ``t2s`` maps characters one to one, so we segment the Simplified
twin of the text and cut the *original* Traditional text at the same offsets. The tokenizer is a
private ``jieba.Tokenizer`` (the global one belongs to the user), built once, lazily and under a
lock, with the public-service dictionary ``data/domain_dict.txt`` added, and its cache file kept
under ``svcsim.config.home()/cache`` (never the current directory).

>>> [t.word for t in tokenize("建立業務標準作業流程")]             # doctest: +SKIP
['建立', '業務', '標準作業流程']
>>> words("本局持續辦理民眾滿意度調查及首長信箱")                   # doctest: +SKIP
['滿意度調查', '首長信箱']
"""

from __future__ import annotations

import logging
import tempfile
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from svcsim.errors import InputError
from svcsim.text.normalize import fold_width, match_key

__all__ = ["Token", "tokenize", "words", "STOPWORDS"]  # noqa: F822 - STOPWORDS is a lazy module attribute

_CACHE_NAME = "svcsim-jieba.cache"


@dataclass(frozen=True)
class Token:
    """One segmented word. ``word == text[start:end]`` of the text that was tokenised."""

    word: str
    start: int
    end: int


class _Segmenter:
    """The converter and the private tokenizer, built together once."""

    def __init__(self) -> None:
        import jieba
        import opencc

        self._t2s = opencc.OpenCC("t2s")
        tok = jieba.Tokenizer()
        tok.tmp_dir = str(_cache_dir())
        tok.cache_file = _CACHE_NAME
        with _quiet(logging.getLogger("jieba")):
            tok.initialize()
        for word, freq, tag in _domain_entries():
            tok.add_word(self.to_simplified(word), freq, tag)
        self.tokenizer = tok

    def to_simplified(self, text: str) -> str:
        """Simplified twin of ``text`` with exactly the same length.

        Whole-text conversion is preferred (OpenCC picks characters by phrase context); if it ever
        changes the length, convert character by character and keep any character whose
        conversion is not a single character, so offsets stay valid.
        """
        s = self._t2s.convert(text)
        if len(s) == len(text):
            return s
        out = []
        for ch in text:
            c = self._t2s.convert(ch)
            out.append(c if len(c) == 1 else ch)
        return "".join(out)


_lock = threading.Lock()
_segmenter_instance: _Segmenter | None = None


def _segmenter() -> _Segmenter:
    global _segmenter_instance
    seg = _segmenter_instance
    if seg is None:
        with _lock:
            if _segmenter_instance is None:
                _segmenter_instance = _Segmenter()
            seg = _segmenter_instance
    return seg


def _cache_dir() -> Path:
    from svcsim.config import home

    d = home() / "cache"
    try:
        d.mkdir(parents=True, exist_ok=True)
        return d
    except OSError:
        # a read-only home must not make segmentation fail; jieba only needs somewhere to write
        return Path(tempfile.gettempdir())


class _quiet:
    """Drop jieba's "Building prefix dict…" chatter from this thread only, for one block.

    jieba attaches its own stderr handler at import; changing its level or handlers would change
    the user's logging, so a filter scoped to the calling thread is added and then removed.
    """

    def __init__(self, logger: logging.Logger) -> None:
        self.logger = logger
        self.thread = threading.get_ident()

    def filter(self, record: logging.LogRecord) -> bool:
        return record.thread != self.thread

    def __enter__(self) -> None:
        self.logger.addFilter(self)

    def __exit__(self, *exc: Any) -> None:
        self.logger.removeFilter(self)


def _data_lines(name: str) -> list[str]:
    text = resources.files("svcsim.text").joinpath("data", name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def _domain_entries() -> list[tuple[str, int, str | None]]:
    out = []
    for ln in _data_lines("domain_dict.txt"):
        parts = ln.split()
        word = parts[0]
        freq = int(parts[1]) if len(parts) > 1 else None
        tag = parts[2] if len(parts) > 2 else None
        out.append((word, freq, tag))
    return out


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(w for ln in _data_lines("stopwords.txt") for w in ln.split())


@lru_cache(maxsize=1)
def _stop_keys() -> frozenset[str]:
    # compare normalised forms too, so 臺/台 or full-width variants of a stop word are caught
    return frozenset(match_key(w) for w in _stopwords())


def __getattr__(name: str) -> Any:  # STOPWORDS reads package data on first use, not at import
    if name == "STOPWORDS":
        return _stopwords()
    raise AttributeError(f"module 'svcsim.text.segment' has no attribute {name!r}")


def token_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of :func:`tokenize`'s tokens: ``[(start, end), …]`` into ``text``, whitespace left out.

    What :class:`~svcsim.text.segcache.SpanCache` keeps per text.

    Raises:
        InputError: when ``text`` is not a str.
    """
    if not isinstance(text, str):
        raise InputError("tokenize", f"expected str, got {type(text).__name__}")
    if not text:
        return []
    seg = _segmenter()
    # both conversions keep length, so jieba's offsets are offsets into `text`; width folding
    # lets jieba see ＱＲ as one Latin run instead of two unknown symbols
    twin = fold_width(seg.to_simplified(text))
    return [(start, end) for _, start, end in seg.tokenizer.tokenize(twin, mode="default", HMM=True)
            if not text[start:end].isspace()]


def tokenize(text: str) -> list[Token]:
    """Segment ``text`` into words, with offsets into ``text`` itself.

    Whitespace is not returned; punctuation tokens are (use :func:`words` for content words).

    Args:
        text: Traditional (or any) Chinese text, possibly mixed with Latin, digits, full-width.

    Returns:
        Tokens in order, each with ``text[t.start:t.end] == t.word``.

    Raises:
        InputError: when ``text`` is not a str.

    >>> [t.word for t in tokenize("提供ＱＲ code 線上申辦")]          # doctest: +SKIP
    ['提供', 'ＱＲ', 'code', '線上申辦']
    """
    return [Token(text[start:end], start, end) for start, end in token_spans(text)]


def is_stopword(word: str) -> bool:
    """True when ``word`` (or its normalised form) is in :data:`STOPWORDS`."""
    return _is_stopword(word)


@lru_cache(maxsize=1 << 16)  # a corpus' vocabulary: each word is normalised once, not once per use
def _is_stopword(word: str) -> bool:
    return word in _stopwords() or match_key(word) in _stop_keys()


def words(text: str, *, drop_stopwords: bool = True, min_len: int = 1) -> list[str]:
    """Content words of ``text``, in order, as written in the original text.

    Punctuation and whitespace are dropped; with ``drop_stopwords`` so are function words and
    domain-generic words (辦理, 提供, 民眾, 本局…, see ``data/stopwords.txt``).

    Args:
        text: the text to segment.
        drop_stopwords: drop words in :data:`STOPWORDS`.
        min_len: drop words shorter than this many characters.

    >>> words("本局持續辦理民眾滿意度調查", min_len=2)               # doctest: +SKIP
    ['滿意度調查']
    """
    if isinstance(min_len, bool) or not isinstance(min_len, int) or min_len < 1:
        raise InputError("words", f"min_len must be a positive int, got {min_len!r}")
    return words_at(text, token_spans(text), drop_stopwords=drop_stopwords, min_len=min_len)


def words_at(text: str, spans: list[tuple[int, int]], *, drop_stopwords: bool = True, min_len: int = 1) -> list[str]:
    """:func:`words` of ``text`` from its token offsets (:func:`token_spans`, e.g. kept by a
    :class:`~svcsim.text.segcache.SpanCache`) instead of segmenting it again."""
    out = []
    for start, end in spans:
        w = text[start:end]
        if len(w) < min_len or not any(c.isalnum() for c in w):
            continue
        if drop_stopwords and is_stopword(w):
            continue
        out.append(w)
    return out
