"""Writer list numbering: the list styles of an .odt (content.xml and styles.xml) and the label
Writer draws for a list item or an outline-numbered heading.

A list's numbers run per top-level ``text:list`` (:class:`ListCounter`), which lists that continue
it share; :class:`ListStyles` gives each level its format, prefix and suffix or its
``loext:num-list-format`` template, and the counter puts them together as Writer does.

Example:
    >>> from lxml import etree
    >>> xml = ('<text:list-style xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    ...        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" style:name="L1">'
    ...        '<text:list-level-style-number text:level="1" style:num-format="一" style:num-prefix="（" '
    ...        'style:num-suffix="）"/></text:list-style>')
    >>> levels = ListStyles(etree.fromstring(xml), None).lists["L1"]
    >>> counter = ListCounter()
    >>> counter.advance(1, levels, None); counter.advance(1, levels, None)
    >>> counter.label(1, levels)
    '（二） '
"""

from __future__ import annotations

from dataclasses import dataclass, field

from svcsim.ingest.formats.listnum import NO_NUMBER, ODF_PLACEHOLDER, fill_template, format_number, odf_format
from svcsim.ingest.formats.wordnum import int_value

# The namespaces of list styles (odt.py names the body's), and LibreOffice's extension that
# carries a level's label template.
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_LOEXT = "{urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0}"


@dataclass(frozen=True)
class _Level:
    fmt: str = "none"           # Word format name (listnum), "bullet" for bullets and images
    prefix: str = ""
    suffix: str = ""
    start: int = 1
    display_levels: int = 1
    template: str | None = None  # loext:num-list-format ("%1%.") when Writer wrote one
    space_after: bool = True     # label followed by a tab or space (not "nothing")


class ListStyles:
    """The list styles of content.xml (automatic) and styles.xml (named and automatic), and the
    outline style that numbers headings."""

    def __init__(self, content, styles) -> None:
        self.lists: dict[str, dict[int, _Level]] = {}
        self.paragraph_list: dict[str, str] = {}  # paragraph style → its list style
        self.outline: dict[int, _Level] = {}
        for root in (styles, content):  # content's automatic styles win a name clash
            if root is None:
                continue
            for ls in root.iter(f"{_TEXT}list-style"):
                name = ls.get(f"{_STYLE}name")
                if name:
                    self.lists[name] = self._levels(ls)
            for st in root.iter(f"{_STYLE}style"):
                name, ls_name = st.get(f"{_STYLE}name"), st.get(f"{_STYLE}list-style-name")
                if name and ls_name:
                    self.paragraph_list[name] = ls_name
            outline = root.find(f".//{_TEXT}outline-style")
            if outline is not None:
                self.outline = self._levels(outline)

    @staticmethod
    def _levels(ls) -> dict[int, _Level]:
        out: dict[int, _Level] = {}
        for el in ls:
            tag = el.tag
            level = int_value(el.get(f"{_TEXT}level"), 0, 0, 10)
            if not level:
                continue
            follow = el.find(f"{_STYLE}list-level-properties/{_STYLE}list-level-label-alignment")
            space = follow is None or follow.get(f"{_TEXT}label-followed-by") != "nothing"
            if tag in (f"{_TEXT}list-level-style-number", f"{_TEXT}outline-level-style"):
                out[level] = _Level(
                    fmt=odf_format(el.get(f"{_STYLE}num-format")), prefix=el.get(f"{_STYLE}num-prefix", ""),
                    suffix=el.get(f"{_STYLE}num-suffix", ""), start=int_value(el.get(f"{_TEXT}start-value"), 1, 0, 10**6),
                    display_levels=int_value(el.get(f"{_TEXT}display-levels"), 1, 1, 10),
                    template=el.get(f"{_LOEXT}num-list-format"), space_after=space)
            elif tag in (f"{_TEXT}list-level-style-bullet", f"{_TEXT}list-level-style-image"):
                out[level] = _Level(fmt="bullet")
        return out


@dataclass
class ListCounter:
    """The running numbers of one list (a top-level text:list and the lists that continue it)."""

    values: dict[int, int] = field(default_factory=dict)

    def advance(self, level: int, levels: dict[int, _Level], start: int | None) -> None:
        if start is not None:
            self.values[level] = start
        elif level in self.values:
            self.values[level] += 1
        else:
            self.values[level] = levels[level].start if level in levels else 1
        for deeper in [k for k in self.values if k > level]:
            del self.values[deeper]

    def label(self, level: int, levels: dict[int, _Level]) -> str:
        style = levels.get(level)
        if style is None or style.fmt == "bullet":
            return ""

        def number(k: int) -> str:  # k is 1-based here
            lv = levels.get(k)
            fmt = lv.fmt if lv is not None else "decimal"
            return format_number(self.values.get(k, lv.start if lv is not None else 1), fmt)

        if style.template is not None:
            text = fill_template(style.template, ODF_PLACEHOLDER, lambda k0: number(k0 + 1))
        elif style.fmt in NO_NUMBER:
            text = style.prefix + style.suffix
        else:
            first = max(1, level - style.display_levels + 1)
            text = style.prefix + ".".join(number(k) for k in range(first, level + 1)) + style.suffix
        if not text.strip():
            return ""
        return text + (" " if style.space_after else "")


@dataclass(frozen=True)
class ListContext:
    counter: ListCounter
    level: int
    style: str | None

