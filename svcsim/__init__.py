"""svcsim — find boilerplate, copy-paste and innovation in Taiwanese 提升服務計畫 (service plans).

One import gives the whole path from files to results; every analysis takes an
:class:`EmbeddedCorpus` and returns a typed result with ``to_dict()``/``to_frame()``:

>>> import svcsim
>>> corpus = svcsim.open_corpus(tmp / "demo.db")                  # a SQLite file # doctest: +SKIP
>>> svcsim.ingest_paths(corpus, ["examples/plans"]).counts()      # doctest: +SKIP
>>> embedded = svcsim.embed_corpus(corpus)                        # the bundled e5 model # doctest: +SKIP
>>> dupes = svcsim.dupes.analyse(embedded)                        # doctest: +SKIP

(The README's example runs as a doctest in CI.) Importing this package is cheap: torch,
sentence-transformers, faiss and pandas load only inside the functions that need them.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING

from svcsim.errors import (
    IndexMismatchError,
    InputError,
    ModelError,
    PlanParseError,
    StoreError,
    SvcsimError,
)
from svcsim.model import Entry, Item, Measure, Plan, Point

if TYPE_CHECKING:
    from svcsim.embed import Encoder
    from svcsim.embedded import EmbeddedCorpus
    from svcsim.model import EntryKind
    from svcsim.store import Corpus

__version__ = "0.1.0"

_LAZY = {  # name → module that defines it; loaded on first use
    "EmbeddedCorpus": "svcsim.embedded",
    "Corpus": "svcsim.store",
    "PairScan": "svcsim.dupes",
    "parse_file": "svcsim.ingest",
    "parse_text": "svcsim.ingest",
    "load_plan": "svcsim.ingest",
    "ingest_paths": "svcsim.ingest.into",
    "read_plans": "svcsim.ingest.into",
    "load_encoder": "svcsim.embed",
}
_SUBPACKAGES = ("clusters", "dupes", "embed", "index", "ingest", "report", "store", "suggest", "text")

__all__ = [
    "Corpus", "EmbeddedCorpus", "Entry", "IndexMismatchError", "InputError", "Item", "Measure", "ModelError",
    "PairScan", "Plan", "PlanParseError", "Point", "StoreError", "SvcsimError", "__version__", "embed_corpus",
    "ingest_paths", "load_encoder", "load_plan", "open_corpus", "parse_file", "parse_text", "read_plans",
]


def open_corpus(path: str | os.PathLike[str] | None = None, *, create: bool = True,
                readonly: bool = False) -> "Corpus":
    """Open (or create) a corpus database; ``None`` → ``$SVCSIM_DB`` or ``$SVCSIM_HOME/svcsim.db``."""
    from svcsim.config import db_path
    from svcsim.store import Corpus

    return Corpus.open(db_path(None if path is None else str(path)), create=create and not readonly,
                       readonly=readonly)


def embed_corpus(corpus: "Corpus", model: "str | Encoder | None" = None, kind: "EntryKind | None" = None, *,
                 show_progress: bool = False) -> "EmbeddedCorpus":
    """The corpus' entries with their vectors (cached per model: only new texts are embedded).

    Args:
        corpus: an open corpus (:func:`open_corpus`).
        model: an encoder, a model name or folder, ``"hash"`` for the model-free test encoder, or
            ``None`` for ``$SVCSIM_MODEL`` or the bundled multilingual-e5-small.
        kind: ``"point"``, ``"measure_title"`` or ``None`` for both.
        show_progress: a progress bar while embedding.
    """
    from svcsim.embed import load_encoder
    from svcsim.embed.cache import embed_corpus as _embed

    encoder = model if model is not None and not isinstance(model, str) else load_encoder(model, lazy=True)
    return _embed(corpus, encoder, kind, show_progress=show_progress)


def __getattr__(name: str):  # lazy re-exports and subpackages keep `import svcsim` cheap
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    if name in _SUBPACKAGES:
        return importlib.import_module(f"svcsim.{name}")
    raise AttributeError(f"module 'svcsim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY, *_SUBPACKAGES})
