import re
import shutil

import pytest

from svcsim.errors import InputError
from svcsim.report import ReportSection, build_report, highlight, png_data_uri, write_report


def test_plan_text_is_escaped_everywhere(result):
    page = build_report(result)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "戊所&lt;b&gt;" in page and "戊所<b>" not in page  # agency names too


def test_copied_spans_are_marked_and_template_pairs_set_apart(result):
    page = build_report(result)
    assert page.count("<mark>") >= 2 * len([p for p in result.pairs if not p.template])
    own, template = page.split("<details class='template'>")
    assert "每年檢討" in own  # the planted cross-agency copy is in the main table
    assert "依據市府提升服務實施計畫" in template and "依據市府提升服務實施計畫" not in own.split("id='pairs'")[1]


def test_self_contained(result):
    page = build_report(result, extra_sections=[ReportSection("map", "主題地圖", f"<img src='{png_data_uri(b'x')}'>")])
    assert not re.search(r"(src|href)=['\"](?!data:|#)", page)
    assert "<link" not in page and "http" not in page.split("<body>")[1]
    assert page.index("id='map'") > page.index("id='pairs'")


def test_duplicate_section_ids_are_rejected(result):
    with pytest.raises(InputError, match="overview"):
        build_report(result, extra_sections=[ReportSection("overview", "x", "")])


def test_highlight_merges_overlaps_and_escapes():
    assert highlight("a<b>cdef", [(0, 3), (2, 5)]) == "<mark>a&lt;b</mark><mark>&gt;c</mark>def"


def test_write_is_atomic_and_checks_folder(tmp_path):
    out = write_report(tmp_path / "r.html", "<html>一</html>")
    assert out.read_text("utf-8") == "<html>一</html>"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]  # no temp file left
    with pytest.raises(InputError, match="does not exist"):
        write_report(tmp_path / "missing" / "r.html", "x")


def test_cli_writes_the_report(tmp_path, monkeypatch, report_plans):
    from click.testing import CliRunner

    from svcsim.cli.main import cli
    from svcsim.store import Corpus

    db = tmp_path / "c.db"
    with Corpus.open(db, create=True) as c:
        for p in report_plans:
            c.add_plan(p)
    out = tmp_path / "report.html"
    r = CliRunner().invoke(cli, ["report", "--out", str(out), "--db", str(db), "--model", "hash"])
    assert r.exit_code == 0, r.output
    page = out.read_text("utf-8")
    assert "<mark>" in page and "&lt;script&gt;" in page and "<script>" not in page


def test_a_stored_report_loads_neither_scikit_learn_nor_numba(tmp_path, report_plans):
    # the map's PCA is numpy's and a report's 2,000 pairs are aligned in Python: importing
    # scikit-learn (~1 s) and loading the compiled aligner (~0.4 s) were a fifth of a 100k report
    import os
    import subprocess
    import sys

    from click.testing import CliRunner

    from svcsim.cli.main import cli
    from svcsim.store import Corpus

    db = tmp_path / "c.db"
    with Corpus.open(db, create=True) as c:
        for p in report_plans:
            c.add_plan(p)
    args = ["report", "--out", str(tmp_path / "r.html"), "--db", str(db), "--model", "hash"]
    assert CliRunner().invoke(cli, args).exit_code == 0  # computes and keeps the analysis
    code = ("import sys\nfrom click.testing import CliRunner\nfrom svcsim.cli.main import cli\n"
            f"r = CliRunner().invoke(cli, {args!r})\nassert r.exit_code == 0, r.output\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'numba'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "SVCSIM_HOME": str(tmp_path)}).stdout
    assert out.strip() == "[]"


@pytest.mark.slow
def test_report_in_headless_chromium(result, tmp_path):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    sync_api = pytest.importorskip("playwright.sync_api")
    path = write_report(tmp_path / "report.html", build_report(result))
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1280, "height": 1600})
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(path.as_uri())
        marks = page.locator("table.pairs mark")
        assert marks.count() >= 2 and marks.first.is_visible()
        assert page.get_by_text("<script>alert(1)</script>", exact=False).count() >= 1
        assert dialogs == []
        assert all(u.startswith(("file:", "data:")) for u in requests)
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        shot = tmp_path / "report.png"
        assert shot.stat().st_size > 10_000
        browser.close()
    shutil.copy(shot, "/tmp/svcsim_report.png")  # for a human look; harmless if /tmp is shared


def test_template_text_is_one_row_per_group_with_its_size(result):
    page = build_report(result, max_pairs=1)
    template = page.split("<details class='template'>")[1]
    groups = [c for c in result.clusters if c.template]
    assert groups and template.count("<tr><td class='text'>") == 1  # capped at max_pairs groups
    assert f"{len(groups)} 群" in template
    own = page.split("<details class='template'>")[0].split("id='reuse'")[1]
    assert own.count("<tr class='pair") <= 1


def test_chinese_by_default_with_definitions_beside_the_numbers(result):
    from tests.helpers import english_sentences

    page = build_report(result)
    assert english_sentences(page) == []
    assert "原創比例＝自有文字的執行重點數" in page and "每格＝列機關的執行重點中" in page
    assert "民國 113 年" in page


def test_english_on_request(result):
    from svcsim import i18n

    i18n.set_lang("en")
    try:
        page = build_report(result)
    finally:
        i18n.set_lang(None)
    assert "Originality = own points" in page and "<html lang='en'>" in page


def test_report_file_is_readable_by_others(tmp_path):
    import os

    old = os.umask(0o022)
    try:
        out = write_report(tmp_path / "r.html", "<html>一</html>")
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644


def test_pairs_table_counts_without_producing_template_pairs(result, monkeypatch):
    # at 100k points template text is ~6·10⁷ pairs: reading them only to count them took minutes
    from svcsim.dupes.pairset import PairSet
    from svcsim.report.sections import pairs_section

    everything = list(result.pairs)
    n_template = sum(p.template for p in everything)
    assert n_template > 0 and len(everything) - n_template > 1
    made = []
    real = PairSet._pair
    monkeypatch.setattr(PairSet, "_pair", lambda self, *a, **k: made.append(1) or real(self, *a, **k))
    html = pairs_section(result, max_pairs=1).html
    assert len(made) < n_template  # template pairs were counted, not produced
    assert str(len(everything) - n_template) in html and str(n_template) in html
