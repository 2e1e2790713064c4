"""Native renderings of a plan: the table model parses back, the .docx has each layout's Word
features, and (slow, LibreOffice) the PDF/ODT/DOC/HTML conversions show them too."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from svcsim.errors import InputError
from svcsim.ingest.document import document_from_blocks
from svcsim.ingest.parse import load_plan, parse_document
from svcsim.model import Item, Measure, Plan, Point
from svcsim.synth import generate_corpus
from svcsim.synth.native import (
    LAYOUTS,
    Layout,
    convert,
    expected_plan,
    reader_blocks,
    render,
    render_docx,
    render_html_page,
    soffice_path,
)

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT.parent / "shared" / "gold"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SPACE = re.compile(r"\s+")


def _fixture_plans() -> list[Plan]:
    paths = sorted((ROOT / "tests" / "fixtures" / "plans").glob("*.expected.json"))
    return [Plan.from_dict(json.loads(p.read_text(encoding="utf-8"))) for p in paths]


@pytest.fixture(scope="module")
def synthetic() -> list[Plan]:
    return list(generate_corpus(n_agencies=3, n_years=2, seed=4).plans)


@pytest.fixture(scope="module")
def plan(synthetic) -> Plan:
    """A long plan: the first gold plan with per-point units when ../shared is there, else a synthetic one."""
    gold = GOLD / "001_72458ec5985daac7.json"
    if gold.is_file():
        return Plan.from_dict(json.loads(gold.read_text(encoding="utf-8")))
    return synthetic[0]


def _shared_layout(layout: Layout) -> bool:
    return layout.columns == 3 or layout.item_row_full_width


def _codeless(plan: Plan) -> bool:
    return any(it.code != "0" and (not it.code or any(m.title and not m.code for m in it.measures))
               for it in plan.items)


def _parse_blocks(plan: Plan, layout: Layout) -> Plan:
    doc = document_from_blocks(reader_blocks(plan, layout), kind="docx")
    return dataclasses.replace(parse_document(doc, file=plan.file), content_hash="")


# ------------------------------------------------------------------ the table model (fast)

@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_what_a_reader_sees_parses_back_to_the_expected_plan(name, synthetic):
    layout = LAYOUTS[name]
    plans = synthetic + _fixture_plans()
    if GOLD.is_dir():
        plans += [Plan.from_dict(json.loads(p.read_text(encoding="utf-8"))) for p in sorted(GOLD.glob("*.json"))]
    checked = 0
    for plan in plans:
        if _shared_layout(layout) and _codeless(plan):
            with pytest.raises(InputError, match="without a code"):
                expected_plan(plan, layout)
            continue
        assert _parse_blocks(plan, layout) == expected_plan(plan, layout), f"{name}: {plan.file}"
        checked += 1
    assert checked >= len(synthetic)


def test_units_convention_can_be_forced(plan, synthetic):
    measure_units = expected_plan(plan, Layout(per_point_units=False))
    assert not any(p.units for it in measure_units.items for m in it.measures for p in m.points)
    assert _parse_blocks(plan, Layout(per_point_units=False)) == measure_units
    # A measure with one unit per point can be shown per point.
    points = (Point(1, "推動線上申辦。"), Point(2, "設置單一窗口。"))
    m = Measure("(一)", "簡化申辦流程", points=points, units=("秘書室", "資訊室"))
    m2 = dataclasses.replace(m, code="(二)", title="擴大單一窗口")
    small = dataclasses.replace(synthetic[0], items=(Item("一", "便民服務", (m, m2)),))
    forced = expected_plan(small, Layout(per_point_units=True))
    assert [p.units for p in forced.items[0].measures[0].points] == [("秘書室",), ("資訊室",)]
    assert _parse_blocks(small, Layout(per_point_units=True)) == forced


def test_three_column_preliminary_row_has_no_measure_title(synthetic):
    plan = synthetic[0]
    assert plan.items[0].code == "0" and plan.items[0].measures[0].title
    assert expected_plan(plan, LAYOUTS["landscape3"]).items[0].measures[0].title == ""


def test_bad_input_is_refused_with_a_reason(synthetic, tmp_path):
    with pytest.raises(InputError, match="needs 4 words"):
        Layout(headers=("執行要項", "執行重點", "執行單位"))
    with pytest.raises(InputError, match="must be 3 or 4"):
        Layout(columns=5)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="expected a svcsim.model.Plan"):
        render_docx("plan.txt", tmp_path / "x.docx")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="per-point units are unknown"):
        render_docx(synthetic[0], tmp_path / "x.docx", Layout(per_point_units=True))
    with pytest.raises(InputError, match="expected one of"):
        render(synthetic[0], tmp_path / "x", "rtf")  # type: ignore[arg-type]
    assert not list(tmp_path.iterdir())


def test_importing_the_renderer_does_not_load_python_docx():
    code = "import sys, svcsim.synth.native; print('docx' in sys.modules, 'lxml' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["False", "False"]


# ------------------------------------------------------------------ .docx written by python-docx (fast)

def _docx_rows(path: Path) -> list[list[list[str]]]:
    """The plan table as a reader of the XML sees it: per row, per grid column, the paragraphs."""
    import docx

    table = docx.Document(str(path)).tables[0]
    rows = []
    for tr in table._tbl.tr_lst:
        cells = []
        for tc in tr.tc_lst:
            texts = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in tc.iter(f"{W}p")]
            cells.append([t for t in texts if t])
            cells += [[] for _ in range(tc.grid_span - 1)]
        rows.append(cells)
    return rows


@pytest.fixture(scope="module")
def docx_files(plan, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("docx")
    return {name: render_docx(plan, out / f"{name}.docx", layout) for name, layout in LAYOUTS.items()}


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_docx_has_the_word_features_of_its_layout(name, docx_files):
    import docx

    layout = LAYOUTS[name]
    d = docx.Document(str(docx_files[name]))
    body = d.element.body
    xml = body.xml
    assert len(d.tables) == 1
    assert ('w:val="restart"' in xml) == (layout.columns == 4 and layout.merge_items and not layout.item_row_full_width)
    assert ("<w:gridSpan" in xml) == layout.item_row_full_width
    assert ("<w:numPr>" in xml) == (layout.auto_numbering or layout.auto_number_measures)
    assert ("<w:tblHeader/>" in xml) == layout.repeat_header
    assert ("<w:cantSplit/>" in xml) == (not layout.rows_split)
    assert (d.tables[0].style.name == "Table Grid") == layout.ruled
    section = d.sections[0]
    assert (section.page_width > section.page_height) == layout.landscape
    assert [c.text for c in d.tables[0].rows[0].cells[: layout.columns]] == list(layout.header_words())
    numbering = d.part.numbering_part.element.xml
    assert ('w:val="taiwaneseCounting"' in numbering) == layout.auto_number_measures
    assert ("PAGE" in d.sections[0].footer._element.xml) == layout.page_numbers
    # Column widths follow the text (points widest), and the table fills the text width.
    widths = [int(g.get(f"{W}w")) for g in d.tables[0]._tbl.tblGrid.iter(f"{W}gridCol")]
    assert max(widths) == widths[-2]
    text_width = section.page_width.twips - section.left_margin.twips - section.right_margin.twips
    assert 0.97 * text_width <= sum(widths) <= text_width


@pytest.mark.parametrize("name", ["plain4", "unruled", "landscape3", "fullwidth_items", "alt_headers"])
def test_typed_docx_holds_exactly_what_a_reader_sees(name, plan, docx_files):
    layout = LAYOUTS[name]
    want = next(b for b in reader_blocks(plan, layout) if isinstance(b, list))
    assert _docx_rows(docx_files[name]) == want


def test_auto_numbered_docx_restarts_points_per_measure(plan, docx_files):
    import docx

    d = docx.Document(str(docx_files["autonum"]))
    num_ids = [p._p.pPr.numPr.numId.val for c in d.tables[0]._cells for p in c.paragraphs
               if p._p.pPr is not None and p._p.pPr.numPr is not None]
    n_points = sum(len(m.points) for it in plan.items if it.code != "0" for m in it.measures)
    n_measures = sum(1 for it in plan.items if it.code != "0" for m in it.measures if m.code)
    assert len(num_ids) == n_points + n_measures
    # Each measure's points form their own list: its own numbering instance, starting at 1.
    measures_with_points = sum(1 for it in plan.items if it.code != "0" for m in it.measures if m.points)
    assert len(set(num_ids)) >= measures_with_points
    text = " ".join(c.text for c in d.tables[0]._cells)
    assert not re.search(r"(^|\s)\d+\. ", text)  # no typed numbers left


# ------------------------------------------------------------------ the web page (fast)

def test_cms_page_has_furniture_rowspans_and_lists(plan, tmp_path):
    page = render_html_page(plan, tmp_path / "page.html").read_text(encoding="utf-8")
    assert "<nav" in page and "<script" in page and "<footer>" in page
    spans = [int(s) for s in re.findall(r'rowspan="(\d+)"', page)]
    assert spans == [len(it.measures) for it in plan.items if len(it.measures) > 1]
    assert "<ol>" in page and "<li>" in page and "<br>" in page and "<p>" in page
    bare = render_html_page(plan, tmp_path / "bare.html", cms=False).read_text(encoding="utf-8")
    assert "<nav" not in bare and "<script" not in bare and 'rowspan="' in bare


@pytest.mark.parametrize("cms", [True, False])
def test_html_reader_reads_the_page_back(plan, tmp_path, cms):
    loaded = load_plan(render_html_page(plan, tmp_path / "page.html", cms=cms))
    assert loaded.kind == "html"
    got = dataclasses.replace(loaded.plan, content_hash="", file=plan.file)
    assert got == expected_plan(plan)


# ------------------------------------------------------------------ LibreOffice conversions (slow)

needs_soffice = pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed")
_JOBS = [("plain4", "pdf"), ("plain4", "odt"), ("plain4", "doc"), ("plain4", "html"), ("autonum", "pdf"),
         ("autonum", "odt"), ("alt_headers", "pdf"), ("unruled", "pdf")]


@pytest.fixture(scope="module")
def converted(plan, tmp_path_factory) -> dict[tuple[str, str], Path]:
    out = tmp_path_factory.mktemp("converted")
    with ThreadPoolExecutor(max_workers=4) as pool:  # each conversion has its own LibreOffice profile
        futures = {job: pool.submit(render, plan, out / job[0], job[1], LAYOUTS[job[0]]) for job in _JOBS}
        return {job: f.result() for job, f in futures.items()}


def _pdf_pages(path: Path) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [_SPACE.sub("", page) for page in text.split("\f") if page.strip()]


@pytest.mark.slow
@needs_soffice
@pytest.mark.parametrize("name", ["plain4", "autonum", "alt_headers", "unruled"])
def test_pdf_spans_pages_and_repeats_the_header_as_its_layout_says(name, plan, converted):
    layout = LAYOUTS[name]
    pages = _pdf_pages(converted[name, "pdf"])
    assert len(pages) >= 3
    assert pages[0].startswith("".join(plan.agency.split()))
    with_header = [k for k, page in enumerate(pages) if all(w in page for w in layout.header_words())]
    table_pages = len(pages) - 1  # the closing section may start a page of its own
    if layout.repeat_header:
        assert len(with_header) >= table_pages
    else:
        assert with_header == [0]
    joined = "".join(pages)
    for it in plan.items:
        for m in it.measures:
            for p in m.points:
                assert _SPACE.sub("", p.text)[:6] in joined
    if layout.auto_numbering:  # the list numbers are laid out as text
        assert "（二）" in joined and "2." in joined


@pytest.mark.slow
@needs_soffice
def test_odt_is_an_odf_package_with_spans_and_lists(converted):
    with zipfile.ZipFile(converted["plain4", "odt"]) as z:
        assert z.namelist()[0] == "mimetype"
        assert z.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        content = z.read("content.xml").decode("utf-8")
    assert "table:number-rows-spanned" in content and "<table:covered-table-cell" in content
    assert "<table:table-header-rows>" in content
    with zipfile.ZipFile(converted["autonum", "odt"]) as z:
        auto = z.read("content.xml").decode("utf-8") + z.read("styles.xml").decode("utf-8")
    assert "<text:list " in auto and 'style:num-format="一, 二, 三, ..."' in auto and 'style:num-format="1"' in auto


@pytest.mark.slow
@needs_soffice
def test_doc_is_a_word97_compound_file(converted):
    assert converted["plain4", "doc"].read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")


@pytest.mark.slow
@needs_soffice
def test_writer_html_keeps_rowspans_and_reads_back(plan, converted):
    page = converted["plain4", "html"].read_text(encoding="utf-8", errors="replace")
    assert 'rowspan="' in page and "<thead>" in page
    got = dataclasses.replace(load_plan(converted["plain4", "html"]).plan, content_hash="", file=plan.file)
    assert got == expected_plan(plan)


@pytest.mark.slow
@needs_soffice
def test_convert_resaves_docx_through_libreoffice_without_touching_the_source(docx_files, tmp_path):
    src = docx_files["plain4"]
    before = src.read_bytes()
    out = convert(src, "docx", tmp_path)
    assert out == tmp_path / "plain4.docx" and out.read_bytes() != before and src.read_bytes() == before
    assert 'w:val="restart"' in zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["plain4.docx"]  # no temporary files left
