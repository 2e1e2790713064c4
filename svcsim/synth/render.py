"""Render a :class:`~svcsim.model.Plan` as the messy, seed-like text a parser must cope with.

The output imitates plans converted from Word/PDF: title lines, 壹/貳/肆 sections, a tab-separated
table (item | measure | points | units) whose cells carry HTML fragments (``<p>``,
``<ol style=…><li>``), list numbering, rows broken by page breaks (the rest of each cell
continues on a row with empty leading cells, split only between two CJK ideographs, so the
pieces join with no separator), several measures merged in one cell (numbering restarts),
full-width codes ``（二）``, ``三.`` item codes, per-point ``<p>unit</p>``, stray spaces between
CJK characters, and rows that lose their empty first cell.

Everything is *faithful*: the parser's conventions (whitespace next to CJK is dropped,
numbering is not text, measure codes are half-width ``(一)``) give back the same plan.

>>> from svcsim.synth import generate_corpus
>>> text = write_plan(generate_corpus(n_agencies=1, n_years=1).plans[0], messy=False)
>>> print(text.splitlines()[2])
高雄市政府海濱範例局 110 年度提升服務品質執行計畫
"""

from __future__ import annotations

import os
import random
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from svcsim.errors import InputError
from svcsim.model import Item, Measure, Plan
from svcsim.synth.bank_template import BASIS, CONTROL, HEADERS

_NUM = "一二三四五六七八九十"
_OL = '<ol style="list-style-type: none">'


def _han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _cn(n: int) -> str:
    return _NUM[n - 1] if n <= 10 else "十" + _NUM[n - 11]


@dataclass
class _Cell:
    """A table cell as segments so a page break can cut it and re-open its tags."""

    segs: list[tuple[str, str]]  # (text, wrap) with wrap "", "p" or "li"
    ol: bool = False
    joiner: str = " "

    def render(self) -> str:
        if not self.segs:
            return ""
        parts = [f"<{w}>{t}</{w}>" if w else t for t, w in self.segs]
        body = self.joiner.join(parts)
        return f"{_OL} {body} </ol>" if self.ol else body


_EMPTY = _Cell([])


class _Writer:
    def __init__(self, plan: Plan, messy: bool, rng: random.Random) -> None:
        self.plan, self.messy, self.rng = plan, messy, rng
        r = rng.random
        # Per-file habits: a real file is messy in its own consistent ways.
        self.p_break = 0.18 if messy else 0.0
        self.p_merge = 0.35 if messy else 0.0
        self.p_cjk_space = 0.25 if messy and r() < 0.3 else 0.0
        self.p_drop_first = 0.08 if messy and r() < 0.3 else 0.0
        self.per_point = any(p.units for it in plan.items for m in it.measures for p in m.points)
        self.lines: list[str] = []

    # -------------------------------------------------------------- text pieces

    def sprinkle(self, text: str) -> str:
        """Stray spaces between CJK ideographs, as PDF line wrapping leaves them."""
        if not self.p_cjk_space or self.rng.random() >= self.p_cjk_space:
            return text
        out = []
        for i, ch in enumerate(text):
            if i and _han(text[i - 1]) and _han(ch) and self.rng.random() < 0.12:
                out.append(" ")
            out.append(ch)
        return "".join(out)

    def item_text(self, it: Item) -> str:
        sep = "." if self.messy and self.rng.random() < 0.1 else "、"
        return f"{it.code}{sep}{' ' if sep == '.' else ''}{self.sprinkle(it.title)}"

    def measure_text(self, m: Measure) -> str:
        if not m.code:
            return self.sprinkle(m.title)
        code = m.code
        if self.messy and self.rng.random() < 0.1:
            code = "（" + code[1:-1] + "）"
        space = " " if self.messy and self.rng.random() < 0.4 else ""
        return f"{code}{space}{self.sprinkle(m.title)}"

    def wrap(self) -> str:
        return "p" if self.messy and self.rng.random() < 0.4 else ""

    # -------------------------------------------------------------- cells

    def points_cell(self, groups: list[Measure], *, bare_single: bool = True) -> _Cell:
        pts = [(p.n, p.text) for m in groups for p in m.points]
        if len(groups) == 1 and len(pts) == 1 and bare_single and self.rng.random() < 0.5:
            return _Cell([(pts[0][1], self.wrap())])
        style = self.rng.choice(("plain", "p", "ol_li", "ol_bare")) if self.messy else "plain"
        segs = [(f"{n}. {t}", {"p": "p", "ol_li": "li"}.get(style, "")) for n, t in pts]
        return _Cell(segs, ol=style.startswith("ol"))

    def units_cell(self, groups: list[Measure]) -> _Cell:
        if self.per_point:
            return _Cell([(p.units[0], "p") for m in groups for p in m.points])
        units = [u for m in groups for u in m.units]
        joiner = "  " if self.messy and self.rng.random() < 0.2 else " "
        if self.messy and self.rng.random() < 0.3:
            return _Cell([(" ".join(units), "p")])  # one <p> holding them all
        return _Cell([(u, "") for u in units], joiner=joiner)

    def measure_cell(self, groups: list[Measure]) -> _Cell:
        if len(groups) > 1:
            return _Cell([(self.measure_text(m), "p") for m in groups])
        return _Cell([(self.measure_text(groups[0]), self.wrap())])

    # -------------------------------------------------------------- rows

    def emit(self, cells: list[_Cell], *, first_optional: bool = False) -> None:
        rendered = [c.render() for c in cells]
        if first_optional and not rendered[0] and self.rng.random() < self.p_drop_first:
            rendered = rendered[1:]
        if self.messy and self.rng.random() < 0.04:
            self.lines.append("")
        self.lines.append("\t".join(rendered))

    def row(self, cells: list[_Cell]) -> None:
        """A row that never breaks (item 0)."""
        self.emit(cells, first_optional=False)

    def group_row(self, item_cell: _Cell, groups: list[Measure]) -> None:
        """One table row holding one or more measures, maybe cut by a page break.

        The cut is horizontal, as on paper: measures before measure ``g`` stay on the first row,
        measures after it move to the continuation row, and ``g`` itself may have its title and
        one of its points cut mid-sentence. A measure's title and its first point always start
        on the same row, and a per-point unit sits on the row where its point starts.
        """
        mcell, pcell, ucell = self.measure_cell(groups), self.points_cell(groups, bare_single=len(groups) == 1), \
            self.units_cell(groups)
        if self.rng.random() >= self.p_break:
            self.emit([item_cell, mcell, pcell, ucell], first_optional=True)
            return
        rng = self.rng
        g = rng.randrange(len(groups))
        # Measure cell: titles of groups[:g] and the head of g's title on the first row.
        m_head, m_tail = self.cut_seg(mcell, g, whole=rng.random() < 0.5)
        # Points cell: segments are the points in order; find g's range.
        first_pt = sum(len(m.points) for m in groups[:g])
        n_g = len(groups[g].points)
        k = rng.randint(first_pt, first_pt + n_g - 1)  # the point where the page ends
        if k == first_pt or rng.random() < 0.7:
            p_head, p_tail = self.cut_seg(pcell, k, whole=False)
        else:  # the page ends between two points: the numbering simply continues below
            p_head, p_tail = _Cell(pcell.segs[:k], ol=pcell.ol), self.reopen(pcell.segs[k:])
        if self.per_point:
            n_head = len(p_head.segs)
            u_head, u_tail = _Cell(ucell.segs[:n_head]), _Cell(ucell.segs[n_head:])
        elif len(ucell.segs) > 1 and rng.random() < 0.6:
            j = rng.randint(1, len(ucell.segs) - 1)
            u_head, u_tail = _Cell(ucell.segs[:j], joiner=ucell.joiner), _Cell(ucell.segs[j:], joiner=ucell.joiner)
        else:
            u_head, u_tail = ucell, _EMPTY
        i_head, i_tail = self.cut_seg(item_cell, 0, whole=rng.random() < 0.5) if item_cell.segs else (_EMPTY, _EMPTY)
        head, tail = [i_head, m_head, p_head, u_head], [i_tail, m_tail, p_tail, u_tail]
        if not any(c.segs for c in tail):
            self.emit([item_cell, mcell, pcell, ucell], first_optional=True)
            return
        self.lines.append("\t".join(c.render() for c in head))
        if rng.random() < 0.5:
            self.lines.append("\t".join(rng.choice(("--", "---", "------------------------")) for _ in range(4)))
        self.lines.append("")
        self.lines.append("\t".join(c.render() for c in tail))

    def cut_seg(self, cell: _Cell, s: int, *, whole: bool) -> tuple[_Cell, _Cell]:
        """Cut ``cell`` inside segment ``s`` between two CJK ideographs (or just after it)."""
        text, wrap = cell.segs[s]
        cuts = [c for c in range(2, len(text) - 1) if _han(text[c - 1]) and _han(text[c])]
        if whole or not cuts:
            return _Cell(cell.segs[: s + 1], ol=cell.ol), self.reopen(cell.segs[s + 1:])
        c = self.rng.choice(cuts)
        head = _Cell(cell.segs[:s] + [(text[:c], wrap)], ol=cell.ol)
        return head, self.reopen([(text[c:], wrap)] + cell.segs[s + 1:], was=wrap or cell.ol)

    @staticmethod
    def reopen(segs: list[tuple[str, str]], *, was: object = True) -> _Cell:
        """The part after a page break opens fresh tags, as converters do."""
        if not segs:
            return _EMPTY
        wrap = "p" if was else ""
        return _Cell([(t, wrap) for t, _ in segs])

    # -------------------------------------------------------------- document

    def section(self, name: str) -> str:
        if self.messy and self.rng.random() < 0.3:
            return f"## {name}："
        return name

    def write(self) -> str:
        plan, rng, L = self.plan, self.rng, self.lines
        L += ["", ""]
        spaced_title = bool(re.match(r"\d+ ", plan.title))
        form = rng.choice(("one", "md", "two")) if self.messy else "one"
        if form != "two" and not spaced_title:
            form = "two"
        if form == "one":
            L.append(f"{plan.agency} {plan.title}")
        elif form == "md":
            L.append(f"# {plan.agency} {plan.title}")
        else:
            L += [plan.agency, "", plan.title]
        roc = plan.roc_year if plan.roc_year is not None else ""
        L += ["", self.section("壹、計畫依據"), ""]
        for i, b in enumerate(rng.sample(BASIS, 2), 1):
            L.append(f"- {_cn(i)}、{b.format(roc=roc)}")
        L += ["", self.section("貳、計畫目標"), ""]
        L += [f"- {_cn(i)}、{g}" for i, g in enumerate(plan.goals, 1)]
        if rng.random() < 0.6:
            L += ["", f"參、實施對象：{plan.agency}"]
        L += ["", self.section("肆、計畫內容"), ""]
        L.append(rng.choice(HEADERS) if self.messy else HEADERS[0])
        for it in plan.items:
            self.item_rows(it)
        L.append("--\t--\t---\t--------------------------------")
        L += ["", self.section("伍、管制考核"), ""]
        for c in CONTROL:
            L += [c, ""]
        return "\n".join(L)

    def item_rows(self, it: Item) -> None:
        if it.code == "0":
            m = it.measures[0]
            self.row([_Cell([(it.title, "")]), _Cell([(m.title, "")]),
                      _Cell([(p.text, "") for p in m.points][:1]), self.units_cell([m])])
            return
        groups: list[list[Measure]] = []
        ms = list(it.measures)
        while ms:
            k = 1
            if self.per_point and self.rng.random() < self.p_merge:
                k = min(len(ms), self.rng.choice((2, 3)))
            groups.append(ms[:k])
            ms = ms[k:]
        for gi, g in enumerate(groups):
            item_cell = _Cell([(self.item_text(it), self.wrap())]) if gi == 0 else _EMPTY
            self.group_row(item_cell, g)


def write_plan(plan: Plan, path: str | os.PathLike[str] | None = None, *, messy: bool = True,
               seed: int = 0) -> str:
    """Render ``plan`` as seed-like text; write it to ``path`` (UTF-8) if given.

    Args:
        plan: the plan to render. Its texts must already be in the parser's normal form, which
            :func:`svcsim.synth.generate_corpus` guarantees.
        path: where to write the file (parent folders are created); ``None`` only returns the text.
        messy: ``False`` gives one clean row per measure with plain numbering.
        seed: chooses the quirks; the same plan and seed always give the same bytes.

    Returns:
        The text.

    Raises:
        InputError: ``plan`` is not a Plan, a point has no text, or an item-0 row has no point.
    """
    if not isinstance(plan, Plan):
        raise InputError("plan", f"expected a svcsim.model.Plan, got {type(plan).__name__}")
    for it in plan.items:
        for m in it.measures:
            if it.code == "0" and len(m.points) != 1:
                raise InputError(plan.file or "plan", "the 訂定「提升服務計畫」 row (item 0) must hold exactly one point")
            for p in m.points:
                if not p.text:
                    raise InputError(plan.file or "plan", f"{it.code}{m.code} point {p.n} has no text; cannot render it")
    rng = random.Random(f"svcsim.synth:render:{seed}:{plan.file}")
    text = _Writer(plan, messy, rng).write() + "\n"
    if path is not None:
        _atomic_write(Path(path), text)
    return text


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; a plan file is an ordinary shareable file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
