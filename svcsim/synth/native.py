"""Render a :class:`~svcsim.model.Plan` as native office files (.docx, .odt, .pdf, .doc, .html).

Tests and benchmarks of the native readers need plan files whose true content is known.
:func:`render_docx` writes a plan as a Word document shaped like a real 提升服務計畫 (title line,
壹/貳/參 sections, the 執行要項 table over several pages, a closing section, page numbers) in a
:class:`~svcsim.synth.layout.Layout`; :func:`render` has LibreOffice turn it into the other
formats (:func:`convert`); :func:`render_html_page` writes an agency web page directly.
:func:`expected_plan` is what a reader must give back, :func:`reader_blocks` what it must see.

python-docx is imported inside the functions that need it, so importing this module is cheap.

Example:
    >>> from svcsim.synth import generate_corpus
    >>> plan = generate_corpus(n_agencies=1, n_years=1).plans[0]
    >>> render(plan, "/tmp/plan", "pdf", LAYOUTS["autonum"])   # doctest: +SKIP
    PosixPath('/tmp/plan.pdf')
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from svcsim.errors import InputError
from svcsim.model import Plan
from svcsim.synth.layout import (
    COLUMN_WIDTHS,
    DEFAULT_HEADERS,
    LAYOUTS,
    Cell,
    Layout,
    Para,
    atomic_target,
    checked_plan,
    expected_plan,
    reader_blocks,
    table_rows,
    text_after,
    text_before,
    title_lines,
)
from svcsim.synth.soffice import FORMATS, Format, convert, soffice_path
from svcsim.synth.webpage import render_html_page

__all__ = [
    "DEFAULT_HEADERS", "FORMATS", "Format", "LAYOUTS", "Layout", "convert", "expected_plan", "reader_blocks",
    "render", "render_docx", "render_html_page", "soffice_path",
]

# ------------------------------------------------------------------ Word

_A4 = (11906, 16838)  # twips
_MARGIN_TB, _MARGIN_LR = 1134, 1021  # 2 cm, 1.8 cm


def render_docx(plan: Plan, path: str | os.PathLike[str], layout: Layout = Layout()) -> Path:
    """Write ``plan`` as a .docx (python-docx) in ``layout``; parent folders are created.

    Returns:
        The path written.

    Raises:
        InputError: ``plan`` is not a Plan or cannot be rendered (item 0 without exactly one
            point, an empty point, forced per-point units that do not match the points).
    """
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt, Twips

    plan = checked_plan(plan, layout)
    path = Path(path)
    rows = table_rows(plan, layout)
    doc = docx.Document()
    section = doc.sections[0]
    width, height = _A4[::-1] if layout.landscape else _A4
    section.orientation = WD_ORIENT.LANDSCAPE if layout.landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Twips(width), Twips(height)
    section.top_margin = section.bottom_margin = Twips(_MARGIN_TB)
    section.left_margin = section.right_margin = Twips(_MARGIN_LR)
    _base_style(doc, layout.font_size)
    for line in title_lines(plan, layout):
        p = doc.add_paragraph()
        p.alignment = 1  # centre
        run = p.add_run(line)
        run.bold, run.font.size = True, Pt(layout.font_size + 6)
    for style, text in text_before(plan):
        _body_paragraph(doc.add_paragraph(), style, text)
    _docx_table(doc, rows, layout, text_width=width - 2 * _MARGIN_LR)
    for style, text in text_after():
        _body_paragraph(doc.add_paragraph(), style, text)
    if layout.page_numbers:
        _page_number(section.footer.paragraphs[0])
    with atomic_target(path) as tmp:
        doc.save(tmp)
    return path


def _base_style(doc, size: float) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    normal = doc.styles["Normal"]
    normal.font.size = Pt(size)
    normal.font.name = "Times New Roman"
    rpr = normal.element.get_or_add_rPr()
    # 標楷體 is what Taiwanese agencies type in; LibreOffice substitutes a CJK font it has.
    rpr.rFonts.set(qn("w:eastAsia"), "標楷體")
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-TW")
    rpr.append(lang)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0


def _body_paragraph(p, style: str, text: str) -> None:
    from docx.shared import Pt

    run = p.add_run(text)
    if style == "heading":
        run.bold = True
        p.paragraph_format.space_before = Pt(6)
    else:
        p.paragraph_format.left_indent = Pt(24)


def _page_number(p) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p.alignment = 1
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = p.add_run()
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText" if text == " PAGE " else "w:t")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _docx_table(doc, rows: list[list[Cell]], layout: Layout, *, text_width: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Twips

    n = layout.columns
    widths = [text_width * w // 100 for w in COLUMN_WIDTHS[n]]
    table = doc.add_table(rows=0, cols=n)
    table.autofit = False
    for col, w in zip(table.columns, widths):
        col.width = Twips(w)
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:w"), str(sum(widths)))
    tbl_w.set(qn("w:type"), "dxa")
    if layout.ruled:
        table.style = doc.styles["Table Grid"]
    else:
        borders = OxmlElement("w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            b = OxmlElement(f"w:{side}")
            b.set(qn("w:val"), "nil")
            borders.append(b)
        tbl_pr.append(borders)
    lists = _Lists(doc)
    for r, model in enumerate(rows):
        row = table.add_row()
        tr_pr = row._tr.get_or_add_trPr()
        if r == 0 and layout.repeat_header:
            tr_pr.append(OxmlElement("w:tblHeader"))
        if not layout.rows_split:
            tr_pr.append(OxmlElement("w:cantSplit"))
        g = 0
        for cell_model in model:
            cell = row.cells[g]
            if cell_model.span > 1:
                cell = cell.merge(row.cells[g + cell_model.span - 1])
            cell.width = Twips(sum(widths[g : g + cell_model.span]))
            g += cell_model.span
            tc_pr = cell._tc.get_or_add_tcPr()
            if cell_model.merge:
                vmerge = OxmlElement("w:vMerge")
                if cell_model.merge == "restart":
                    vmerge.set(qn("w:val"), "restart")
                tc_pr.append(vmerge)
            if r == 0:
                _header_cell(cell, layout.ruled)
            for k, para in enumerate(cell_model.paras):
                p = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
                run = p.add_run(para.text)
                if r == 0:
                    p.alignment, run.bold = 1, True
                if para.list_kind:
                    lists.number(p, para)


def _header_cell(cell, shaded: bool) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tc_pr = cell._tc.get_or_add_tcPr()
    valign = OxmlElement("w:vAlign")
    valign.set(qn("w:val"), "center")
    tc_pr.append(valign)
    if shaded:
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), "D9D9D9")
        tc_pr.append(shd)


class _Lists:
    """Word list definitions in numbering.xml: one ``w:num`` per run of consecutive numbers, each
    on its own abstract list that starts at the run's first number. Word restarts such lists as
    well as ones restarted by a ``startOverride``; LibreOffice does not honour ``startOverride``
    between nums of one abstract list (it continued "(三)" into the next item) and loses it again
    in its own .doc, so the renderings would not show what Word shows. The reader's handling of
    ``startOverride`` is tested on hand-made packages (tests/ingest/test_docx_odt.py)."""

    # (format, text, hanging indent in twips, what follows the number)
    _FORMATS = {"point": ("decimal", "%1.", 360, "tab"), "measure": ("taiwaneseCounting", "（%1）", 0, "nothing")}

    def __init__(self, doc) -> None:
        self.numbering = doc.part.numbering_part.element
        self.current: dict[str, int] = {}

    def number(self, p, para: Para) -> None:
        if para.restart or para.list_kind not in self.current:
            self.current[para.list_kind] = self._new_num(para.list_kind, para.number)
        num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = self.current[para.list_kind]

    def _new_num(self, kind: str, start: int) -> int:
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls, qn

        taken = [int(x) for x in self.numbering.xpath("./w:abstractNum/@w:abstractNumId")]
        aid = max(taken, default=-1) + 1
        fmt, text, indent, suffix = self._FORMATS[kind]
        abstract = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{aid}">'
            '<w:multiLevelType w:val="singleLevel"/>'
            f'<w:lvl w:ilvl="0"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:suff w:val="{suffix}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{indent}" w:hanging="{indent}"/></w:pPr></w:lvl>'
            "</w:abstractNum>"
        )
        first_num = self.numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            self.numbering.append(abstract)
        return self.numbering.add_num(aid).numId


def render(plan: Plan, path_without_suffix: str | os.PathLike[str], fmt: Format,
           layout: Layout = Layout()) -> Path:
    """Write ``plan`` as ``<path_without_suffix>.<fmt>``: the .docx by :func:`render_docx`, any
    other format converted from it by LibreOffice (the intermediate .docx is not kept).

    Raises:
        InputError: as :func:`render_docx`, or ``fmt`` is unknown.
        SvcsimError: as :func:`convert`.
    """
    if fmt not in FORMATS:
        raise InputError("fmt", f"expected one of {list(FORMATS)}, got {fmt!r}")
    base = Path(path_without_suffix)
    if fmt == "docx":
        return render_docx(plan, base.parent / f"{base.name}.docx", layout)
    with tempfile.TemporaryDirectory(prefix="svcsim-render-") as tmp:
        src = render_docx(plan, Path(tmp) / f"{base.name}.docx", layout)
        return convert(src, fmt, base.parent)
