"""Word .docx → :class:`~svcsim.ingest.document.Document`, reading the package's XML with lxml.

The body's paragraphs and tables are taken in order (also inside content controls ``w:sdt``).
A table becomes rows on its grid (``w:tblGrid``): a cell spanning columns (``w:gridSpan``) puts
its text in its first grid column and leaves the others empty, ``w:gridBefore``/``w:gridAfter``
leave their positions empty, and a vertically merged cell (``w:vMerge``) keeps its text in the
first row of the span while the continuation cells are empty. Text is what Word shows: tracked
insertions kept, deletions and field instructions skipped, ``w:tab`` a space, ``w:br`` a new
paragraph. Automatic numbering (``w:numPr`` on the paragraph or its style) is counted as Word
counts it and written before the text (``"1. "``, ``"（一）"``), see :class:`~svcsim.ingest.formats.wordnum.Numbering`.

Example:
    >>> import io, docx
    >>> d = docx.Document()
    >>> _ = d.add_paragraph("範例局 113 年度提升服務計畫")
    >>> t = d.add_table(rows=2, cols=3)
    >>> for cell, text in zip(t._cells, ["執行要項", "執行重點", "執行單位", "一、便民", "1. 線上申辦", "資訊室"]):
    ...     cell.text = text
    >>> buf = io.BytesIO(); d.save(buf)
    >>> doc = read_docx(buf.getvalue(), "plan.docx")
    >>> doc.before, doc.rows[1].cells
    (('範例局 113 年度提升服務計畫',), (('一、便民',), ('1. 線上申辦',), ('資訊室',)))
"""

from __future__ import annotations

import posixpath

from svcsim.errors import PlanParseError
from svcsim.ingest.document import Document, DocumentKind, TableRow, block_paragraphs, document_from_blocks
from svcsim.ingest.formats.package import open_package, parse_xml, read_part
from svcsim.ingest.formats.wordnum import Numbering, Styles, int_value, is_on

_W_TRANSITIONAL = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_DOCUMENT = ("/officeDocument",)
# Word allows 63 columns; more is a corrupt or hostile file, whose extra positions are dropped.
MAX_COLUMNS = 64
_MAX_SPAN = MAX_COLUMNS

NO_TABLE_FOUND = "ingest.no_table_doc"  # catalogue key (svcsim.i18n)


def read_docx(data: bytes, source: str) -> Document:
    """Read a Word .docx plan.

    Raises:
        PlanParseError: the package is damaged, too large, hostile XML, or holds no plan table.
    """
    return read_wordml(data, source, kind="docx")


def read_wordml(data: bytes, source: str, *, kind: DocumentKind) -> Document:
    """:func:`read_docx` for a file that reached us as ``kind`` (a .doc converted to .docx)."""
    with open_package(data, source, ".docx") as z:
        main = _main_part(z, source)
        root = parse_xml(_required(z, main, source), source, main)
        ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else _W_TRANSITIONAL
        if ns not in (_W_TRANSITIONAL, _W_STRICT):
            raise PlanParseError(source, key="ingest.docx_not_wml", part=main, root=root.tag)
        targets = _related_parts(z, main, source)
        styles_xml = read_part(z, targets["styles"], source, ".docx") if "styles" in targets else None
        numbering_xml = read_part(z, targets["numbering"], source, ".docx") if "numbering" in targets else None
        styles = Styles(parse_xml(styles_xml, source, targets["styles"]), ns) if styles_xml else Styles(None, ns)
        numbering = Numbering(parse_xml(numbering_xml, source, targets["numbering"]) if numbering_xml else None,
                              ns, styles)
    body = root.find(f"{{{ns}}}body")
    if body is None:
        raise PlanParseError(source, key="ingest.docx_no_body", part=main)
    try:
        blocks = _Reader(ns, styles, numbering).blocks(body)
    except RecursionError:
        raise PlanParseError(source, key="ingest.docx_too_deep") from None
    doc = document_from_blocks(blocks, kind=kind)
    if doc is None:
        if not any(not isinstance(b, str) for b in blocks):
            raise PlanParseError(source, key="ingest.no_table_at_all")
        raise PlanParseError(source, key=NO_TABLE_FOUND)
    return doc


def _required(z, name: str, source: str) -> bytes:
    data = read_part(z, name, source, ".docx")
    if data is None:
        raise PlanParseError(source, key="ingest.docx_missing_part", part=name)
    return data


def _main_part(z, source: str) -> str:
    """The main document part named by the package relationships (word/document.xml normally)."""
    rels = read_part(z, "_rels/.rels", source, ".docx")
    if rels is not None:
        root = parse_xml(rels, source, "_rels/.rels")
        for rel in root.iter(f"{{{_REL}}}Relationship"):
            if rel.get("Type", "").endswith(_OFFICE_DOCUMENT) and rel.get("TargetMode") != "External":
                target = rel.get("Target", "").lstrip("/")
                if target and target in z.NameToInfo:
                    return target
    return "word/document.xml"


def _related_parts(z, main: str, source: str) -> dict[str, str]:
    """The styles and numbering parts the main part's relationships name."""
    folder, name = posixpath.split(main)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    out: dict[str, str] = {}
    rels = read_part(z, rels_name, source, ".docx")
    if rels is not None:
        for rel in parse_xml(rels, source, rels_name).iter(f"{{{_REL}}}Relationship"):
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            if kind in ("styles", "numbering") and rel.get("TargetMode") != "External":
                target = rel.get("Target", "")
                path = (target.lstrip("/") if target.startswith("/")
                        else posixpath.normpath(posixpath.join(folder, target)))
                out.setdefault(kind, path)
    for kind in ("styles", "numbering"):
        fallback = posixpath.join(folder, f"{kind}.xml")
        if kind not in out and fallback in z.NameToInfo:
            out[kind] = fallback
    return out


# ------------------------------------------------------------------ the body

class _Reader:
    def __init__(self, ns: str, styles: Styles, numbering: Numbering) -> None:
        w = self.w = f"{{{ns}}}"
        self.styles, self.numbering = styles, numbering
        self.P, self.TBL, self.SDT, self.CUSTOM = f"{w}p", f"{w}tbl", f"{w}sdt", f"{w}customXml"
        self.SDT_CONTENT = f"{w}sdtContent"
        self.R, self.T, self.TAB, self.PTAB, self.BR, self.CR = (f"{w}r", f"{w}t", f"{w}tab", f"{w}ptab", f"{w}br",
                                                                  f"{w}cr")
        self.SYM, self.FLD_CHAR, self.NB_HYPHEN = f"{w}sym", f"{w}fldChar", f"{w}noBreakHyphen"
        # Containers whose runs Word shows; anything else inside a paragraph (deletions, moved-from
        # text, drawings, comments' ranges) is not read.
        self.INLINE = {f"{w}{t}" for t in ("hyperlink", "ins", "moveTo", "smartTag", "customXml", "fldSimple", "dir",
                                            "bdo", "sdtContent")}
        self.TR, self.TC = f"{w}tr", f"{w}tc"
        self.fields: list[bool] = []  # complex fields open: True once past their instruction

    # -- blocks

    def blocks(self, container) -> list:
        out: list = []
        self._blocks(container, out)
        return out

    def _blocks(self, container, out: list) -> None:
        for el in container:
            tag = el.tag
            if tag == self.P:
                out.extend(self._paragraph(el))
            elif tag == self.TBL:
                out.append(self._table(el))
            elif tag == self.SDT:
                content = el.find(self.SDT_CONTENT)
                if content is not None:
                    self._blocks(content, out)
            elif tag == self.CUSTOM:
                self._blocks(el, out)

    # -- paragraphs

    def _paragraph(self, p) -> list[str]:
        """A paragraph's text as shown: several paragraphs when it holds line breaks."""
        parts: list[list[str]] = [[]]
        self._inline(p, parts)
        texts = ["".join(x) for x in parts]
        label = self._label(p)
        if label and texts[0].strip():  # an empty numbered paragraph shows a bare number: no text
            texts[0] = label + texts[0].lstrip()
        return texts

    def _label(self, p) -> str:
        w = self.w
        ppr = p.find(f"{w}pPr")
        style = num_id = None
        ilvl: int | None = None
        if ppr is not None:
            ps = ppr.find(f"{w}pStyle")
            style = ps.get(f"{w}val") if ps is not None else None
            num_pr = ppr.find(f"{w}numPr")
            if num_pr is not None:
                nid, lv = num_pr.find(f"{w}numId"), num_pr.find(f"{w}ilvl")
                num_id = nid.get(f"{w}val") if nid is not None else None
                ilvl = int_value(lv.get(f"{w}val"), 0, 0, 8) if lv is not None else None
        style_num, style_ilvl, owner = self.styles.numbering(style)
        if num_id is None:
            num_id = style_num
            if num_id is None:
                return ""
        if ilvl is None:
            ilvl = style_ilvl
        if num_id == "0":  # numId 0 switches a style's numbering off
            return ""
        return self.numbering.label(num_id, ilvl, owner)

    def _inline(self, el, parts: list[list[str]]) -> None:
        for child in el:
            tag = child.tag
            if tag == self.R:
                self._run(child, parts)
            elif tag in self.INLINE:
                self._inline(child, parts)
            elif tag == self.SDT:
                content = child.find(self.SDT_CONTENT)
                if content is not None:
                    self._inline(content, parts)

    def _run(self, r, parts: list[list[str]]) -> None:
        w = self.w
        rpr = r.find(f"{w}rPr")
        if rpr is not None and is_on(rpr.find(f"{w}vanish"), w):
            return  # hidden text
        for child in r:
            tag = child.tag
            if tag == self.FLD_CHAR:
                kind = child.get(f"{w}fldCharType")
                if kind == "begin":
                    self.fields.append(False)
                elif kind == "separate" and self.fields:
                    self.fields[-1] = True
                elif kind == "end" and self.fields:
                    self.fields.pop()
                continue
            if self.fields and not all(self.fields):
                continue  # inside a field's instruction
            if tag == self.T:
                if child.text:
                    parts[-1].append(child.text)
            elif tag in (self.TAB, self.PTAB):
                parts[-1].append(" ")
            elif tag in (self.BR, self.CR):
                parts.append([])
            elif tag == self.NB_HYPHEN:
                parts[-1].append("-")
            elif tag == self.SYM:
                parts[-1].append(_symbol(child.get(f"{w}char")))

    # -- tables

    def _table(self, tbl) -> list[TableRow]:
        w = self.w
        grid = tbl.find(f"{w}tblGrid")
        width = min(len(grid.findall(f"{w}gridCol")), MAX_COLUMNS) if grid is not None else 0
        rows: list[TableRow] = []
        for tr in self._children(tbl, self.TR):
            trpr = tr.find(f"{w}trPr")
            if trpr is not None and trpr.find(f"{w}del") is not None:
                continue  # a deleted row (tracked change)
            before = self._grid_value(trpr, "gridBefore")
            cells: list[tuple[str, ...]] = [()] * before
            spans: list[int] = [1] * before
            for tc in self._children(tr, self.TC):
                tcpr = tc.find(f"{w}tcPr")
                span, merged = 1, False
                if tcpr is not None:
                    gs = tcpr.find(f"{w}gridSpan")
                    span = int_value(gs.get(f"{w}val"), 1, 1, _MAX_SPAN) if gs is not None else 1
                    for merge_tag in ("vMerge", "hMerge"):
                        m = tcpr.find(f"{w}{merge_tag}")
                        # No w:val means "continue": the cell belongs to the merge above (left).
                        if m is not None and m.get(f"{w}val", "continue") != "restart":
                            merged = True
                cells.append(() if merged else tuple(self._cell(tc)))
                cells.extend([()] * (span - 1))
                spans.extend([span] + [0] * (span - 1))
                if len(cells) >= MAX_COLUMNS:
                    break
            after = self._grid_value(trpr, "gridAfter")
            cells.extend([()] * after)
            spans.extend([1] * after)
            del cells[MAX_COLUMNS:], spans[MAX_COLUMNS:]
            pad = max(0, width - len(cells))
            rows.append(TableRow(tuple(cells) + ((),) * pad, spans=tuple(spans) + (1,) * pad))
        return rows

    def _grid_value(self, trpr, tag: str) -> int:
        if trpr is None:
            return 0
        el = trpr.find(f"{self.w}{tag}")
        return int_value(el.get(f"{self.w}val"), 0, 0, MAX_COLUMNS) if el is not None else 0

    def _children(self, el, tag: str):
        """``el``'s children of ``tag``, also those wrapped in content controls or custom XML."""
        for child in el:
            if child.tag == tag:
                yield child
            elif child.tag == self.SDT:
                content = child.find(self.SDT_CONTENT)
                if content is not None:
                    yield from self._children(content, tag)
            elif child.tag == self.CUSTOM:
                yield from self._children(child, tag)

    def _cell(self, tc) -> list[str]:
        """A cell's paragraphs; a table nested in it gives its cells' paragraphs, row by row."""
        out: list = []
        self._blocks(tc, out)
        return block_paragraphs(out)


def _symbol(code: str | None) -> str:
    """A ``w:sym`` character. Symbol fonts map their glyphs onto U+F0xx (private use), which
    shows nothing useful as text; those become a space rather than a private-use character."""
    try:
        ch = chr(int(code or "", 16))
    except (ValueError, OverflowError):
        return ""
    return " " if 0xE000 <= ord(ch) <= 0xF8FF else ch
