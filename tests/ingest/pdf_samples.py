"""Render a :class:`~svcsim.model.Plan` as a web page printed to PDF by Chromium: a second PDF
producer beside LibreOffice (svcsim.synth.native), with and without cell borders, a rowspan
item column and a header repeated on every page (``<thead>``).

Callers skip when :func:`have_chromium` is false.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

from svcsim.model import Plan

def have_chromium() -> bool:
    return shutil.which("chromium") is not None


def item_label(code: str, title: str) -> str:
    return (f"{code}、" if code not in ("0", "") else "") + title


def _units(m) -> list[str]:
    """Per-point units one paragraph each; otherwise the measure's units in one paragraph."""
    if any(p.units for p in m.points):
        return [u for p in m.points for u in p.units]
    return [" ".join(m.units)] if m.units else []


def _header_lines(plan: Plan) -> list[str]:
    lines = [plan.agency + plan.title, "壹、計畫目標"]
    lines += [f"{'一二三四五六七八九十'[k]}、{g}" for k, g in enumerate(plan.goals[:10])]
    lines.append("貳、執行要項")
    return lines


def plan_html(plan: Plan, *, ruled: bool) -> str:
    """A plan as a web page with a rowspan item column (Chromium prints it)."""
    rows = []
    for it in plan.items:
        label = html.escape(item_label(it.code, it.title))
        for k, m in enumerate(it.measures):
            points = "".join(f"<p>{p.n}. {html.escape(p.text)}</p>" for p in m.points)
            units = "".join(f"<p>{html.escape(u)}</p>" for u in _units(m))
            first = f'<td rowspan="{len(it.measures)}">{label}</td>' if k == 0 else ""
            rows.append(f"<tr>{first}<td>{html.escape(m.code + m.title)}</td><td>{points}</td><td>{units}</td></tr>")
    border = "border:1px solid #000;" if ruled else ""
    head = "".join(f"<th>{h}</th>" for h in ("執行要項", "具體措施", "執行重點", "執行單位"))
    intro = "".join(f"<p>{html.escape(line)}</p>" for line in _header_lines(plan))
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>"
        "body{font-family:'Noto Sans CJK TC',sans-serif;font-size:11pt} p{margin:0}"
        f"table{{border-collapse:collapse;width:100%}} td,th{{{border}vertical-align:top;padding:3px 5px}}"
        "th{font-weight:bold} col.a{width:16%} col.b{width:20%} col.c{width:48%} col.d{width:16%}"
        "</style></head><body>" + intro
        + "<table><colgroup><col class=a><col class=b><col class=c><col class=d></colgroup>"
        + f"<thead><tr>{head}</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        + "<p>參、管制考核：本計畫由秘書室列管。</p></body></html>"
    )


def chromium_pdf(page: str, outdir: Path, name: str) -> Path:
    src = outdir / f"{name}.html"
    src.write_text(page, encoding="utf-8")
    out = outdir / f"{name}.pdf"
    profile = Path(tempfile.gettempdir()) / f"chromium-{uuid.uuid4().hex}"
    try:
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
                        "--no-pdf-header-footer", f"--print-to-pdf={out}", src.as_uri()],
                       check=True, capture_output=True, timeout=120, env={**os.environ, "HOME": str(profile)})
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if not out.exists():
        raise RuntimeError(f"chromium made no PDF of {src}")
    return out
