"""What users notice before any result: a closed pipe is not an error, and cached work loads no model."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SVCSIM = shutil.which("svcsim")
pytestmark = pytest.mark.skipif(SVCSIM is None, reason="the svcsim entry point is not installed")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("pipes") / "c.db"
    subprocess.run([SVCSIM, "ingest", str(ROOT / "examples" / "plans"), "--db", str(path)], check=True,
                   capture_output=True)
    return path


@pytest.mark.parametrize("command", [["dupes", "--model", "hash", "--all"], ["plans"]])
def test_a_closed_pipe_exits_0_quietly(db, command):
    line = " ".join([SVCSIM, *command, "--db", str(db)])
    out = subprocess.run(["bash", "-c", f"{line} | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}"],
                         capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "0", out.stderr
    assert "Traceback" not in out.stderr and "BrokenPipe" not in out.stderr


@pytest.mark.slow
def test_the_default_model_is_not_loaded_until_a_text_must_be_embedded():
    code = ("import sys; from svcsim.embed import load_encoder; e = load_encoder(lazy=True); "
            "print(e.dim, e.fingerprint.startswith('st-'), 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["384", "True", "False"]


@pytest.mark.slow
def test_lazy_and_loaded_fingerprints_agree():
    from svcsim.embed import load_encoder

    lazy = load_encoder(lazy=True)
    assert lazy.real().fingerprint == lazy.fingerprint and lazy.loaded


def test_hints_repeat_the_users_db_and_agency_names_match_or_say_why(db):
    run = lambda *a: subprocess.run([SVCSIM, *a, "--db", str(db), "--model", "hash"],  # noqa: E731
                                    capture_output=True, text=True, timeout=120,
                                    env=dict(os.environ, SVCSIM_LANG="zh"))
    out = run("search", "單一窗口")
    assert out.returncode == 2 and f"`svcsim index --db {db}`" in out.stderr
    out = run("search", "單一窗口", "--agency", "勞工局")
    assert out.returncode == 2 and "語料庫中沒有符合 '勞工局' 的機關" in out.stderr
    assert f"`svcsim plans --db {db}`" in out.stderr
