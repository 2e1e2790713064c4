"""Find the 執行重點 table in a converted plan and cut it into rows of role-tagged cells.

PDF conversion gives one table row per line, cells separated by tabs (or ``|`` for a
markdown table). A page break shows as blank lines or a ``--\t--`` separator row between two
table rows, and a cell broken by it continues in the next row. Rows do not always have the
header's number of cells: a row with an empty 執行要項 cell may lose it, and the header itself
may omit the 具體措施 column. So roles are assigned from the right (units, then points), and
whatever is left of the points cell holds the item and/or measure titles.

Example:
    >>> rows = table_rows("執行要項\\t具體措施\\t執行重點\\t執行單位\\n一、甲\\t(一)乙\\t1. 丙\\t秘書室\\n".splitlines())
    >>> rows[0].left, rows[0].points, rows[0].units
    (('一、甲', '(一)乙'), '1. 丙', '秘書室')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from svcsim.ingest.cells import cell_text, strip_tags
from svcsim.ingest.document import POINT_HEADERS, UNIT_HEADERS, is_header_row


_SEPARATOR = re.compile(r"^[\s|:：\-—–=_+]*$")
# A heading of the document's next section (伍、管制考核, 陸、預期效益…): the table has ended.
CLOSING = re.compile(
    r"^[壹貳參叄肆伍陸柒捌玖拾]+\s*[、.．]\s*\S{0,6}(?:管制|考核|管考|考評|經費|預期|效益|附則|獎懲|督導|評核)"
)
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*頁(?:\s*[,，/]?\s*共\s*\d+\s*頁)?|\d+\s*/\s*\d+|\d{1,3})\s*$")


@dataclass(frozen=True)
class Row:
    """One table row. ``left`` holds the raw title cells (item, measure — one or two of them),
    ``points`` and ``units`` the raw cells, ``after_break`` whether a page break preceded it.
    ``line`` is the 1-based source line, for error messages and debugging.
    """

    line: int
    left: tuple[str, ...]
    points: str
    units: str
    after_break: bool


def split_cells(line: str) -> list[str] | None:
    """Cells of a table line, or ``None`` when the line is not a table row."""
    stripped = line.strip()
    if "\t" in line:
        return line.rstrip("\r\n").split("\t")
    if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
        return [c.strip() for c in stripped[1:-1].split("|")]
    return None


def _squash(cell: str) -> str:
    return re.sub(r"\s+", "", cell_text(cell))


@dataclass(frozen=True)
class Header:
    """Where the header row is and how far from the right its points/units columns sit."""

    line_index: int
    points_from_right: int
    units_from_right: int | None


def find_header(lines: list[str]) -> Header | None:
    """The first row whose cells name a points column (執行重點/執行方法/工作重點...)."""
    for i, line in enumerate(lines):
        cells = split_cells(line)
        if not cells or len(cells) < 2:
            continue
        names = [_squash(c) for c in cells]
        p_idx = next((j for j, n in enumerate(names) if any(h in n for h in POINT_HEADERS)), None)
        if p_idx is None:
            continue
        u_idx = next((j for j, n in enumerate(names) if j > p_idx and any(h in n for h in UNIT_HEADERS)), None)
        # Trailing empty header cells are conversion noise, not columns.
        width = len(names)
        while width > 1 and not names[width - 1]:
            width -= 1
        if u_idx is not None and u_idx >= width:
            u_idx = None
        return Header(
            line_index=i,
            points_from_right=width - 1 - p_idx,
            units_from_right=(width - 1 - u_idx) if u_idx is not None else None,
        )
    return None


def _looks_like_units(cell: str) -> bool:
    """A units cell is short names; a points cell has sentences and numbering."""
    text = strip_tags(cell).strip()
    if not text:
        return True
    if re.search(r"[，。；：、,;]", text) or re.match(r"^\s*[0-9０-９]+\s*[.．、]", text):
        return False
    return all(len(tok) <= 20 for tok in text.split())


def table_rows(lines: list[str]) -> list[Row]:
    """Rows of the first 執行重點 table (empty when there is none; see :func:`find_header`).

    The table ends at the first non-blank line that is neither a row, a separator, nor a
    page number.
    """
    header = find_header(lines)
    if header is None:
        return []
    rows: list[Row] = []
    after_break = False
    for i in range(header.line_index + 1, len(lines)):
        line = lines[i]
        cells = split_cells(line)
        if cells is None:
            if not line.strip() or _SEPARATOR.match(line) or _PAGE_NUMBER.match(line):
                after_break = True
                continue
            break
        if all(_SEPARATOR.match(c) for c in cells):
            # The markdown "|---|---|" line under the header is no page break.
            after_break = bool(rows)
            continue
        if closing_section(cells):
            break
        if is_header_row([_squash(c) for c in cells]):
            # The header repeated at the top of a page (PDF exports do this) is not plan text.
            after_break = True
            continue
        rows.append(_row(i + 1, cells, header, after_break))
        after_break = False
    return rows


def closing_section(cells: list[str]) -> bool:
    """A lone "伍、管制考核" cell: the document's next section, converted as a table row."""
    filled = [c for c in cells if strip_tags(c).strip()]
    return len(filled) == 1 and bool(CLOSING.match(cell_text(filled[0])))


def space_separated_header(lines: list[str]) -> int | None:
    """Index of a header line whose columns are separated by runs of spaces, not tabs or ``|``.

    Such tables are not read: a cell's own text has runs of spaces too ("各課室  各課室"), so
    the columns cannot be told apart reliably. This lets the error say what to do instead.
    """
    for i, line in enumerate(lines):
        if "\t" in line or "|" in line:
            continue
        cols = [c for c in re.split(r"\s{2,}|\u3000+", line.strip()) if c]
        if len(cols) >= 3 and any(any(h in c for h in POINT_HEADERS) for c in cols):
            return i
    return None


def _row(line_no: int, cells: list[str], header: Header, after_break: bool) -> Row:
    cells = list(cells)
    if header.units_from_right is not None:
        # A converter that trims trailing tabs drops an empty units cell; put it back.
        if not _looks_like_units(cells[-1 - header.units_from_right]) if len(cells) > header.units_from_right else False:
            cells.append("")
    p = len(cells) - 1 - header.points_from_right
    if p < 0:
        return Row(line_no, (), cells[-1] if cells else "", "", after_break)
    units = cells[-1 - header.units_from_right] if header.units_from_right is not None and len(cells) > header.units_from_right else ""
    left = tuple(cells[max(0, p - 2) : p])
    return Row(line_no, left, cells[p], units, after_break)
