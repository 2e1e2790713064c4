"""A reviewer drives the workspace in real Chromium: list, sort, open a plan, click a copied point.

Screenshots go to ``$SVCSIM_SCREENSHOT_DIR`` (default ``tests/web/screenshots/``, gitignored) so a
person can look at them.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from test_browser import ARGS, CHROMIUM, _free_port, expect

pytestmark = pytest.mark.slow

HOSTILE = "<img src=x onerror=alert(1)>"
SHOTS = Path(os.environ.get("SVCSIM_SCREENSHOT_DIR", Path(__file__).parent / "screenshots"))


@pytest.fixture(scope="module")
def review_server(review_app):
    uvicorn = pytest.importorskip("uvicorn")
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(review_app, host="127.0.0.1", port=port, log_level="warning"))
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
def rpage(review_server):
    sync_api = pytest.importorskip("playwright.sync_api")
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-TW").new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
        pg.goto(review_server + "/review#plans")
        pg.wait_for_selector("body[data-ready=true]", timeout=60_000)
        pg.errors = errors
        yield pg
        browser.close()


def _originality(page) -> list[float]:
    return [float(t.rstrip("%")) for t in page.locator("#plans tbody td.originality").all_text_contents()]


def test_list_sorts_by_originality(rpage):
    page = rpage
    expect(page.locator("#plans tbody tr")).to_have_count(8)
    assert page.locator("#plans tbody .stack span").count() >= 8
    page.click("#plans th[data-key=originality]")
    first = _originality(page)
    page.click("#plans th[data-key=originality]")
    second = _originality(page)
    # the list opens sorted by originality, so the clicks flip between the two orders
    assert first != second and sorted(first) in (first, second) and sorted(first, reverse=True) in (first, second)
    page.screenshot(path=str(SHOTS / "review_plans.png"), full_page=True)


def test_open_plan_and_see_sources_of_a_copied_point(rpage):
    page = rpage
    page.locator("#plans tbody tr a").first.click()
    copied = page.locator("#plan-table li.status-copied")
    copied.first.wait_for(timeout=15_000)
    copied.first.click()
    page.wait_for_selector("#sources .pair", timeout=15_000)
    marks = page.locator("#sources .pair .mine mark").all_text_contents()
    theirs = page.locator("#sources .pair .theirs mark").all_text_contents()
    assert marks and theirs and all(len(m) >= 1 for m in marks)
    mine = copied.first.locator(".text").text_content()
    assert all(m in mine for m in marks)
    copied.first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "review_plan_sources.png"))


def test_hostile_text_shows_as_text(rpage):
    page = rpage
    page.goto(page.url.split("#")[0] + "#plans")
    page.click("#plans th[data-key=file]")
    page.locator("#plans tbody tr a", has_text="範例局_114").click()
    point = page.locator("#plan-table li", has_text="onerror")
    point.first.wait_for(timeout=15_000)
    assert HOSTILE in point.first.text_content()
    assert page.locator("#plan-table img").count() == 0
    assert not page.errors


def test_overlap_years_and_innovation_tabs(rpage):
    page = rpage
    page.click("#nav a[href='#overlap']")
    expect(page.locator("#overlap td").first).to_be_visible(timeout=15_000)
    assert "%" in page.locator("#overlap").text_content()
    page.screenshot(path=str(SHOTS / "review_overlap.png"), full_page=True)
    page.click("#nav a[href='#years']")
    page.locator("#agency-pick").select_option(index=1)
    page.locator("#years li").first.wait_for(timeout=15_000)
    assert page.locator("#years li.change-edited ins, #years li.change-edited del").count() > 0
    page.screenshot(path=str(SHOTS / "review_years.png"), full_page=True)
    page.click("#nav a[href='#innovation']")
    page.locator("#innovations li").first.wait_for(timeout=15_000)
    page.locator("#themes .drill").first.click()
    page.locator("#themes ul li").first.wait_for(timeout=15_000)
    page.screenshot(path=str(SHOTS / "review_innovation.png"), full_page=True)
    assert not page.errors
