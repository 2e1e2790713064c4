"""Shared fixtures. ``shared_dir`` is ../shared beside the project; tests that need it skip without it."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "seeds").is_dir() or not (SHARED / "gold").is_dir():
        pytest.skip("../shared (seeds and gold) is not beside the project")
    return SHARED


@pytest.fixture(scope="session")
def _models_cache(tmp_path_factory) -> Path:
    """A models folder for this test session: a copy of the user's converted default model when it
    is there and verified (else empty: the first test that needs it converts it here, once).

    A copy, not a link: some tests damage or fake the model files on purpose, and no test may ever
    write into the user's real folder.
    """
    import shutil

    from svcsim.config import models_dir

    cache = tmp_path_factory.mktemp("models")
    real = models_dir() / "multilingual-e5-small"
    if (real / ".svcsim_verified.json").is_file():
        shutil.copytree(real, cache / real.name)
    return cache


@pytest.fixture(autouse=True)
def svcsim_home(tmp_path_factory, monkeypatch, _models_cache) -> Path:
    """Every test runs with a private ``SVCSIM_HOME`` (corpus, index, jieba cache), never the user's.

    ``SVCSIM_DB`` and ``SVCSIM_MODEL`` from the environment are cleared so a developer's settings
    cannot change a result. ``models/`` links to the session's copy of the default model (converting
    it takes a minute); a test that fakes or damages model files sets its own ``SVCSIM_HOME``.
    Subprocesses inherit the environment, so ``svcsim`` run by a test stays inside it too.
    """
    home = tmp_path_factory.mktemp("home")
    (home / "models").symlink_to(_models_cache, target_is_directory=True)
    monkeypatch.setenv("SVCSIM_HOME", str(home))
    monkeypatch.delenv("SVCSIM_DB", raising=False)
    monkeypatch.delenv("SVCSIM_MODEL", raising=False)
    return home
