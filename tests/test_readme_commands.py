"""Every command of the README runs through the installed ``svcsim`` entry point, as a user types it.

Each row of the README's command table has a case here (a row without one fails the suite), run as a
subprocess on a small corpus of the bundled examples with the model-free ``hash`` encoder; the Quick
start runs as written, with the bundled model (slow). ``serve`` starts the real server and is asked
for its page and for suggestions.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "plans"
SVCSIM = shutil.which("svcsim")
pytestmark = pytest.mark.skipif(SVCSIM is None, reason="the svcsim entry point is not installed (pip install -e .)")


def _table_commands() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Commands", 1)[1].split("\n\n", 2)[1]
    return {m for row in table.splitlines() for m in re.findall(r"`svcsim ([a-z]+(?: install| info)?)", row)}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    home = tmp_path_factory.mktemp("readme")
    plans = home / "plans"
    plans.mkdir()
    for f in sorted(EXAMPLES.glob("*.txt"))[:4]:
        shutil.copy(f, plans / f.name)
    e = dict(os.environ, SVCSIM_MODEL="hash", SVCSIM_DB=str(home / "c.db"))
    return home, plans, e


def run(env, *args, code=0, stdin=None, extra=None):
    e = dict(env[2], **(extra or {}))
    out = subprocess.run([SVCSIM, *args], capture_output=True, text=True, env=e, timeout=600, input=stdin)
    assert out.returncode == code, f"svcsim {' '.join(args)} → {out.returncode}\n{out.stderr}"
    return out


def _ingested(env):
    home, plans, _ = env
    if not (home / "c.db").exists():
        run(env, "ingest", str(plans))
        run(env, "index")


def _case_parse(env):
    f = sorted(EXAMPLES.glob("*.txt"))[0]
    assert "1." in run(env, "parse", str(f)).stdout or "、" in run(env, "parse", str(f)).stdout
    assert json.loads(run(env, "parse", str(f), "--json").stdout)["items"]


def _case_ingest(env):
    home, plans, _ = env
    out = run(env, "ingest", str(plans))
    # the summary (last line) starts with plans added, replaced, unchanged, in either language
    added, replaced, unchanged = (int(n) for n in re.findall(r"\d+", out.stderr.strip().splitlines()[-1].split("text")[0])[:3])
    assert added + replaced + unchanged == 4 and replaced == 0, out.stderr


def _case_plans(env):
    assert len(run(env, "plans").stdout.strip().splitlines()) == 4


def _case_show(env):
    first = json.loads(run(env, "plans", "--json").stdout.splitlines()[0])
    assert first["agency"] in run(env, "show", str(first["id"])).stdout


def _case_model_install(env):
    pytest.skip("converts the bundled model (a minute): exercised by tests/embed and the Quick start test")


def _case_model_info(env):
    out = run(env, "model", "info")
    assert "hash" in out.stdout + out.stderr


def _case_index(env):
    out = run(env, "index", extra={"SVCSIM_LANG": "en"})
    assert "distinct texts" in out.stderr
    assert "新增 0 則" in run(env, "index", extra={"SVCSIM_LANG": "zh"}).stderr  # nothing new the second time


def _case_search(env):
    assert run(env, "search", "線上申辦", "--k", "3").stdout.count("\n") == 3


def _case_dupes(env):
    rows = [json.loads(line) for line in run(env, "dupes", "--json", "--all").stdout.splitlines()]
    assert rows and {"a", "b", "label", "spans"} <= set(rows[0])


def _case_report(env):
    home, _, _ = env
    out = home / "report.html"
    run(env, "report", "--out", str(out))
    assert "計畫原創性總覽" in out.read_text(encoding="utf-8") and out.stat().st_mode & 0o044


def _case_innovations(env):
    assert run(env, "innovations", "--top", "3").stdout.startswith("  1. ")


def _case_clusters(env):
    home, _, _ = env
    out = run(env, "clusters", "--map", str(home / "map.png"))
    assert out.stdout.startswith("#0 ") and (home / "map.png").stat().st_size > 1000


def _case_suggest(env):
    out = run(env, "suggest", "民眾線上預約臨櫃服務", "--k", "3", "--json")
    assert json.loads(out.stdout.splitlines()[0])


def _case_check(env):
    f = sorted(EXAMPLES.glob("*.txt"))[0]
    out = run(env, "check", str(f))
    assert out.stdout.strip()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _case_serve(env):
    _, _, e = env
    port = _free_port()
    proc = subprocess.Popen([SVCSIM, "serve", "--port", str(port)], env=e, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                page = urllib.request.urlopen(base + "/", timeout=5).read().decode("utf-8")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"svcsim serve did not start: {proc.stderr.read() if proc.stderr else ''}") from None
                time.sleep(0.3)
        assert "<html" in page and "提升服務" in page
        req = urllib.request.Request(base + "/api/suggest", data=json.dumps({"draft": "民眾線上預約臨櫃服務", "k": 3})
                                     .encode("utf-8"), headers={"Content-Type": "application/json"})
        answer = json.loads(urllib.request.urlopen(req, timeout=30).read())
        assert answer["suggestions"]
    finally:
        proc.terminate()
        proc.wait(timeout=20)


CASES = {name.replace("_case_", "").replace("_", " "): fn for name, fn in globals().items() if name.startswith("_case_")}


def test_every_readme_command_has_a_case():
    assert _table_commands() == set(CASES)


@pytest.mark.parametrize("command", sorted(CASES))
def test_readme_command_runs(env, command):
    if command not in ("parse", "ingest", "model install", "model info"):
        _ingested(env)
    CASES[command](env)
