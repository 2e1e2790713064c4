"""An encoder that knows its name, size and fingerprint from the model's files and loads torch only
when it must embed more than a few texts.

Most commands embed nothing new (every vector is cached): with a lazy encoder they never import
torch or sentence-transformers, so ``svcsim index`` with nothing new, ``dupes`` and ``report`` on a
cached corpus, and ``search`` without an index answer in well under a second instead of ~7 s.
A query (``search``, ``suggest``, the web page) or a few titles are embedded by the numpy encoder
of the same model (:mod:`svcsim.embed.numpy_bert`), which shares its fingerprint.
The fingerprint is computed exactly as :class:`~svcsim.embed.st.SentenceTransformerEncoder`
computes it; the first real load checks that the two agree.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from svcsim.embed.base import PromptKind
from svcsim.errors import ModelError

LIGHT_MAX_TEXTS = 64
"""Up to this many texts (while torch is not loaded) are embedded by the numpy encoder: loading torch
and the model costs ~8 s, about what numpy needs for this many texts on two cores."""

_LIGHT_ATTRIBUTES = frozenset({"max_tokens", "prompts", "prompt", "windows"})
"""What the numpy encoder answers exactly as the loaded model would (same files, same tokenizer)."""

_SIMPLE = {"sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling",
           "sentence_transformers.models.Normalize", "sentence_transformers.models.Dense"}
_POOLING_MODES = ("pooling_mode_cls_token", "pooling_mode_mean_tokens", "pooling_mode_max_tokens",
                  "pooling_mode_mean_sqrt_len_tokens", "pooling_mode_weightedmean_tokens",
                  "pooling_mode_lasttoken")


def describe(folder: Path) -> tuple[int, dict[str, str]] | None:
    """``(dim, prompts)`` read from a sentence-transformers folder, or ``None`` when its layout is not
    one this reads with certainty (then the model is loaded to find out)."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        if not modules or any(m.get("type") not in _SIMPLE for m in modules):
            return None
        dim = None
        for m in modules:
            cfg_path = folder / m.get("path", "") / "config.json"
            if m["type"].endswith(".Pooling"):
                cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
                dim = int(cfg["word_embedding_dimension"]) * sum(bool(cfg.get(k)) for k in _POOLING_MODES)
            elif m["type"].endswith(".Dense"):
                dim = int(json.loads(cfg_path.read_text(encoding="utf-8"))["out_features"])
        st_cfg = folder / "config_sentence_transformers.json"
        prompts = json.loads(st_cfg.read_text(encoding="utf-8")).get("prompts") or {} if st_cfg.is_file() else {}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not dim:
        return None
    return dim, {str(k): str(v) for k, v in prompts.items() if v}


class LazyEncoder:
    """An :class:`~svcsim.embed.base.Encoder` whose model loads on the first :meth:`encode`.

    Attributes known without loading: ``name``, ``dim``, ``fingerprint``, ``path``. Anything else
    (``max_tokens``, ``prompt()`` …) loads the model.
    """

    def __init__(self, *, name: str, path: Path, dim: int, fingerprint: str, load: Callable[[], Any],
                 light: Callable[[], Any] | None = None, light_max_texts: int = LIGHT_MAX_TEXTS) -> None:
        self.name = name
        self.path = path
        self.dim = dim
        self.fingerprint = fingerprint
        self._load = load
        self._real: Any = None
        self._light_factory = light
        self._light: Any = None
        self.light_max_texts = light_max_texts

    @property
    def loaded(self) -> bool:
        return self._real is not None

    def real(self) -> Any:
        """The loaded encoder (loads it now if needed)."""
        if self._real is None:
            real = self._load()
            if real.fingerprint != self.fingerprint or real.dim != self.dim:
                raise ModelError.from_key("embed.model_changed", path=self.path, before=self.fingerprint,
                                          after=real.fingerprint)
            self._real = real
        return self._real

    def light(self) -> Any:
        """The torch-free encoder of the same model (:mod:`svcsim.embed.numpy_bert`), or ``None`` when
        the model's layout has none; built on first use."""
        if self._light is None and self._light_factory is not None:
            self._light = self._light_factory() or False
            if self._light and (self._light.fingerprint != self.fingerprint or self._light.dim != self.dim):
                self._light = False
        return self._light or None

    def encode(self, texts: Sequence[str], *, kind: PromptKind = "passage", batch_size: int = 32,
               show_progress: bool = False) -> np.ndarray:
        """Embed with the loaded model, or, while it is not loaded, a few texts with the numpy encoder."""
        if self._real is None and len(texts) <= self.light_max_texts and not isinstance(texts, str):
            light = self.light()
            if light is not None:
                return light.encode(texts, kind=kind, batch_size=batch_size, show_progress=show_progress)
        return self.real().encode(texts, kind=kind, batch_size=batch_size, show_progress=show_progress)

    def __getattr__(self, name: str) -> Any:  # only reached for attributes not set above
        if name.startswith("_"):
            raise AttributeError(name)
        if self._real is None and name in _LIGHT_ATTRIBUTES and (light := self.light()) is not None:
            return getattr(light, name)
        return getattr(self.real(), name)

    def __repr__(self) -> str:
        return f"LazyEncoder(name={self.name!r}, dim={self.dim}, loaded={self.loaded})"
