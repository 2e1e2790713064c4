"""The pages a Chinese-locale user opens speak Chinese: ``svcsim serve`` as typed (the entry point, a
real socket, ``LANG=zh_TW.UTF-8``), driven in Chromium through the drafting page's three tabs and
every view of the reviewer's workspace; the visible text and the tooltips hold no English sentence.
With ``--lang en`` the same pages are English.

Screenshots go to ``$SVCSIM_SCREENSHOT_DIR`` (default ``tests/web/screenshots/``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from test_browser import ARGS, CHROMIUM, _free_port

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
from test_chinese_first import english_sentences  # noqa: E402

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SVCSIM = shutil.which("svcsim")
SHOTS = Path(os.environ.get("SVCSIM_SCREENSHOT_DIR", Path(__file__).parent / "screenshots"))
DRAFT = "設置單一窗口受理商業登記等業務，民眾於同一櫃檯即可完成申辦。"


@pytest.fixture(scope="module")
def corpus_env(tmp_path_factory):
    if SVCSIM is None:
        pytest.skip("the svcsim entry point is not installed (pip install -e .)")
    home = tmp_path_factory.mktemp("pages")
    env = {k: v for k, v in os.environ.items() if k not in ("SVCSIM_LANG", "LC_ALL", "LC_MESSAGES")}
    env.update(LANG="zh_TW.UTF-8", SVCSIM_MODEL="hash", SVCSIM_DB=str(home / "c.db"), SVCSIM_HOME=str(home / "h"))
    subprocess.run([SVCSIM, "ingest", str(ROOT / "examples" / "plans")], env=env, check=True, capture_output=True)
    return env


def _serve(env, *lang: str):
    port = _free_port()
    proc = subprocess.Popen([SVCSIM, *lang, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            pytest.fail(f"svcsim serve exited with {proc.returncode}:\n{proc.stderr.read()}")
        try:
            httpx.get(url + "/api/measures", timeout=1)
            return proc, url
        except httpx.TransportError:
            if time.monotonic() > deadline:
                proc.kill()
                pytest.fail("svcsim serve did not answer within 60 s")
            time.sleep(0.1)


def _stop(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _shown(page) -> str:
    """What the user reads: the visible text, the title bar and every tooltip and placeholder."""
    return page.evaluate("""() => [document.title, document.body.innerText,
        ...[...document.querySelectorAll('[title]')].map((n) => n.title),
        ...[...document.querySelectorAll('[placeholder]')].map((n) => n.placeholder),
        ...[...document.querySelectorAll('optgroup')].map((n) => n.label)].join('\\n')""")


def _visit_every_view(page, url: str, tag: str) -> dict[str, str]:
    """Drive the drafting page and the workspace as a user would; the text of each view by name."""
    seen: dict[str, str] = {}
    page.goto(url + "/")
    page.wait_for_selector("body[data-ready=true]", timeout=60_000)
    page.fill("#draft", DRAFT)
    page.locator("#suggestions li").first.wait_for(timeout=30_000)
    page.locator("#warning:not([hidden])").wait_for(timeout=30_000)
    seen["write"] = _shown(page)
    page.screenshot(path=str(SHOTS / f"{tag}_write.png"), full_page=True)
    for tab, box in (("#tab-dupes", "#dupes .card"), ("#tab-clusters", "#clusters .card")):
        page.click(tab)
        page.locator(box).first.wait_for(timeout=60_000)
        seen[tab] = _shown(page)
    page.screenshot(path=str(SHOTS / f"{tag}_clusters.png"))
    first = httpx.get(url + "/api/plans").json()["plans"][0]
    plan_id, agency = first["id"], first["agency"]
    for view, ready in (("plans", "#plans tbody tr"), (f"plan/{plan_id}", "#plan-table li"),
                        ("overlap", "#overlap td"), (f"years/{quote(agency)}", "#years li"),
                        ("innovation", "#innovations li")):
        page.goto(f"{url}/review#{view}")
        page.locator(ready).first.wait_for(timeout=60_000)
        if view.startswith("plan/"):
            page.locator("#plan-table li").first.click()
            page.wait_for_selector("#sources h3", timeout=30_000)
        if view == "innovation":
            page.locator("#themes .drill").first.click()
            page.locator("#themes ul li").first.wait_for(timeout=30_000)
        seen[view] = _shown(page)
        page.screenshot(path=str(SHOTS / f"{tag}_review_{view.split('/')[0]}.png"), full_page=True)
    return seen


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _page(browser, locale: str):
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale).new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return page


def test_every_page_is_chinese_for_a_chinese_locale(corpus_env, browser):
    proc, url = _serve(corpus_env)
    try:
        page = _page(browser, "zh-TW")
        seen = _visit_every_view(page, url, "zh")
        assert not page.errors, page.errors
    finally:
        _stop(proc)
    for view, text in seen.items():
        assert english_sentences(text) == [], (view, english_sentences(text))
    assert "其他機關的寫法" in seen["write"] and "完全相同" in seen["write"]
    plan = next(text for view, text in seen.items() if view.startswith("plan/"))
    assert "原創比例" in seen["plans"] and "民國" in plan


def test_lang_en_gives_english_pages(corpus_env, browser):
    proc, url = _serve(corpus_env, "--lang", "en")
    try:
        page = _page(browser, "en-US")
        seen = _visit_every_view(page, url, "en")
        assert not page.errors, page.errors
    finally:
        _stop(proc)
    plan = next(text for view, text in seen.items() if view.startswith("plan/"))
    assert "How other agencies wrote it" in seen["write"] and "copy" in seen["write"]
    assert "Originality" in seen["plans"] and "ROC" in plan
