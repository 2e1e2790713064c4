"""Chinese text utilities: normalisation for matching (with offsets) and segmentation.

Importing this package is cheap: jieba and OpenCC load on the first call to
:func:`tokenize` / :func:`words`, never at import.
"""

from __future__ import annotations

from svcsim.text.normalize import NormText, fold_width, match_key, normalize_for_match

__all__ = [
    "NormText",
    "fold_width",
    "match_key",
    "normalize_for_match",
    "Token",
    "tokenize",
    "words",
    "STOPWORDS",
]


def __getattr__(name: str):  # lazy: segment pulls nothing heavy at import, but keeps this file tiny
    if name in ("Token", "tokenize", "words", "STOPWORDS"):
        from svcsim.text import segment

        return getattr(segment, name)
    raise AttributeError(f"module 'svcsim.text' has no attribute {name!r}")
