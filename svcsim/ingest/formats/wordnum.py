"""Word automatic numbering: which list and level a paragraph is in (``w:numPr`` on the paragraph
or its style in styles.xml) and the label Word shows for it (numbering.xml).

Example:
    >>> from lxml import etree
    >>> W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    >>> xml = (f'<w:numbering xmlns:w="{W}"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
    ...        '<w:numFmt w:val="taiwaneseCounting"/><w:suff w:val="nothing"/><w:lvlText w:val="（%1）"/></w:lvl>'
    ...        '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>')
    >>> numbering = Numbering(etree.fromstring(xml), W, Styles(None, W))
    >>> numbering.label("1", 0, None), numbering.label("1", 0, None)
    ('（一）', '（二）')
"""

from __future__ import annotations

from dataclasses import dataclass, field

from svcsim.ingest.formats.listnum import NO_NUMBER, WORD_PLACEHOLDER, fill_template, format_number


def int_value(value: str | None, default: int, lo: int = -(2**31), hi: int = 2**31) -> int:
    try:
        return max(lo, min(hi, int(value))) if value is not None else default
    except ValueError:
        return default


def is_on(el, w: str) -> bool:
    """A Word toggle property (``<w:vanish/>``, ``w:val="true"``/``"1"``/``"on"``) is set."""
    return el is not None and el.get(f"{w}val", "true") in ("true", "1", "on")


class Styles:
    """Paragraph styles' numbering (``w:numPr`` in the style's pPr, through ``w:basedOn``)."""

    def __init__(self, root, ns: str) -> None:
        w = f"{{{ns}}}"
        self.based_on: dict[str, str] = {}
        self.num: dict[str, tuple[str | None, int | None]] = {}
        self.default: str | None = None
        if root is None:
            return
        for st in root.iter(f"{w}style"):
            if st.get(f"{w}type") != "paragraph":
                continue
            sid = st.get(f"{w}styleId")
            if sid is None:
                continue
            if _on_attr(st.get(f"{w}default")):
                self.default = sid
            base = st.find(f"{w}basedOn")
            if base is not None and base.get(f"{w}val"):
                self.based_on[sid] = base.get(f"{w}val")
            num_pr = st.find(f"{w}pPr/{w}numPr")
            if num_pr is not None:
                num_id = num_pr.find(f"{w}numId")
                ilvl = num_pr.find(f"{w}ilvl")
                self.num[sid] = (num_id.get(f"{w}val") if num_id is not None else None,
                                 int_value(ilvl.get(f"{w}val"), 0, 0, 8) if ilvl is not None else None)

    def numbering(self, style_id: str | None) -> tuple[str | None, int | None, str | None]:
        """(numId, ilvl, the style that carries it) of a paragraph style, following basedOn."""
        sid = style_id or self.default
        seen: set[str] = set()
        num_id: str | None = None
        ilvl: int | None = None
        owner: str | None = None
        while sid is not None and sid not in seen:
            seen.add(sid)
            if sid in self.num:
                nid, lv = self.num[sid]
                if num_id is None and nid is not None:
                    num_id, owner = nid, sid
                if ilvl is None and lv is not None:
                    ilvl = lv
                if num_id is not None and ilvl is not None:
                    break
            sid = self.based_on.get(sid)
        return num_id, ilvl, owner


def _on_attr(value: str | None) -> bool:
    return value in ("1", "true", "on")


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str | None = None
    suffix: str = "tab"
    legal: bool = False
    restart: int | None = None  # w:lvlRestart: restart after level (1-based); 0 = never
    style: str | None = None


@dataclass
class _Num:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # startOverride per level
    levels: dict[int, _Level] = field(default_factory=dict)  # a whole w:lvl in a lvlOverride


class Numbering:
    """numbering.xml, and the counters of the document read so far.

    Word keeps one running count per ``w:abstractNum``: the paragraphs of every ``w:num`` that
    points at it continue one sequence, through the whole document and across table cells. A
    ``w:num`` with a ``w:startOverride`` for a level sets that count to the override where the
    num is first used at that level (Word's "restart numbering" / "set numbering value"); later
    paragraphs of any num of the list continue from there. A level's count resets when a
    shallower level advances (or as ``w:lvlRestart`` says).
    """

    def __init__(self, root, ns: str, styles: Styles) -> None:
        w = self.w = f"{{{ns}}}"
        self.styles = styles
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.style_link: dict[str, str] = {}  # abstract → the numbering style it borrows levels from
        self.nums: dict[str, _Num] = {}
        self.counters: dict[str, dict[int, int]] = {}  # abstractNumId → level → count
        self.entered: set[tuple[str, int]] = set()  # (numId, level) already used: its override applied
        if root is None:
            return
        for ab in root.iter(f"{w}abstractNum"):
            aid = ab.get(f"{w}abstractNumId")
            if aid is None:
                continue
            self.abstract[aid] = {lv: level for lv, level in (self._level(el) for el in ab.iter(f"{w}lvl"))}
            link = ab.find(f"{w}numStyleLink")
            if link is not None and link.get(f"{w}val"):
                self.style_link[aid] = link.get(f"{w}val")
        for num in root.iter(f"{w}num"):
            nid, ref = num.get(f"{w}numId"), num.find(f"{w}abstractNumId")
            if nid is None or ref is None or ref.get(f"{w}val") is None:
                continue
            entry = _Num(ref.get(f"{w}val"))
            for ov in num.iter(f"{w}lvlOverride"):
                ilvl = int_value(ov.get(f"{w}ilvl"), 0, 0, 8)
                start = ov.find(f"{w}startOverride")
                if start is not None:
                    entry.starts[ilvl] = int_value(start.get(f"{w}val"), 0, 0, 10**6)
                lvl = ov.find(f"{w}lvl")
                if lvl is not None:
                    entry.levels[ilvl] = self._level(lvl)[1]
            self.nums[nid] = entry

    def _level(self, el) -> tuple[int, _Level]:
        w = self.w

        def val(tag: str) -> str | None:
            child = el.find(f"{w}{tag}")
            return child.get(f"{w}val") if child is not None else None

        text = val("lvlText")
        restart = val("lvlRestart")
        return int_value(el.get(f"{w}ilvl"), 0, 0, 8), _Level(
            start=int_value(val("start"), 0, 0, 10**6), fmt=val("numFmt") or "decimal", text=text,
            suffix=val("suff") or "tab", legal=is_on(el.find(f"{w}isLgl"), w),
            restart=int_value(restart, 0, 0, 9) if restart is not None else None, style=val("pStyle"),
        )

    def _levels(self, num: _Num) -> tuple[str, dict[int, _Level]]:
        """(the abstract list whose levels apply, those levels with the num's overrides)."""
        aid = num.abstract
        seen = set()
        while aid in self.style_link and aid not in seen:  # numStyleLink: levels live in the style's list
            seen.add(aid)
            linked_num, _, _ = self.styles.numbering(self.style_link[aid])
            if linked_num is None or linked_num not in self.nums:
                break
            aid = self.nums[linked_num].abstract
        levels = dict(self.abstract.get(aid, {}))
        levels.update(num.levels)
        return aid, levels

    def label(self, num_id: str, ilvl: int | None, style: str | None) -> str:
        """Count one numbered paragraph and return its label as Word shows it, with the space
        that stands for the tab after it (``"1. "``), or ``""``."""
        num = self.nums.get(num_id)
        if num is None:
            return ""
        aid, levels = self._levels(num)
        if ilvl is None:  # a style's numbering without a level: the level that names the style
            ilvl = next((k for k, lv in levels.items() if style is not None and lv.style == style), 0)
        level = levels.get(ilvl)
        if level is None:
            return ""
        counters = self.counters.setdefault(aid, {})

        def start(k: int) -> int:
            return levels[k].start if k in levels else 1

        if ilvl in num.starts and (num_id, ilvl) not in self.entered:
            counters[ilvl] = num.starts[ilvl]
        else:
            counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start(ilvl)
        self.entered.add((num_id, ilvl))
        for deeper in [k for k in counters if k > ilvl]:
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart != 0 and ilvl < restart):
                del counters[deeper]
        if level.fmt == "bullet" or not level.text:
            return ""

        def number(k: int) -> str:
            lv = levels.get(k)
            fmt = lv.fmt if lv is not None else "decimal"
            if level.legal and fmt not in NO_NUMBER:
                fmt = "decimal"
            return format_number(counters.get(k, start(k)), fmt)

        text = fill_template(level.text, WORD_PLACEHOLDER, number)
        if not text.strip():
            return ""
        return text + ("" if level.suffix == "nothing" else " ")
