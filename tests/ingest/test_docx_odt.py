"""The Word (.docx, .doc) and OpenDocument (.odt) readers.

Fast tests build small packages by hand (the XML structures the readers must handle: merges,
spans, repeated cells, list numbering, tracked changes, fields) and read python-docx renderings
of whole plans (svcsim.synth.native) in every layout. Slow tests convert those renderings with
LibreOffice to .odt and .doc and read them back. Hostile and broken files are clear errors.
"""

from __future__ import annotations

import io
import json
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from svcsim.errors import InputError, PlanParseError
from svcsim.ingest.formats.doc import read_doc
from svcsim.ingest.formats.docx import read_docx
from svcsim.ingest.formats.listnum import format_number, odf_format
from svcsim.ingest.formats.odt import read_odt
from svcsim.ingest.parse import load_plan, parse_document
from svcsim.model import Plan

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT.parent / "shared" / "gold"
FIXTURES = ROOT / "tests" / "fixtures" / "plans"
HAVE_SOFFICE = shutil.which("soffice") is not None

# ------------------------------------------------------------------ hand-built .docx

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = f'xmlns:w="{_W}"'


def _docx(body: str, *, numbering: str | None = None, styles: str | None = None) -> bytes:
    """A minimal .docx package around ``body`` (the children of w:body)."""
    rels = [('<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
            'Target="styles.xml"/>')] if styles else []
    if numbering:
        rels.append('<Relationship Id="rIdN" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                    'numbering" Target="numbering.xml"/>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/_rels/document.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships">' + "".join(rels) + "</Relationships>")
        z.writestr("word/document.xml", f'<?xml version="1.0"?><w:document {_NS}><w:body>{body}</w:body></w:document>')
        if numbering:
            z.writestr("word/numbering.xml", f'<?xml version="1.0"?><w:numbering {_NS}>{numbering}</w:numbering>')
        if styles:
            z.writestr("word/styles.xml", f'<?xml version="1.0"?><w:styles {_NS}>{styles}</w:styles>')
    return buf.getvalue()


def _p(text: str = "", *, num: tuple[int, int] | None = None, style: str | None = None, runs: str | None = None) -> str:
    ppr = ""
    if num or style:
        ppr = "<w:pPr>" + (f'<w:pStyle w:val="{style}"/>' if style else "")
        if num:
            ppr += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
        ppr += "</w:pPr>"
    if runs is None:
        runs = f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'
    return f"<w:p>{ppr}{runs}</w:p>"


def _tc(*paras: str, span: int = 1, vmerge: str | None = None) -> str:
    pr = ""
    if span > 1 or vmerge is not None:
        pr = "<w:tcPr>" + (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "")
        if vmerge is not None:
            pr += '<w:vMerge w:val="restart"/>' if vmerge == "restart" else "<w:vMerge/>"
        pr += "</w:tcPr>"
    return f"<w:tc>{pr}{''.join(paras) or '<w:p/>'}</w:tc>"


def _tbl(rows: list[str], cols: int) -> str:
    grid = "<w:tblGrid>" + '<w:gridCol w:w="1000"/>' * cols + "</w:tblGrid>"
    return f"<w:tbl><w:tblPr/>{grid}{''.join(rows)}</w:tbl>"


def _tr(*cells: str, before: int = 0, after: int = 0) -> str:
    pr = ""
    if before or after:
        pr = ("<w:trPr>" + (f'<w:gridBefore w:val="{before}"/>' if before else "")
              + (f'<w:gridAfter w:val="{after}"/>' if after else "") + "</w:trPr>")
    return f"<w:tr>{pr}{''.join(cells)}</w:tr>"


def _abstract(aid: int, *levels: tuple[int, str, str, str], start: int = 1) -> str:
    """levels: (ilvl, numFmt, lvlText, suff)."""
    body = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:suff w:val="{suff}"/>'
                   f'<w:lvlText w:val="{text}"/></w:lvl>' for i, fmt, text, suff in levels)
    return f'<w:abstractNum w:abstractNumId="{aid}">{body}</w:abstractNum>'


def _num(nid: int, aid: int, start_override: int | None = None) -> str:
    ov = (f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start_override}"/></w:lvlOverride>'
          if start_override is not None else "")
    return f'<w:num w:numId="{nid}"><w:abstractNumId w:val="{aid}"/>{ov}</w:num>'


HEADER4 = _tr(_tc(_p("執行要項")), _tc(_p("具體措施")), _tc(_p("執行重點")), _tc(_p("執行單位")))
TITLE = _p("範例市政府測試局 114 年度提升服務品質執行計畫")


def _cells(doc) -> list[tuple[tuple[str, ...], ...]]:
    return [r.cells for r in doc.rows]


def test_vmerge_gridspan_and_grid_before_after_land_on_the_grid():
    rows = [HEADER4,
            _tr(_tc(_p("一、便民服務"), vmerge="restart"), _tc(_p("(一)簡化流程")), _tc(_p("1. 線上申辦")), _tc(_p("資訊室"))),
            _tr(_tc(_p("殘留文字"), vmerge="continue"), _tc(_p("(二)單一窗口")), _tc(_p("1. 臨櫃服務")), _tc(_p("秘書室"))),
            _tr(_tc(_p("二、資訊公開"), span=4)),
            _tr(_tc(_p("(一)公開資訊")), _tc(_p("1. 更新網站")), before=1, after=1)]
    doc = read_docx(_docx(TITLE + _tbl(rows, 4)), "merges.docx")
    assert _cells(doc)[1:] == [
        (("一、便民服務",), ("(一)簡化流程",), ("1. 線上申辦",), ("資訊室",)),
        ((), ("(二)單一窗口",), ("1. 臨櫃服務",), ("秘書室",)),  # a continuation cell's own text is not shown
        (("二、資訊公開",), (), (), ()),
        ((), ("(一)公開資訊",), ("1. 更新網站",), ()),
    ]
    # How many grid columns each position's cell covers (0: covered by the cell to its left).
    assert [r.spans for r in doc.rows[1:]] == [(1, 1, 1, 1), (1, 1, 1, 1), (4, 0, 0, 0), (1, 1, 1, 1)]


def test_text_as_word_shows_it():
    runs = ('<w:r><w:t>甲</w:t><w:tab/><w:t>乙</w:t><w:br/><w:t>丙</w:t></w:r>'
            '<w:del><w:r><w:delText>刪除</w:delText></w:r></w:del><w:ins><w:r><w:t>插入</w:t></w:r></w:ins>'
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            '<w:r><w:rPr><w:vanish/></w:rPr><w:t>隱藏</w:t></w:r>'
            '<w:hyperlink><w:r><w:t>連結</w:t></w:r></w:hyperlink><w:r><w:sym w:font="Wingdings" w:char="F0FC"/>'
            '<w:sym w:font="SimSun" w:char="2605"/></w:r>')
    table = _tbl([_tr(_tc(_p("執行重點")), _tc(_p("執行單位"))), _tr(_tc(_p(runs=runs)), _tc(_p("秘書室")))], 2)
    doc = read_docx(_docx(TITLE + table), "text.docx")
    assert doc.rows[1].cells[0] == ("甲 乙", "丙插入7連結 ★")


def test_tables_in_content_controls_and_nested_tables_are_read():
    inner = _tbl([_tr(_tc(_p("巢狀一")), _tc(_p("巢狀二")))], 2)
    table = _tbl([HEADER4, _tr(_tc(_p("一、便民")), _tc(_p("(一)簡化")), _tc(_p("1. 線上申辦"), inner), _tc(_p("資訊室")))], 4)
    body = TITLE + f"<w:sdt><w:sdtPr/><w:sdtContent>{table}</w:sdtContent></w:sdt>" + _p("伍、管制考核")
    doc = read_docx(_docx(body), "sdt.docx")
    assert doc.rows[1].cells[2] == ("1. 線上申辦", "巢狀一", "巢狀二")
    assert doc.before == ("範例市政府測試局 114 年度提升服務品質執行計畫",) and doc.after == ("伍、管制考核",)


def _numbered_points(numbering: str, cells: list[list[str]], styles: str | None = None) -> list[tuple[str, ...]]:
    rows = [_tr(_tc(_p("執行重點")))] + [_tr(_tc(*c)) for c in cells]
    doc = read_docx(_docx(TITLE + _tbl(rows, 1), numbering=numbering, styles=styles), "num.docx")
    return [r.cells[0] for r in doc.rows[1:]]


def test_numbering_counts_across_cells_and_restarts_where_a_num_overrides_the_start():
    numbering = _abstract(0, (0, "decimal", "%1.", "space")) + _num(1, 0) + _num(2, 0, start_override=1)
    got = _numbered_points(numbering, [[_p("甲", num=(1, 0)), _p("乙", num=(1, 0))],
                                       [_p("丙", num=(1, 0))],                 # the same list continues: 3.
                                       [_p("丁", num=(2, 0)), _p("戊", num=(2, 0))],  # restarts at 1
                                       [_p("己", num=(1, 0))]])                # Word's shared count: 3.
    assert got == [("1. 甲", "2. 乙"), ("3. 丙",), ("1. 丁", "2. 戊"), ("3. 己",)]


def test_numbering_levels_formats_and_templates():
    numbering = (_abstract(0, (0, "taiwaneseCountingThousand", "（%1）", "nothing"), (1, "decimal", "%2.", "tab"),
                           (2, "decimal", "%2-%3", "tab"))
                 + _abstract(1, (0, "ideographTraditional", "%1、", "nothing"))
                 + _abstract(2, (0, "bullet", "●", "tab")) + _num(1, 0) + _num(2, 1) + _num(3, 2))
    got = _numbered_points(numbering, [[_p("便民", num=(1, 0)), _p("線上", num=(1, 1)), _p("細項", num=(1, 2)),
                                        _p("窗口", num=(1, 1)), _p("公開", num=(1, 0)), _p("網站", num=(1, 1))],
                                       [_p("天干", num=(2, 0)), _p("地支", num=(2, 0)), _p("圓點", num=(3, 0)),
                                        _p("", num=(1, 1)), _p("無號")]])
    assert got == [("（一）便民", "1. 線上", "1-1 細項", "2. 窗口", "（二）公開", "1. 網站"),
                   ("甲、天干", "乙、地支", "圓點", "無號")]


def test_numbering_through_paragraph_styles():
    styles = ('<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="Points"><w:basedOn w:val="Normal"/>'
              '<w:pPr><w:numPr><w:numId w:val="5"/></w:numPr></w:pPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="SubPoints"><w:basedOn w:val="Points"/>'
              '<w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>')
    numbering = _abstract(0, (0, "decimal", "%1.", "space"), (1, "decimal", "(%2)", "nothing")) + _num(5, 0)
    got = _numbered_points(numbering, [[_p("甲", style="Points"), _p("子", style="SubPoints"),
                                        _p("丑", style="SubPoints"), _p("乙", style="Points"),
                                        _p("停用", style="Points", num=(0, 0))]], styles=styles)
    assert got == [("1. 甲", "(1)子", "(2)丑", "2. 乙", "停用")]


def test_auto_numbered_plan_with_merged_items_parses():
    numbering = (_abstract(0, (0, "decimal", "%1.", "tab")) + _abstract(1, (0, "decimal", "%1.", "tab"))
                 + _abstract(2, (0, "taiwaneseCounting", "(%1)", "nothing"))
                 + _num(1, 0, start_override=1) + _num(2, 1, start_override=1) + _num(3, 2))
    rows = [HEADER4,
            _tr(_tc(_p("一、便民服務"), vmerge="restart"), _tc(_p("簡化申辦流程", num=(3, 0))),
                _tc(_p("推動線上申辦。", num=(1, 0)), _p("縮短處理時限。", num=(1, 0))), _tc(_p("資訊室"))),
            _tr(_tc(vmerge="continue"), _tc(_p("設置單一窗口", num=(3, 0))),
                _tc(_p("提供一站式服務。", num=(2, 0))), _tc(_p("秘書室")))]
    plan = parse_document(read_docx(_docx(TITLE + _tbl(rows, 4), numbering=numbering), "auto.docx"), file="auto.docx")
    assert (plan.agency, plan.roc_year) == ("範例市政府測試局", 114)
    got = [(it.code, m.code, m.title, [(p.n, p.text) for p in m.points], m.units)
           for it in plan.items for m in it.measures]
    assert got == [("一", "(一)", "簡化申辦流程", [(1, "推動線上申辦。"), (2, "縮短處理時限。")], ("資訊室",)),
                   ("一", "(二)", "設置單一窗口", [(1, "提供一站式服務。")], ("秘書室",))]


def test_list_number_formats():
    assert [format_number(n, "taiwaneseCountingThousand") for n in (1, 10, 15, 20, 99, 100, 105)] == [
        "一", "十", "十五", "二十", "九十九", "一百", "一百零五"]
    assert [format_number(n, "ideographTraditional") for n in (1, 4, 10)] == ["甲", "丁", "癸"]
    assert [format_number(n, "ideographLegalTraditional") for n in (3, 10, 12)] == ["參", "壹拾", "壹拾貳"]
    assert format_number(2, "decimalEnclosedParen") == "⑵" and format_number(10, "ideographDigital") == "一〇"
    assert format_number(28, "upperLetter") == "BB" and format_number(9, "upperRoman") == "IX"
    assert format_number(3, "someFutureFormat") == "3"
    assert [odf_format(f) for f in ("1", "一, 二, 三, ...", "甲, 乙, 丙, ...", "壹, 貳, 參, ...", "")] == [
        "decimal", "taiwaneseCounting", "ideographTraditional", "ideographLegalTraditional", "none"]


# ------------------------------------------------------------------ hand-built .odt

_ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
           'xmlns:loext="urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0" '
           'xmlns:xml="http://www.w3.org/XML/1998/namespace"')


def _odt(body: str, *, auto_styles: str = "", styles: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", f'<?xml version="1.0"?><office:document-content {_ODF_NS}><office:automatic-styles>'
                   f'{auto_styles}</office:automatic-styles><office:body><office:text>{body}</office:text>'
                   "</office:body></office:document-content>")
        if styles is not None:
            z.writestr("styles.xml", f'<?xml version="1.0"?><office:document-styles {_ODF_NS}><office:styles>'
                       f"{styles}</office:styles></office:document-styles>")
    return buf.getvalue()


def _ocell(*paras: str, cols: int = 1, rows: int = 1, repeat: int = 1) -> str:
    attrs = (f' table:number-columns-spanned="{cols}"' if cols > 1 else "") + (
        f' table:number-rows-spanned="{rows}"' if rows > 1 else "") + (
        f' table:number-columns-repeated="{repeat}"' if repeat > 1 else "")
    return f"<table:table-cell{attrs}>" + "".join(f"<text:p>{p}</text:p>" for p in paras) + "</table:table-cell>"


def _otable(rows: list[str], cols: int, *, header: int = 1) -> str:
    return (f'<table:table><table:table-column table:number-columns-repeated="{cols}"/>'
            f"<table:table-header-rows>{''.join(rows[:header])}</table:table-header-rows>{''.join(rows[header:])}"
            "</table:table>")


def _orow(*cells: str, repeat: int = 1) -> str:
    attr = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{attr}>{''.join(cells)}</table:table-row>"


OHEAD = _orow(_ocell("執行要項"), _ocell("具體措施"), _ocell("執行重點"), _ocell("執行單位"))
OTITLE = "<text:p>範例市政府測試局 114 年度提升服務品質執行計畫</text:p>"
COVERED = "<table:covered-table-cell/>"


def test_odt_spans_covered_cells_and_bounded_repeats():
    rows = [OHEAD,
            _orow(_ocell("一、便民服務", rows=2), _ocell("(一)簡化流程"), _ocell("1. 線上申辦"), _ocell("資訊室"),
                  _ocell(repeat=1020)),  # a spreadsheet-style run of empty cells past the table
            _orow(COVERED, _ocell("(二)單一窗口"), _ocell("1. 臨櫃服務"), _ocell("秘書室")),
            _orow(_ocell("二、資訊公開", cols=4), COVERED, COVERED, COVERED),
            _orow(_ocell(repeat=4), repeat=100000)]
    body = OTITLE + '<text:section text:name="S1">' + _otable(rows, 4) + "</text:section>"
    doc = read_odt(_odt(body), "spans.odt")
    assert _cells(doc)[1:] == [
        (("一、便民服務",), ("(一)簡化流程",), ("1. 線上申辦",), ("資訊室",)),
        ((), ("(二)單一窗口",), ("1. 臨櫃服務",), ("秘書室",)),
        (("二、資訊公開",), (), (), ()),
        ((), (), (), ()),  # 100000 empty rows read as one
    ]
    assert [r.spans for r in doc.rows[1:4]] == [(1, 1, 1, 1), (1, 1, 1, 1), (4, 0, 0, 0)]


def test_odt_text_as_writer_shows_it():
    p = ('甲<text:s text:c="3"/>乙<text:tab/>丙<text:line-break/>丁  \n  戊<text:soft-page-break/>'
         '<office:annotation><text:p>批註</text:p></office:annotation><text:span>己</text:span>'
         '<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>註</text:p></text:note-body>'
         "</text:note>")
    table = _otable([_orow(_ocell("執行重點")), _orow(_ocell(p))], 1)
    doc = read_odt(_odt(OTITLE + table), "text.odt")
    assert doc.rows[1].cells[0] == ("甲   乙 丙", "丁 戊己1")


_ODF_LISTS = (
    '<text:list-style style:name="Pts"><text:list-level-style-number text:level="1" style:num-format="1" '
    'style:num-suffix="."/><text:list-level-style-number text:level="2" style:num-format="1" style:num-prefix="(" '
    'style:num-suffix=")"><style:list-level-properties><style:list-level-label-alignment '
    'text:label-followed-by="nothing"/></style:list-level-properties></text:list-level-style-number>'
    "</text:list-style>"
    '<text:list-style style:name="Ms"><text:list-level-style-number text:level="1" style:num-format="一, 二, 三, ..." '
    'loext:num-list-format="（%1%）"><style:list-level-properties><style:list-level-label-alignment '
    'text:label-followed-by="nothing"/></style:list-level-properties></text:list-level-style-number></text:list-style>'
    '<text:list-style style:name="Gan"><text:list-level-style-number text:level="1" style:num-format="甲, 乙, 丙, ..." '
    'style:num-suffix="、" text:start-value="2"/></text:list-style>'
    '<text:list-style style:name="Dots"><text:list-level-style-bullet text:level="1" text:bullet-char="●"/>'
    "</text:list-style>")


def _olist(style: str, *items: str, attrs: str = "") -> str:
    return f'<text:list text:style-name="{style}"{attrs}>' + "".join(items) + "</text:list>"


def _oitem(text: str, *, start: int | None = None, sub: str = "", header: bool = False) -> str:
    tag = "text:list-header" if header else "text:list-item"
    attr = f' text:start-value="{start}"' if start is not None else ""
    return f"<{tag}{attr}><text:p>{text}</text:p>{sub}</{tag}>"


def test_odt_list_numbering_continues_restarts_and_formats():
    cells = [
        _olist("Pts", _oitem("甲"), _oitem("乙", sub=_olist("Pts", _oitem("子"), _oitem("丑"))), _oitem("丙"),
               attrs=' xml:id="L1"'),
        _olist("Pts", _oitem("丁"), attrs=' text:continue-list="L1"'),    # continues L1: 4.
        _olist("Pts", _oitem("戊", start=7), _oitem("己")),                 # a new list from 7
        _olist("Pts", _oitem("庚"), attrs=' text:continue-numbering="true"'),  # continues the last Pts list
        _olist("Pts", _oitem("辛"), _oitem("標題", header=True)),          # a new list; headers are unnumbered
        _olist("Ms", _oitem("便民"), _oitem("公開")) + _olist("Gan", _oitem("天干")) + _olist("Dots", _oitem("圓點")),
    ]
    rows = [_orow("<table:table-cell><text:p>執行重點</text:p></table:table-cell>")] + [
        _orow(f"<table:table-cell>{c}</table:table-cell>") for c in cells]
    doc = read_odt(_odt(OTITLE + _otable(rows, 1), styles=_ODF_LISTS), "lists.odt")
    assert [r.cells[0] for r in doc.rows[1:]] == [
        ("1. 甲", "2. 乙", "(1)子", "(2)丑", "3. 丙"), ("4. 丁",), ("7. 戊", "8. 己"), ("9. 庚",), ("1. 辛", "標題"),
        ("（一）便民", "（二）公開", "乙、 天干", "圓點")]


# ------------------------------------------------------------------ errors

def _plan_docx() -> bytes:
    rows = [HEADER4, _tr(_tc(_p("一、便民")), _tc(_p("(一)簡化")), _tc(_p("1. 線上申辦")), _tc(_p("資訊室")))]
    return _docx(TITLE + _tbl(rows, 4))


def test_truncated_docx_is_named_damaged():
    data = _plan_docx()
    with pytest.raises(PlanParseError, match=r"^cut\.docx: .*damaged"):
        read_docx(data[: len(data) // 2], "cut.docx")


def test_docx_without_a_plan_table_or_any_table():
    minutes = _docx(_p("業務會報紀錄") + _tbl([_tr(_tc(_p("日期")), _tc(_p("事項"))), _tr(_tc(_p("4/12")), _tc(_p("保養")))], 2))
    with pytest.raises(PlanParseError, match=r"^minutes\.docx: no 執行重點 table found .*is this a service plan\?"):
        read_docx(minutes, "minutes.docx")
    with pytest.raises(PlanParseError, match=r"^memo\.docx: has no table"):
        read_docx(_docx(_p("僅有文字的公文")), "memo.docx")


def test_odt_without_table_and_odt_without_plan_table():
    with pytest.raises(PlanParseError, match=r"^draft\.odt: has no table"):
        read_odt(_odt(OTITLE), "draft.odt")
    other = _otable([_orow(_ocell("日期"), _ocell("事項")), _orow(_ocell("4/12"), _ocell("保養"))], 2)
    with pytest.raises(PlanParseError, match=r"^other\.odt: no 執行重點 table found"):
        read_odt(_odt(OTITLE + other), "other.odt")


def _declare_size(data: bytes, part: str, size: int) -> bytes:
    """``data`` with ``part``'s uncompressed size in the central directory set to ``size``."""
    name = part.encode()
    at = data.index(b"PK\x01\x02")  # central directory entries: size at +24, name length at +28, name at +46
    while True:
        n_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46: at + 46 + n_len] == name:
            return data[: at + 24] + struct.pack("<I", size) + data[at + 28:]
        at = data.index(b"PK\x01\x02", at + 46)


def test_zip_bomb_is_refused_before_unpacking():
    bomb = _declare_size(_plan_docx(), "word/document.xml", 3_000_000_000)
    with pytest.raises(PlanParseError, match=r"^bomb\.docx: unpacks to .* ZIP bomb"):
        read_docx(bomb, "bomb.docx")
    odt_bomb = _declare_size(_odt(OTITLE), "content.xml", 3_000_000_000)
    with pytest.raises(PlanParseError, match=r"^bomb\.odt: unpacks to .* ZIP bomb"):
        read_odt(odt_bomb, "bomb.odt")


def test_xml_with_entities_is_refused():
    laughs = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "哈哈哈哈哈哈哈哈"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
              f'<w:document {_NS}><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>')
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_plan_docx())) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, laughs if info.filename == "word/document.xml" else src.read(info))
    with pytest.raises(PlanParseError, match=r"^laughs\.docx: declares a DTD"):
        read_docx(buf.getvalue(), "laughs.docx")


def test_malformed_xml_is_a_clear_error():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content><broken")
    with pytest.raises(PlanParseError, match=r"^bad\.odt: has malformed XML in content\.xml"):
        read_odt(buf.getvalue(), "bad.odt")


def test_doc_without_libreoffice_says_how_to_fix(monkeypatch):
    monkeypatch.setattr("svcsim.ingest.formats.doc.shutil.which", lambda name: None)
    with pytest.raises(PlanParseError, match=r"^old\.doc: .*apt-get install libreoffice-writer-nogui.*\.docx, \.odt or PDF"):
        read_doc(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "old.doc")


def test_load_plan_reads_docx_and_odt_by_content(tmp_path):
    (tmp_path / "plan.bin").write_bytes(_plan_docx())
    loaded = load_plan(tmp_path / "plan.bin")
    assert loaded.kind == "docx" and loaded.plan.items[0].measures[0].points[0].text == "線上申辦"
    table = _otable([OHEAD, _orow(_ocell("一、便民"), _ocell("(一)簡化"), _ocell("1. 線上申辦"), _ocell("資訊室"))], 4)
    (tmp_path / "plan.odt").write_bytes(_odt(OTITLE + table))
    assert load_plan(tmp_path / "plan.odt").kind == "odt"


def test_importing_the_readers_loads_no_xml_library():
    code = ("import sys, svcsim.ingest.formats.docx, svcsim.ingest.formats.odt, svcsim.ingest.formats.doc; "
            "print('lxml' in sys.modules, 'docx' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["False", "False"]


# ------------------------------------------------------------------ whole plans rendered by svcsim.synth.native

def _sources() -> list[tuple[str, Plan]]:
    from svcsim.synth import generate_corpus

    out = []
    if GOLD.is_dir():
        out += [(f"gold-{p.stem[:3]}", Plan.from_dict(json.loads(p.read_text(encoding="utf-8"))))
                for p in sorted(GOLD.glob("*.json"))]
    out += [(p.name.split(".")[0], Plan.from_dict(json.loads(p.read_text(encoding="utf-8"))))
            for p in sorted(FIXTURES.glob("*.expected.json"))]
    out += [(f"synthetic-{k}", p) for k, p in enumerate(generate_corpus(n_agencies=3, n_years=1, seed=23).plans)]
    return out


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[tuple[str, str], tuple[Path, Plan]]:
    """Every source in every layout the layout can show, as .docx; with the plan a reader must give back."""
    from svcsim.synth.native import LAYOUTS, expected_plan, render_docx

    out = tmp_path_factory.mktemp("docx")
    made = {}
    for name, plan in _sources():
        for layout_name, layout in LAYOUTS.items():
            try:
                want = expected_plan(plan, layout)
                path = render_docx(plan, out / f"{name}-{layout_name}.docx", layout)
            except InputError:  # uncoded titles cannot share one column
                continue
            made[(name, layout_name)] = (path, want)
    return made


def _same(got: Plan, want: Plan) -> None:
    g, w = got.to_dict(), want.to_dict()
    assert (g["agency"], g["year"]) == (w["agency"], w["year"])
    assert g["items"] == w["items"]


def test_every_rendered_docx_parses_to_its_plan(rendered):
    for (_name, _layout), (path, want) in rendered.items():
        doc = read_docx(path.read_bytes(), path.name)
        assert doc.kind == "docx"
        _same(parse_document(doc, file=path.name), want)
    assert len(rendered) >= 7 * 3


def test_docx_reads_in_milliseconds(rendered):
    path = max((p for p, _ in rendered.values()), key=lambda p: p.stat().st_size)
    data = path.read_bytes()
    read_docx(data, path.name)
    t = time.perf_counter()
    read_docx(data, path.name)
    assert time.perf_counter() - t < 0.5


def _soffice_batch(paths: list[Path], target: str, outdir: Path) -> None:
    profile = Path(tempfile.gettempdir()) / f"svcsim-test-lo-{uuid.uuid4().hex}"
    try:
        subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", target,
                        "--outdir", str(outdir)] + [str(p) for p in paths], capture_output=True, timeout=900)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def converted(rendered, tmp_path_factory) -> dict[str, Path]:
    """The renderings as .odt and .doc (one LibreOffice run per format)."""
    if not HAVE_SOFFICE:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = tmp_path_factory.mktemp("converted")
    paths = [p for p, _ in rendered.values()]
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda job: _soffice_batch(paths, job, out), ["odt", "doc:MS Word 97"]))
    return {"dir": out}


@pytest.mark.slow
def test_every_rendered_odt_parses_to_its_plan(rendered, converted):
    for (_name, _layout), (path, want) in rendered.items():
        odt = converted["dir"] / f"{path.stem}.odt"
        _same(parse_document(read_odt(odt.read_bytes(), odt.name), file=odt.name), want)


# LibreOffice's .doc loses a startOverride between numbering instances of one list (it read the
# renderer's earlier lists back as "1. 1. 2."); the renderer now starts each list on its own
# definition, as Word also allows, and every layout comes back exact.
_DOC_LOSSY: set[str] = set()
_DOC_CASES = [(n, lay) for n in ("gold-000", "gold-001", "gold-003", "synthetic-0", "fire_bureau_113_roman")
              for lay in ("plain4", "landscape3", "autonum", "unruled", "fullwidth_items", "fullwidth4", "alt_headers")]


@pytest.fixture(scope="module")
def doc_results(rendered, converted) -> dict[tuple[str, str], object]:
    """read_doc on the chosen cases, several LibreOffice conversions at once (private profiles)."""
    cases = [c for c in _DOC_CASES if c in rendered]

    def run(case):
        doc_path = converted["dir"] / f"{rendered[case][0].stem}.doc"
        try:
            return case, read_doc(doc_path.read_bytes(), doc_path.name)
        except PlanParseError as exc:
            return case, exc

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(run, cases))


@pytest.mark.slow
@pytest.mark.parametrize("name,layout", [
    pytest.param(n, lay, marks=pytest.mark.xfail(lay in _DOC_LOSSY, reason="LibreOffice's .doc list round trip",
                                                 strict=True))
    for n, lay in _DOC_CASES])
def test_rendered_doc_parses_to_its_plan(rendered, doc_results, name, layout):
    if (name, layout) not in rendered:
        pytest.skip(f"{name} is not available or cannot be shown in {layout}")
    doc = doc_results[(name, layout)]
    if isinstance(doc, Exception):
        raise doc
    assert doc.kind == "doc"
    _same(parse_document(doc, file=f"{name}.doc"), rendered[(name, layout)][1])


@pytest.mark.slow
@pytest.mark.skipif(not HAVE_SOFFICE, reason="LibreOffice (soffice) is not installed")
def test_doc_conversion_failures_are_one_line_errors():
    with pytest.raises(PlanParseError, match=r"^slow\.doc: LibreOffice took over 0 s"):
        read_doc(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096, "slow.doc", timeout=0.01)
    with pytest.raises(PlanParseError, match=r"^junk\.doc: ") as info:
        read_doc(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 64, "junk.doc")
    assert "\n" not in str(info.value)
