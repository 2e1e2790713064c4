"""End to end: a real uvicorn server and Debian's chromium driven by Playwright.

Skipped when playwright or chromium is missing. Marked slow (a browser start takes seconds).
The screenshot is written to ``$SVCSIM_SCREENSHOT_DIR`` (default: pytest's tmp dir) so a person
can check that the Chinese renders.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from fixture_plans import SPECIFIC, WINDOW

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(app):
    uvicorn = pytest.importorskip("uvicorn")
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start within 30 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(server):
    sync_api = pytest.importorskip("playwright.sync_api")
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ctx = browser.new_context(viewport={"width": 1100, "height": 900}, locale="zh-TW")
        pg = ctx.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
        pg.goto(server + "/")
        pg.wait_for_selector("body[data-ready=true]", timeout=15_000)
        pg.errors = errors
        yield pg
        browser.close()


def expect(locator):
    from playwright.sync_api import expect as _expect

    return _expect(locator)


def _type_and_wait(page, text: str, *, keystrokes: bool = False) -> list[str]:
    if keystrokes:  # real key events: exercises the debounce and the dropping of stale answers
        page.fill("#draft", "")
        page.type("#draft", text, delay=5)
    else:
        page.fill("#draft", text)
    # Locator waits, not wait_for_function: the page's CSP forbids the eval that one needs.
    expect(page.locator("#status")).to_contain_text("則建議", timeout=15_000)
    page.locator("#suggestions li").first.wait_for(timeout=15_000)
    return page.locator("#suggestions li .text").all_text_contents()


def test_typing_shows_suggestions_from_other_agencies(page):
    page.select_option("#agency", "高雄市政府甲局")
    texts = _type_and_wait(page, "民眾線上預約臨櫃時段", keystrokes=True)
    assert texts[0] == SPECIFIC["乙處"]
    metas = page.locator("#suggestions li .where").all_text_contents()
    assert all("甲局" not in m for m in metas)
    assert page.locator("#warning").is_hidden()


def test_measure_picker_and_insert_button(page):
    # Empty the list first: the previous test's five suggestions would otherwise satisfy the count
    # below before the measure's own answer arrives, and the click would land on a stale card.
    page.fill("#draft", "")
    expect(page.locator("#suggestions li")).to_have_count(0, timeout=15_000)
    page.select_option("#measure", "一(二)")
    expect(page.locator("#status")).to_contain_text("則建議", timeout=15_000)
    expect(page.locator("#suggestions li")).to_have_count(5, timeout=15_000)
    first = page.locator("#suggestions li .text").first.text_content()
    with page.expect_response("**/api/suggest", timeout=15_000):  # inserting asks for new suggestions
        page.locator("#suggestions li .insert").first.click()
    assert page.input_value("#draft") == first
    expect(page.locator("#status")).to_contain_text("則建議", timeout=15_000)
    # 插入 puts the text at the cursor: with the cursor at the start, the draft keeps what it had after it
    page.focus("#draft")
    page.keyboard.press("Control+Home")
    card = page.locator("#suggestions li").first
    second = card.locator(".text").text_content()
    card.locator(".insert").click()
    assert page.input_value("#draft") == second + first
    page.select_option("#measure", "")


def test_copied_draft_shows_warning_with_highlighted_spans(page):
    draft = WINDOW.format(self="本署")
    _type_and_wait(page, draft)
    page.wait_for_selector("#warning:not([hidden])", timeout=15_000)
    headline = page.locator("#warning .headline").text_content()
    assert "小幅修改" in headline and "5 個機關" in headline
    marked = "".join(page.locator("#warning .draft-copy mark").all_text_contents())
    assert "設置單一服務窗口" in marked and "本署" not in marked
    # the collapsed boilerplate shows one card with its agency count
    badges = page.locator("#suggestions li .badge").all_text_contents()
    assert "5 個機關使用" in badges


def test_plan_markup_is_shown_as_text(page):
    texts = _type_and_wait(page, "網站公告申辦須知與表單下載")
    assert SPECIFIC["戊局"] in texts  # the <script> is visible text...
    assert page.locator("#suggestions script").count() == 0  # ...never an element
    assert not [e for e in page.errors if "x" in e]


def test_tabs_and_screenshot(page, tmp_path):
    _type_and_wait(page, WINDOW.format(self="本署"))
    out = Path(os.environ.get("SVCSIM_SCREENSHOT_DIR", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / "suggest.png"), full_page=True)
    assert (out / "suggest.png").stat().st_size > 10_000
    page.click("#tab-dupes")
    page.wait_for_selector("#dupes .card", timeout=60_000)
    assert "單一服務窗口" in page.locator("#dupes").text_content()
    page.click("#tab-clusters")
    expect(page.locator("#clusters")).not_to_contain_text("分析中", timeout=60_000)
    assert page.locator("#clusters .status.error").count() == 0
    page.screenshot(path=str(out / "dupes_clusters.png"), full_page=True)
    page.click("#tab-write")
    assert not page.errors
