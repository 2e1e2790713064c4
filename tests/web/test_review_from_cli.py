"""A reviewer after the README: ``svcsim ingest`` + ``svcsim index`` + ``svcsim serve``, then the workspace.

Everything a user types runs through the installed entry point (subprocesses) on the bundled
examples with the bundled model; Chromium opens ``/review``, the reviewer opens the plan with the
most copied points, clicks a copied point and sees its sources with the copied spans marked. The
originality shown for every plan must equal the library's own figure for the same corpus
(``svcsim.dupes.analyse``), so the page and the library cannot drift apart. Screenshots go to
``$SVCSIM_SCREENSHOT_DIR`` (default ``tests/web/screenshots/``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from test_browser import ARGS, CHROMIUM, _free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SVCSIM = shutil.which("svcsim")
SHOTS = Path(os.environ.get("SVCSIM_SCREENSHOT_DIR", Path(__file__).parent / "screenshots"))


def _svcsim(*args: str, env: dict) -> subprocess.CompletedProcess:
    out = subprocess.run([SVCSIM, *args], capture_output=True, text=True, env=env, timeout=1200)
    assert out.returncode == 0, f"svcsim {' '.join(args)} → {out.returncode}\n{out.stderr}"
    return out


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    if SVCSIM is None:
        pytest.skip("the svcsim entry point is not installed (pip install -e .)")
    db = tmp_path_factory.mktemp("review_cli") / "svcsim.db"
    env = dict(os.environ, SVCSIM_DB=str(db))
    _svcsim("ingest", str(ROOT / "examples" / "plans"), str(ROOT / "examples" / "native"), env=env)
    _svcsim("index", env=env)
    port = _free_port()
    proc = subprocess.Popen([SVCSIM, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(base + "/review", timeout=5).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"svcsim serve did not start: {proc.stderr.read()[-2000:]}")
            time.sleep(0.5)
    yield base, db
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def library_originality(served):
    import svcsim
    from svcsim.dupes import analyse

    _, db = served
    with svcsim.open_corpus(db, readonly=True) as corpus:
        points = svcsim.embed_corpus(corpus, kind="point")
    return {o.file: o for o in analyse(points, min_label="near_copy").originality}


def test_reviewer_opens_a_plan_and_sees_its_copy_map_and_sources(served, library_originality):
    sync_api = pytest.importorskip("playwright.sync_api")
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    base, _ = served
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-TW").new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + "/review#plans")
        page.wait_for_selector("body[data-ready=true]", timeout=300_000)
        page.locator("#plans tbody tr").first.wait_for(timeout=300_000)

        # the list: one row per plan, the originality each row shows is the library's
        rows = page.locator("#plans tbody tr")
        assert rows.count() == len(library_originality)
        shown = {}
        for i in range(rows.count()):
            row = rows.nth(i)
            shown[row.locator("a").text_content()] = row.locator("td.originality").text_content()
        assert shown == {f: f"{o.originality * 100:.1f}%" for f, o in library_originality.items()}
        page.screenshot(path=str(SHOTS / "review_cli_plans.png"), full_page=True)

        # the plan with the most points copied from other agencies, and one of those points' sources
        most = max(library_originality.values(), key=lambda o: (o.n_copied, o.file))
        assert most.n_copied > 0, "the bundled examples plant copies between agencies"
        page.locator("#plans tbody tr a", has_text=most.file).click()
        copied = page.locator("#plan-table li.status-copied")
        copied.first.wait_for(timeout=60_000)
        assert copied.count() == most.n_copied
        copied.first.click()
        page.wait_for_selector("#sources .pair", timeout=60_000)
        mine = copied.first.locator(".text").text_content()
        marks = page.locator("#sources .pair .mine mark").all_text_contents()
        assert marks and all(m and m in mine for m in marks)
        assert page.locator("#sources .pair .theirs mark").count() > 0
        page.screenshot(path=str(SHOTS / "review_cli_sources.png"), full_page=True)
        browser.close()
    assert not errors


def test_page_cli_and_report_rank_the_same_innovations(served, tmp_path):
    """The innovation ranking and the themes are one result, whichever door a user comes through: the
    page's lists, ``svcsim innovations`` and the report's tables. (The page and the CLI once scored
    the points alone, the report against the measure titles too, so every score differed; and the
    report's themes had their outliers assigned to clusters, so their sizes differed from the page's.)"""
    import html
    import json
    import re

    base, db = served
    env = dict(os.environ, SVCSIM_DB=str(db))
    page = json.loads(urllib.request.urlopen(base + "/api/innovations", timeout=120).read())["innovations"][:10]
    cli = [json.loads(line) for line in _svcsim("innovations", "--json", "--top", "10", env=env).stdout.splitlines()]
    assert [(d["id"], d["score"]) for d in page] == [(d["id"], d["score"]) for d in cli] and len(cli) == 10
    assert any(d["beyond_template"] != 0.5 for d in cli), "the measure titles were not compared"
    _svcsim("report", "--out", str(tmp_path / "r.html"), env=env)
    text = (tmp_path / "r.html").read_text(encoding="utf-8")
    section = text[text.index("<section id='innovations'>"):]
    scores = [float(s) for s in re.findall(r"<td class='n'>\d+</td><td class='n'>([0-9.]+)</td>", section)[:10]]
    assert len(scores) == 10 and all(abs(a - d["score"]) < 0.0011 for a, d in zip(scores, cli))
    assert all(html.escape(d["text"], quote=True) in section or d["text"] in section for d in cli)
    # and the same themes: the report's cluster table is the page's theme list (ids and sizes)
    themes = json.loads(urllib.request.urlopen(base + "/api/themes", timeout=120).read())["themes"]
    table = text[text.index("<section id='clusters-table'>"):text.index("<section id='innovations'>")]
    rows = [(int(i), int(n)) for i, n in re.findall(r"<tr><td>(-?\d+)</td><td>[^<]*</td><td class='n'>(\d+)</td>", table)]
    assert rows and rows == [(d["id"], d["size"]) for d in themes if d["id"] != -1][:len(rows)]
