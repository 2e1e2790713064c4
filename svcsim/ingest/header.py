"""The text above the table: plan title, agency, ROC year and goals (計畫目標).

Example:
    >>> read_header(["# 新竹縣範例局 112 年度提升服務計畫", "貳、計畫目標", "- 一、便民。", "參、實施對象"])
    HeaderInfo(agency='新竹縣範例局', roc_year=112, title='112 年度提升服務計畫', goals=('便民。',))
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from svcsim.ingest.cells import cn_to_int, normalise_ws, strip_tags

_SECTION = re.compile(r"^(?:[壹貳參肆伍陸柒捌玖拾]+|[一二三四五六七八九十]+)\s*[、.．]")
# The plan year: "113年度", "113 年", "民國113年", "一一三年度", "一百一十三年度", or a western "2024年".
_YEAR = re.compile(r"(?:(?:中華)?民國\s*)?(?<![0-9０-９])([0-9０-９]{2,4}|[一二三四五六七八九十百零〇○]{2,6})\s*年")
_DECOR = re.compile(r"^[#>*\s]+|[*\s]+$")
_BULLET = re.compile(r"^[-*•●・]\s*")
_GOAL_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+\s*[、.．]|[(（]\s*[一二三四五六七八九十0-9]+\s*[)）]|[0-9]+\s*[.．、])\s*")


@dataclass(frozen=True)
class HeaderInfo:
    agency: str
    roc_year: int | None
    title: str
    goals: tuple[str, ...]


def _clean(line: str) -> str:
    return _DECOR.sub("", strip_tags(line)).strip()


def read_header(lines: list[str]) -> HeaderInfo:
    """Read title/agency/year from the first line naming a 計畫, and the goals section.

    ``lines`` are the lines above the table. The agency is the text before the year on the
    title line, or the line(s) above it when the title starts with the year (two-line titles).
    """
    cleaned = [_clean(line) for line in lines]
    titles = [i for i, c in enumerate(cleaned) if ("計畫" in c or "計劃" in c) and not _SECTION.match(c)]
    # A web page or cover sheet names other 計畫 first (a breadcrumb "首頁 > 施政計畫", a menu): the plan's
    # own title names the service plan, and usually its year.
    title_idx = next(
        (i for rank in (lambda c: "服務" in c and _find_year(c) is not None, lambda c: "服務" in c,
                        lambda c: _find_year(c) is not None, lambda c: True)
         for i in titles if rank(cleaned[i])),
        None,
    )
    agency, roc_year, title = "", None, ""
    if title_idx is not None:
        line = cleaned[title_idx]
        above = [c for c in cleaned[:title_idx] if c and not _SECTION.match(c)]
        found = _find_year(line)
        if found is None and above and len(above[-1]) <= 40 and _find_year(above[-1]) is not None:
            # "臺中市某區公所 / 113年度 / 提升服務計畫": the year sits on its own line above the title.
            line = above.pop() + " " + line
            found = _find_year(line)
        if found is not None:
            start, roc_year = found
            agency, title = line[:start], line[start:]
        else:
            cut = line.find("提升")
            agency, title = (line[:cut], line[cut:]) if cut > 0 else ("", line)
        if not agency.strip():
            agency = above[-1] if above else ""
        agency, title = normalise_ws(agency), normalise_ws(title)
    return HeaderInfo(agency=agency, roc_year=roc_year, title=title, goals=_goals(cleaned))


def _find_year(line: str) -> tuple[int, int] | None:
    """Where the plan year starts in ``line`` and its ROC value, if the line names one."""
    for m in _YEAR.finditer(line):
        numeral = unicodedata.normalize("NFKC", m.group(1))
        try:
            value = int(numeral) if numeral.isdigit() else cn_to_int(numeral)
        except ValueError:  # a run of numeral characters that is no number, e.g. "百百"
            continue
        if 1912 <= value <= 2200:
            value -= 1911
        if 30 <= value <= 250:
            return m.start(), value
    return None


def _goals(cleaned: list[str]) -> tuple[str, ...]:
    start = next((i for i, c in enumerate(cleaned) if "目標" in c and _SECTION.match(c) and len(c) <= 30), None)
    if start is None:
        return ()
    goals: list[str] = []
    numbered = False
    inline = re.split(r"[：:]", cleaned[start], maxsplit=1)
    body = [inline[1]] if len(inline) > 1 and inline[1].strip() else []
    for c in body + cleaned[start + 1 :]:
        if _SECTION.match(c) and not _BULLET.match(c) and _is_section_like(c, cleaned[start]):
            break
        text = _BULLET.sub("", c)
        if not text:
            continue
        m = _GOAL_NUMBER.match(text)
        if m:
            numbered = True
            goals.append(text[m.end() :])
        elif numbered and goals:
            goals[-1] += text  # a goal wrapped onto the next line
        else:
            goals.append(text)
    return tuple(normalise_ws(g) for g in goals if normalise_ws(g))


def _is_section_like(line: str, heading: str) -> bool:
    """Whether ``line`` is a heading of the same numbering family as the goals heading."""
    big = "壹貳參肆伍陸柒捌玖拾"
    return (line[0] in big) == (heading[0] in big)
