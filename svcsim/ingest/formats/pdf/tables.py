"""The plan table on one page: from its ruling lines (merged cells where a rule is missing), or,
without rules, from the gutters no character crosses and the rows the title columns start."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from svcsim.ingest.cells import LEVELS, level_mark
from svcsim.ingest.document import POINT_HEADERS, TableRow
from svcsim.ingest.formats.pdf.geometry import _Char, _Line, _lines, _mark_level, _Page, _header_words
from svcsim.ingest.formats.pdf.text import _join, _Spacing


@dataclass
class _State:
    columns: list[float] | None = None  # unruled: boundaries between columns (x)
    anchors: list[tuple[float, float, str]] | None = None
    point_col: int = 0
    started: bool = False
    ended: bool = False
    right_edges: list[float] | None = None
    spacing: "_Spacing" = None  # type: ignore[assignment]


_TOL = 2.0


def _cluster(values: list[float], tol: float = _TOL) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _ruled_columns(page: _Page, first: _Line) -> tuple[float, float, float] | None:
    """(left, right, top) of a ruled table whose vertical rules cross ``first`` (its first line)."""
    mid = (first.top + first.bottom) / 2
    xs = [x for x, t, b in page.v_edges if t - _TOL <= mid <= b + _TOL]
    if len(_cluster(xs)) < 3:
        return None
    left, right = min(xs), max(xs)
    if first.x0 < left - _TOL or first.x1 > right + _TOL:
        # The line is wider than the ruled box: rules of something else (a side bar, a frame).
        if not any(left <= c.x0 <= right for c in first.chars):
            return None
    tops = [t for x, t, b in page.v_edges if abs(x - left) <= _TOL and t - _TOL <= mid <= b + _TOL]
    return left, right, min(tops)


def _ruled_table(page: _Page, lines: list[_Line], box: tuple[float, float, float], spacing: _Spacing):
    left, right, top = box
    v = [e for e in page.v_edges if left - _TOL <= e[0] <= right + _TOL and e[2] >= top - _TOL]
    bottom = max(b for x, t, b in v if abs(x - left) <= _TOL or abs(x - right) <= _TOL)
    v = [e for e in v if e[1] <= bottom + _TOL]
    h = [e for e in page.h_edges if top - _TOL <= e[0] <= bottom + _TOL and e[2] >= left - _TOL
         and e[1] <= right + _TOL]
    xs = [x for x in _cluster([e[0] for e in v])]
    xs = [x for k, x in enumerate(xs) if k == 0 or x - xs[k - 1] > 3]
    ys = _cluster([top, bottom] + [e[0] for e in h])
    ys = [y for k, y in enumerate(ys) if k == 0 or y - ys[k - 1] > 3]
    ncol, nrow = len(xs) - 1, len(ys) - 1

    def hline(y: float, x: float) -> bool:
        return any(abs(ey - y) <= _TOL and x0 - 1 <= x <= x1 + 1 for ey, x0, x1 in h)

    def vline(x: float, y: float) -> bool:
        return any(abs(ex - x) <= _TOL and t - 1 <= y <= b + 1 for ex, t, b in v)

    owner: list[list[tuple[int, int]]] = []
    for r in range(nrow):
        row = []
        ymid = (ys[r] + ys[r + 1]) / 2
        for c in range(ncol):
            xmid = (xs[c] + xs[c + 1]) / 2
            if r > 0 and not hline(ys[r], xmid):
                row.append(owner[r - 1][c])
            elif c > 0 and not vline(xs[c], ymid):
                row.append(row[c - 1])
            else:
                row.append((r, c))
        owner.append(row)

    inside: list[_Line] = []
    rest: list[_Line] = []
    for ln in lines:
        (inside if ln.top < bottom - _TOL else rest).append(ln)
    cells: dict[tuple[int, int], list[_Char]] = {}
    for ln in inside:
        for ch in ln.chars:
            cx, cy = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
            c = _index(xs, cx)
            r = _index(ys, cy)
            if c is None or r is None:
                continue
            cells.setdefault(owner[r][c], []).append(ch)
    # Text may not run past a cell's right rule, less the padding it keeps on the left.
    rows: list[TableRow] = []
    for r in range(nrow):
        row_cells = []
        spans = tuple(sum(1 for k in range(ncol) if owner[r][k] == (r, c)) for c in range(ncol))
        for c in range(ncol):
            o = owner[r][c]
            if o != (r, c) or o not in cells:
                row_cells.append(())
                continue
            chars = cells[o]
            span_right = max(xs[k + 1] for k in range(ncol) if owner[r][k] == o)
            pad = max(0.0, min(ch.x0 for ch in chars) - xs[c])
            row_cells.append(tuple(_join(_lines(chars), span_right - min(pad, 12.0), spacing)))
        if any(row_cells):
            rows.append(TableRow(tuple(row_cells), spans=spans))
    return rows, rest


def _index(bounds: list[float], v: float) -> int | None:
    for k in range(len(bounds) - 1):
        if bounds[k] <= v < bounds[k + 1]:
            return k
    return None


def _unruled_table(page: _Page, lines: list[_Line], has_header: bool, state: _State):
    """Rows of a table drawn without rules; ``(None, lines)`` when these lines are no table."""
    if has_header:
        anchors = _header_words(lines[0])
        state.anchors = anchors
        state.point_col = next(k for k, a in enumerate(anchors) if any(h in a[2] for h in POINT_HEADERS))
    elif state.anchors is None:
        return None, lines
    anchors = state.anchors
    table, rest, bounds = _grow(lines, anchors, state.columns if not has_header else None)
    if bounds is None:
        return None, lines
    state.columns = bounds
    size = statistics.median(c.size for ln in table for c in ln.chars)
    xs = [-1e9] + bounds + [1e9]
    cols: list[list[_Char]] = [[] for _ in range(len(xs) - 1)]
    for ln in table:
        for ch in ln.chars:
            k = _index(xs, (ch.x0 + ch.x1) / 2)
            cols[k].append(ch)
    col_lines = [_lines(chs) for chs in cols]
    if state.right_edges is None or has_header:
        state.right_edges = _right_edges(col_lines, bounds, page, size)
    header_bottom = lines[0].bottom if has_header else None
    pitch = _pitch(col_lines, size)
    starts = _row_starts(col_lines, state.point_col, header_bottom, size, pitch)
    top = table[0].top
    if has_header:
        # The first line under the header starts a row even unmarked: it may continue a cell
        # the page broke.
        body = [ln.top for ln in table if ln.top > header_bottom]
        first = [min(body)] if body else []
        starts = [top] + first + [s for s in starts if body and s > first[0] + 0.5 * size]
    elif not starts or starts[0] > top + 0.5 * size:
        starts = [top] + starts
    nrows = len(starts)
    rows_chars: list[list[list[_Line]]] = [[[] for _ in cols] for _ in range(nrows)]
    for k, cl in enumerate(col_lines):
        title = k < state.point_col
        block_row = 0
        prev: _Line | None = None
        for ln in cl:
            r = max(i for i, s in enumerate(starts) if s <= ln.top + 0.5 * size) if ln.top + 0.5 * size >= starts[0] else 0
            if title and prev is not None and not _opens_block(ln, prev, size, pitch) and r > block_row and (
                header_bottom is None or prev.top > header_bottom
            ):
                r = block_row  # a title running on past the next row's start (a merged item cell)
            block_row = r
            rows_chars[r][k].append(ln)
            prev = ln
    rows = []
    for r in range(nrows):
        cells = tuple(tuple(_join(rows_chars[r][k], state.right_edges[k], state.spacing)) if rows_chars[r][k] else ()
                      for k in range(len(cols)))
        if any(cells):
            rows.append(TableRow(cells))
    return rows, rest


def _grow(lines: list[_Line], anchors, fixed: list[float] | None):
    """Take lines top-down while a gutter survives between every two header words; return the
    table lines, the rest, and the column boundaries."""
    covered: list[tuple[float, float]] = []
    table: list[_Line] = []
    size = statistics.median(c.size for ln in lines for c in ln.chars) if lines else 10.0

    def gutters(cov: list[tuple[float, float]]) -> list[float] | None:
        merged = _merge(cov)
        bounds = []
        for a, b in zip(anchors, anchors[1:]):
            lo, hi = a[1], b[0]
            # A gutter is wider than LibreOffice's 0.2 em CJK/Latin autospacing ("至少 3次" near
            # a column's right edge), which is a gap inside a column, not between two.
            gaps = [(x0, x1) for x0, x1 in _gaps(merged, lo, hi) if x1 - x0 >= max(2.0, 0.3 * size)]
            if not gaps:
                return None
            x0, x1 = gaps[0]
            bounds.append((x0 + x1) / 2)
        return bounds

    bounds = fixed
    outer: int | None = None  # the outermost numbering level opening a line in the first column
    for k, ln in enumerate(lines):
        # Spaces count: one never sits in a gutter, and a trailing one belongs to its cell.
        spans = [(c.x0 + 0.2, c.x1 - 0.2) for c in ln.chars]
        if fixed is not None:
            if any(x0 < b < x1 for x0, x1 in spans for b in fixed):
                return table, lines[k:], (fixed if table else None)
            trial = fixed
        else:
            trial = gutters(covered + spans)
            if trial is None:
                return table, lines[k:], bounds
        # Which column the line starts in is judged with the gutters this line leaves: before
        # the first item text arrives, the first gutter spans the empty item column too.
        level = _mark_level(ln.text())
        if k > 0 and level is not None and trial and ln.x0 < trial[0]:
            # A heading numbered outside the items (伍、 after items 一、…) is the next section.
            if outer is not None and LEVELS.index(level) < outer:
                return table, lines[k:], bounds
            outer = LEVELS.index(level) if outer is None else min(outer, LEVELS.index(level))
        if fixed is None:
            covered += spans
        bounds = trial
        table.append(ln)
    return table, [], bounds


def _merge(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[list[float]] = []
    for x0, x1 in sorted(spans):
        if out and x0 <= out[-1][1]:
            out[-1][1] = max(out[-1][1], x1)
        else:
            out.append([x0, x1])
    return [(a, b) for a, b in out]


def _gaps(merged: list[tuple[float, float]], lo: float, hi: float) -> list[tuple[float, float]]:
    gaps = []
    cur = lo
    for x0, x1 in merged:
        if x1 <= lo:
            continue
        if x0 >= hi:
            break
        if x0 > cur:
            gaps.append((cur, x0))
        cur = max(cur, x1)
    if cur < hi:
        gaps.append((cur, hi))
    return gaps


def _right_edges(col_lines: list[list[_Line]], bounds: list[float], page: _Page, size: float) -> list[float]:
    """Where each column's text may reach: its widest line, or up to the next column's text less
    the tightest gutter (a column of short lines never shows its edge)."""
    lefts = [min((ln.x0 for ln in cl), default=None) for cl in col_lines]
    rights = [max((ln.x1 for ln in cl), default=0.0) for cl in col_lines]
    gutter = min((lefts[k + 1] - rights[k] for k in range(len(bounds)) if lefts[k + 1] is not None), default=size)
    gutter = max(gutter, 0.0)
    edges = []
    for k in range(len(col_lines)):
        if k + 1 < len(col_lines) and lefts[k + 1] is not None:
            edges.append(max(rights[k], lefts[k + 1] - gutter))
        else:
            # Nothing marks where the last column ends: its widest line is the best witness.
            edges.append(rights[k])
    return edges


def _opens_block(ln: _Line, prev: _Line, size: float, pitch: float) -> bool:
    """A title line opens new text: it starts with a numbering mark, or a gap of half a line
    or more separates it from the line above (the paddings of two rows)."""
    return _mark_level(ln.text()) is not None or ln.top - prev.top > pitch + 0.5 * size


def _pitch(col_lines: list[list[_Line]], size: float) -> float:
    steps = [b.top - a.top for cl in col_lines for a, b in zip(cl, cl[1:]) if 0 < b.top - a.top < 3 * size]
    return statistics.median(steps) if steps else 1.2 * size


def _row_starts(col_lines: list[list[_Line]], point_col: int, header_bottom: float | None, size: float,
                pitch: float) -> list[float]:
    """Where rows start: a title column starts new text, or the points column starts at point 1."""
    below = (lambda ln: ln.top > header_bottom) if header_bottom is not None else (lambda ln: True)
    starts: list[float] = []
    for k in range(point_col):
        prev = None
        for ln in col_lines[k]:
            if not below(ln):
                continue
            if prev is None or _opens_block(ln, prev, size, pitch):
                starts.append(ln.top)
            prev = ln
    points = [ln for ln in col_lines[point_col] if below(ln)] if point_col < len(col_lines) else []
    level = next((lv for ln in points if (lv := _mark_level(ln.text())) is not None), None)
    if level is not None:
        for ln in points:
            m = level_mark(level).match(ln.text())
            if m and m.group(1) in ("1", "１", "一"):
                starts.append(ln.top)
    out: list[float] = []
    for s in sorted(starts):
        if not out or s - out[-1] > 0.5 * size:
            out.append(s)
    return out
