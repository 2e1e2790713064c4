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
_COMMAND = r"\bsvcsim(?: (?:parse|ingest|plans|show|model|install|info|index|search|dupes|report|innovations|clusters|suggest|check|serve)\b)+"
_ALLOWED = re.compile(r"`[^`]*`|\S*/\S*|--[a-z-]+|\bSVCSIM_[A-Z]+\b|\*\.[a-z]+|\b[A-Za-z]+-[A-Za-z0-9-]+\b|" + _COMMAND)
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


# ---------------------------------------------------------------------------------------------------
# Every command of the README's table, as a Chinese-locale user types it (issue #14, "Done when").

README = ROOT / "README.md"


def _readme_commands() -> set[str]:
    table = [line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("| `svcsim ")]
    return {m.group(1) for line in table for m in re.finditer(r"`svcsim ([a-z]+(?: install| info)?)", line)}


def _json_lines(text: str) -> list:
    import json

    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _human(out, *, stdout_is_json: bool = False) -> str:
    """The human text of a run (stderr, and stdout unless it is JSON lines), checked for English."""
    if stdout_is_json:
        _json_lines(out.stdout)
    text = out.stderr + ("" if stdout_is_json else out.stdout)
    assert english_sentences(text) == [], text
    return text


@pytest.fixture(scope="module")
def indexed(env):
    home, plans, e = env
    more = home / "more"  # other agencies, so that suggest and check have someone to compare with
    more.mkdir(exist_ok=True)
    for f in sorted(EXAMPLES.glob("*.txt"))[2:]:
        shutil.copy(f, more / f.name)
    run(env, "ingest", str(plans), str(more))
    run(env, "index")
    return env


def test_every_readme_command_speaks_chinese(indexed, tmp_path):
    home, plans, _ = indexed
    plan_file = sorted(plans.glob("*.txt"))[0]
    done: set[str] = set()

    def cmd(*args, name: str, json_out=False, code=0):
        out = run(indexed, *args, code=code)
        done.add(name)
        return _human(out, stdout_is_json=json_out)

    assert "高雄市" in cmd("parse", str(plan_file), name="parse")
    cmd("parse", str(plan_file), "--json", json_out=True, name="parse")
    assert "未變更" in cmd("ingest", str(plans), name="ingest")
    assert "民國" in cmd("plans", name="plans")
    assert "民國" in cmd("show", "1", name="show")
    cmd("model", "info", name="model info")
    assert "預設模型已就緒" in cmd("model", "install", name="model install")
    assert "則相異文字" in cmd("index", name="index")
    cmd("search", "單一窗口", "--k", "3", name="search")
    cmd("search", "單一窗口", "--json", json_out=True, name="search")
    text = cmd("dupes", "--min-class", "paraphrase", name="dupes")
    assert "點執行重點" in text and re.search("完全相同|小幅修改|改寫", text), text
    cmd("dupes", "--json", json_out=True, name="dupes")
    report = tmp_path / "r.html"
    assert "報告：" in cmd("report", "--out", str(report), name="report")
    assert report_text_is_chinese(report.read_text(encoding="utf-8"))
    assert "創新措施" in cmd("innovations", "--top", "3", name="innovations")
    cmd("innovations", "--top", "3", "--json", json_out=True, name="innovations")
    assert "主題群集" in cmd("clusters", "--map", str(tmp_path / "m.png"), name="clusters")
    cmd("suggest", "設置單一窗口，民眾於同一櫃檯即可完成申辦", name="suggest")
    cmd("suggest", "--measure", "三(一)", name="suggest")
    text = cmd("check", str(plan_file), name="check")
    assert "標準措施" in text and "標準依據：民國" in text, text
    # a user's mistakes are Chinese too: an unknown agency, an unknown plan
    assert "沒有符合" in cmd("search", "設置單一窗口", "--agency", "不存在的機關", code=2, name="search")
    assert "找不到符合的計畫" in cmd("show", "999", code=2, name="show")
    done.add("serve")  # test_serve_speaks_chinese below
    assert done >= _readme_commands(), _readme_commands() - done


def test_usage_mistakes_are_chinese(env):
    for args in (["check"], ["dupes", "--min-clas", "x"], ["dupes", "--min-class", "x"], ["nosuch"],
                 ["plans", "extra"], ["innovations", "--top", "0"]):
        out = run(env, *args, code=2)
        assert "錯誤：" in out.stderr and "用法：" in out.stderr, out.stderr
        assert english_sentences(out.stderr) == [], out.stderr
    home = env[0]
    for model, words in ((str(home / "沒有這個模型"), "找不到這個模型資料夾"), ("hash-3", "不是模型")):
        out = run(env, "model", "info", "--model", model, code=2)
        assert words in out.stderr and english_sentences(out.stderr) == [], out.stderr
    en = run(env, "dupes", "--bogus", code=2, extra={"SVCSIM_LANG": "en"}).stderr
    assert "Error: No such option '--bogus'." in en and "Usage:" in en


def test_every_command_help_is_chinese(env):
    for name in sorted(_readme_commands()):
        out = run(env, *name.split(), "--help")
        assert "用法：" in out.stdout and "選項" in out.stdout, out.stdout
        assert english_sentences(out.stdout) == [], out.stdout


def report_text_is_chinese(page: str) -> bool:
    import lxml.html

    doc = lxml.html.document_fromstring(page)
    for node in list(doc.iter("script", "style")):
        node.drop_tree()
    shown = doc.text_content() + " ".join(v for el in doc.iter() for v in (el.get("title"), el.get("alt")) if v)
    assert english_sentences(shown) == [], english_sentences(shown)[:10]
    return "提升服務計畫" in shown


def test_check_prints_copied_points_and_reference_years(indexed):
    home, plans, _ = indexed
    out = run(indexed, "check", str(sorted(plans.glob("*.txt"))[0]))
    assert re.search(r"標準依據：民國 \d+ 年（\d{4}）", out.stderr), out.stderr
    head = re.search(r"抄用他機關的執行重點（(\d+) 則）", out.stdout)
    assert head and int(head.group(1)) >= 1, out.stdout
    block = out.stdout[head.end():]
    assert "來源：" in block and "抄用的文字：「" in block and "民國" in block, block
    en = run(indexed, "--lang", "en", "check", str(sorted(plans.glob("*.txt"))[0]))
    assert "points copying another agency's" in en.stdout and "copied text: 「" in en.stdout
    assert "standard set by the plans of ROC" in en.stderr, en.stderr


def test_serve_speaks_chinese(indexed):
    import socket
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([SVCSIM, "serve", "--port", str(port)], env=indexed[2], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stderr.read()
            try:
                httpx.get(url + "/api/measures", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "svcsim serve did not answer within 60 s"
                time.sleep(0.1)
        assert "撰寫助手" in httpx.get(url + "/").text
        strings = httpx.get(url + "/api/strings").json()
        assert strings["lang"] == "zh" and english_sentences(" ".join(strings["strings"].values())) == []
        r = httpx.post(url + "/api/suggest", json={"draft": "設置單一窗口，民眾於同一櫃檯即可完成申辦"})
        assert r.status_code == 200 and r.json()["suggestions"], r.text
        warning = r.json().get("warning")
        assert warning is None or english_sentences(warning["message"]) == [], warning
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    err = proc.stderr.read()
    assert "網頁已啟動" in err and english_sentences(err) == [], err


def test_english_still_works_for_every_command(indexed, tmp_path):
    home, plans, _ = indexed
    en = {"extra": {"SVCSIM_LANG": "en"}}
    assert "clusters:" in run(indexed, "clusters", **en).stderr
    assert "innovations: top" in run(indexed, "innovations", **en).stderr
    assert "report:" in run(indexed, "report", "--out", str(tmp_path / "r.html"), **en).stderr
    assert "Usage:" in run(indexed, "dupes", "--help", **en).stdout
    assert "Weakest class to list" in run(indexed, "dupes", "--help", **en).stdout
    bad = run(indexed, "search", "x", "--agency", "不存在的機關", code=2, **en).stderr
    assert bad.startswith("svcsim: error: ") and "no agency in the corpus matches" in bad
