"""The README's way of opening the notebooks works with what the dev extras install.

``jupyter notebook notebooks/`` is started as a user would (a subprocess, no browser), and the
server must list the three notebooks, serve each one's page and offer the ``python3`` kernel the
notebooks name. This is the finding "the notebooks cannot be opened with anything the README
installs" (issue #14).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
TOKEN = "svcsim-test-token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, r.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if shutil.which("jupyter") is None:
        pytest.fail("`jupyter` is not on PATH: the README's `pip install -e \".[dev]\"` installs it (notebook)")
    port = _free_port()
    home = tmp_path_factory.mktemp("jupyter")
    env = {"HOME": str(home), "JUPYTER_RUNTIME_DIR": str(home / "rt"), "PATH": __import__("os").environ["PATH"]}
    proc = subprocess.Popen(
        ["jupyter", "notebook", "--no-browser", f"--port={port}", "--ip=127.0.0.1", "--allow-root",
         f"--IdentityProvider.token={TOKEN}", str(ROOT / "notebooks")],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            _get(f"{base}/api/status")
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"jupyter notebook did not start: {proc.stderr.read()[-2000:]}")
            time.sleep(0.3)
    yield base
    proc.terminate()
    proc.wait(timeout=20)


def test_the_notebook_server_lists_and_opens_every_notebook(server):
    assert len(NOTEBOOKS) >= 3
    _, body = _get(f"{server}/api/contents")
    listed = {item["name"] for item in json.loads(body)["content"]}
    assert set(NOTEBOOKS) <= listed
    for name in NOTEBOOKS:
        status, page = _get(f"{server}/notebooks/{name}")
        assert status == 200 and b"<html" in page.lower()
        _, body = _get(f"{server}/api/contents/{name}")
        model = json.loads(body)
        assert model["type"] == "notebook" and model["content"]["cells"]


def test_the_kernel_the_notebooks_name_is_offered(server):
    _, body = _get(f"{server}/api/kernelspecs")
    offered = set(json.loads(body)["kernelspecs"])
    for name in NOTEBOOKS:
        nb = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
        assert nb["metadata"]["kernelspec"]["name"] in offered
