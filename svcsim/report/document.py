"""Assemble the sections into one self-contained HTML file (inline CSS, no scripts, no network).

>>> from svcsim.report import ReportSection, build_report        # doctest: +SKIP
>>> page = build_report(result, extra_sections=[ReportSection("map", "主題地圖", "<img src='data:...'>")])  # doctest: +SKIP
>>> write_report("report.html", page)                            # doctest: +SKIP
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from svcsim.dupes import DupesResult
from svcsim.errors import InputError
from svcsim.i18n import current_lang, t
from svcsim.report.sections import ReportSection, esc, overlap_section, overview_section, pairs_section

CSS = """
body{font-family:"Noto Sans CJK TC","Noto Sans TC","Microsoft JhengHei",sans-serif;margin:2em auto;max-width:1200px;
 padding:0 1em;color:#222;line-height:1.5}
h1{font-size:1.6em}h2{border-bottom:2px solid #c33;padding-bottom:.2em;margin-top:2em}
nav ul{columns:2}table{border-collapse:collapse;margin:.5em 0}
table.data td,table.data th{border:1px solid #ccc;padding:.25em .6em}td.n{text-align:right;white-space:nowrap}
.bar{display:inline-block;height:.7em;width:4em;margin-right:.4em;background:linear-gradient(90deg,#2a7 var(--w),#eee var(--w))}
.scroll{overflow:auto;max-height:80vh}table.heat td{width:1.8em;height:1.8em;text-align:center;border:1px solid #eee;font-size:.8em}
table.heat th{font-weight:normal;font-size:.85em;text-align:right;padding-right:.4em;white-space:nowrap}
th.rot{height:8em;vertical-align:bottom}th.rot div{writing-mode:vertical-rl;margin:0 auto}
table.pairs{width:100%}table.pairs td{border-top:1px solid #ccc;vertical-align:top;padding:.5em}
td.meta{width:7em}td.src,td.dst{width:46%}.text{margin-top:.3em}
mark{background:#ffe08a;padding:0 1px}.tag{padding:.1em .4em;border-radius:.3em;color:#fff;font-size:.85em}
.tag.copy{background:#c33}.tag.near_copy{background:#e67e22}.tag.paraphrase{background:#2c7fb8}.tag.related{background:#888}
details.template{margin-top:1.5em;background:#f6f6f6;padding:.5em 1em}details.template summary{cursor:pointer;font-weight:bold}
.note{color:#666}.def{background:#f3f7fb;border-left:3px solid #2c7fb8;padding:.3em .7em}
.stack{display:inline-flex;width:12em;height:.9em;background:#eee;vertical-align:middle}.stack span{height:100%}
ul.legend{list-style:none;padding:0;font-size:.9em}.sw{display:inline-block;width:.9em;height:.9em;margin-right:.4em;vertical-align:middle}
.key{display:inline-block;padding:0 .5em;margin-right:.2em;font-size:.85em}
"""


def build_report(
    result: DupesResult,
    *,
    title: str | None = None,
    subtitle: str = "",
    extra_sections: Sequence[ReportSection] = (),
    max_pairs: int = 2000,
) -> str:
    """The report as one HTML string.

    Args:
        result: :func:`svcsim.dupes.analyse` output.
        title: page title (default: the report's title in the current language).
        subtitle: one line under the title (e.g. corpus and model); escaped.
        extra_sections: more sections, appended after the built-in ones (clusters, maps…).
        max_pairs: at most this many pairs per pair table.

    Raises:
        InputError: two sections share an id.
    """
    title = title if title is not None else t("report.title")
    sections = [overview_section(result), overlap_section(result), pairs_section(result, max_pairs=max_pairs),
                *extra_sections]
    ids = [s.id for s in sections]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise InputError("extra_sections", f"section ids must be unique, got {', '.join(dup)} twice; rename one")
    toc = "".join(f"<li><a href='#{esc(s.id)}'>{esc(s.title)}</a></li>" for s in sections)
    body = "".join(f"<section id='{esc(s.id)}'><h2>{esc(s.title)}</h2>{s.html}</section>" for s in sections)
    return (
        f"<!DOCTYPE html><html lang='{'en' if current_lang() == 'en' else 'zh-Hant'}'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        # No network, ever: the CSP keeps a stray URL in plan text or an extra section from loading anything.
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">"
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{esc(title)}</h1>{f'<p>{esc(subtitle)}</p>' if subtitle else ''}<nav><ul>{toc}</ul></nav>{body}"
        "</body></html>"
    )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_report(path: str | os.PathLike[str], page: str) -> Path:
    """Write ``page`` to ``path`` atomically (temp file in the same folder, then rename).

    Raises:
        InputError: the folder does not exist.
    """
    out = Path(path).expanduser()
    if not out.parent.is_dir():
        raise InputError(out, f"folder {out.parent} does not exist; create it or choose another --out")
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(page)
        os.chmod(tmp, 0o666 & ~_umask())  # a report is for sharing: mkstemp's 0600 would hide it
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
