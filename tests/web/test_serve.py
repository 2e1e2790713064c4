"""``svcsim serve`` as a user types it: the installed entry point in a subprocess, a real socket.

Issue 14: the command crashed on start (``create_app() got an unexpected keyword argument 'corpus'``)
while every other web test built the app in-process, so nothing noticed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

import httpx
import pytest

from fixture_plans import SPECIFIC, build_corpus
from svcsim.embed import HashEncoder

SVCSIM = shutil.which("svcsim")
pytestmark = pytest.mark.skipif(SVCSIM is None, reason="the svcsim entry point is not installed (pip install -e .)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    home = tmp_path_factory.mktemp("serve_home")
    build_corpus(home / "corpus.db", HashEncoder()).close()
    env = {**os.environ, "SVCSIM_HOME": str(home), "SVCSIM_DB": str(home / "corpus.db"), "SVCSIM_MODEL": "hash"}
    port = _free_port()
    proc = subprocess.Popen([SVCSIM, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"svcsim serve exited with {proc.returncode}:\n{proc.stderr.read()}")
            try:
                httpx.get(url + "/api/measures", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    pytest.fail("svcsim serve did not answer within 30 s")
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_serve_answers_the_page_and_suggestions(served):
    page = httpx.get(served + "/")
    assert page.status_code == 200 and "撰寫助手" in page.text
    draft = {"draft": "民眾線上預約臨櫃時段", "agency": "高雄市政府甲局"}
    r = httpx.post(served + "/api/suggest", json=draft)
    assert r.status_code == 200, r.text
    assert r.json()["suggestions"][0]["text"] == SPECIFIC["乙處"]


def test_serve_refuses_a_rebinding_host_and_a_form_post(served):
    assert httpx.get(served + "/api/dupes", headers={"Host": "evil.example"}).status_code == 421
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert httpx.post(served + "/api/suggest", content="draft=x", headers=form).status_code == 415
    r = httpx.post(served + "/api/suggest", content=b'{"draft": "\\ud800"}', headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and "surrogate" in r.json()["error"]
