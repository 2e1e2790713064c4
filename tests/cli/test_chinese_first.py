"""A Chinese-locale user reads Chinese: the converted commands run through the installed ``svcsim``
entry point with ``LANG=zh_TW.UTF-8`` and no ``SVCSIM_LANG``, and no English sentence reaches them;
``--lang en`` and ``SVCSIM_LANG=en`` still give English.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "plans"
SVCSIM = shutil.which("svcsim")
pytestmark = pytest.mark.skipif(SVCSIM is None, reason="the svcsim entry point is not installed (pip install -e .)")

# what may stay ASCII in a Chinese message: paths, `commands`, --options, env vars, JSON-ish names
_ALLOWED = re.compile(r"`[^`]*`|\S*/\S*|--[a-z-]+|\bSVCSIM_[A-Z]+\b|\*\.[a-z]+|\b[A-Za-z]+-[A-Za-z0-9-]+\b")
_SENTENCE = re.compile(r"[A-Za-z]+(?:[ ,;:'()]+[A-Za-z]+){2,}")


def english_sentences(text: str) -> list[str]:
    """Runs of three or more ASCII words left once paths, commands, flags and names are taken out."""
    return _SENTENCE.findall(_ALLOWED.sub(" ", text))


def test_the_detector_finds_english_and_spares_names():
    assert english_sentences("svcsim: error: no corpus database here") == ["svcsim: error: no corpus database here"]
    assert english_sentences("已建立語料庫 /tmp/a b/c.db；以 `svcsim ingest 檔案 --db x` 建立，模型 intfloat/e5") == []


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    home = tmp_path_factory.mktemp("zh")
    plans = home / "plans"
    plans.mkdir()
    for f in sorted(EXAMPLES.glob("*.txt"))[:2]:
        shutil.copy(f, plans / f.name)
    e = {k: v for k, v in os.environ.items() if k not in ("SVCSIM_LANG", "LC_ALL", "LC_MESSAGES")}
    e.update(LANG="zh_TW.UTF-8", SVCSIM_MODEL="hash", SVCSIM_DB=str(home / "c.db"), SVCSIM_HOME=str(home / "h"))
    return home, plans, e


def run(env, *args, code=0, extra=None):
    e = dict(env[2], **(extra or {}))
    out = subprocess.run([SVCSIM, *args], capture_output=True, text=True, env=e, timeout=600)
    assert out.returncode == code, f"svcsim {' '.join(args)} → {out.returncode}\n{out.stderr}"
    return out


def _chinese_only(out) -> str:
    text = out.stdout + out.stderr
    assert re.search(r"[\u4e00-\u9fff]", text), text
    assert english_sentences(text) == [], text
    return text


def test_help_is_chinese_and_names_lang(env):
    text = _chinese_only_help(run(env, "--help"))
    assert "--lang [zh|en]" in text and "指令" in text


def _chinese_only_help(out) -> str:
    # click's own lines (Usage:, --version/--help "Show ... and exit.") are not ours: checked without them
    ours = "\n".join(line for line in out.stdout.splitlines()
                     if not line.startswith("Usage:") and "Show " not in line)
    assert english_sentences(ours) == [], ours
    return out.stdout


def test_errors_before_any_corpus_are_chinese(env):
    home, _, _ = env
    for args in (["plans"], ["dupes"], ["search", "窗口"], ["ingest", str(home / "沒有這個資料夾")]):
        text = _chinese_only(run(env, *args, code=2))
        assert text.startswith("svcsim：錯誤：") and len(text.strip().splitlines()) == 1, text


def test_ingest_plans_index_are_chinese(env):
    home, plans, _ = env
    text = _chinese_only(run(env, "ingest", str(plans)))
    assert "已建立語料庫" in text and "新增 2 份" in text and " 點" in text
    listed = _chinese_only(run(env, "plans"))
    rows = listed.strip().splitlines()
    assert len(rows) == 2 and all(re.search(r"民國 \d+ 年（\d{4}）", r) and " 點 " in r for r in rows), listed
    again = _chinese_only(run(env, "ingest", str(plans)))
    assert "未變更 2 份" in again
    indexed = _chinese_only(run(env, "index"))
    assert "則相異文字" in indexed and "點執行重點" in indexed and "具體措施標題" in indexed
    found = run(env, "dupes")
    assert english_sentences(found.stderr) == [] and "點執行重點" in found.stderr, found.stderr


def test_english_on_request(env):
    home, plans, _ = env
    for how in ({"args": ["--lang", "en"]}, {"extra": {"SVCSIM_LANG": "en"}}):
        out = run(env, *how.get("args", []), "ingest", str(plans), extra=how.get("extra"))
        assert "plans: 0 added, 0 replaced, 2 unchanged" in out.stderr, out.stderr
        err = run(env, *how.get("args", []), "ingest", str(home / "nope"), code=2, extra=how.get("extra"))
        assert err.stderr.startswith("svcsim: error: ") and "no such file or folder" in err.stderr
        helped = run(env, *how.get("args", []), "--help", extra=how.get("extra")).stdout
        assert "Commands:" in helped and "Parse plan files or folders into the corpus database." in helped
    # the locale alone picks English too
    assert "plans: 0 added" in run(env, "ingest", str(plans), extra={"LANG": "en_US.UTF-8"}).stderr
