"""Fuzz every plan reader with mutated real documents: 0 unexpected exceptions is the bar.

Seeds are renderings of the hand-written fixture plans (tests/fixtures/plans) in each format:
converted text, web-copied text, a CMS web page, and (with LibreOffice) .docx, .odt and .pdf.
Each input is one seed with random mutations a damaged or hostile file has:

* bytes: flips, truncation, a chunk deleted, duplicated or overwritten with noise;
* ZIP formats (.docx/.odt): one XML member edited (elements deleted or duplicated, text
  replaced, span/merge/numbering attributes set to hostile values, entity declarations), then
  re-zipped, or the container itself damaged;
* markup (HTML/text): tags, spans and numbering marks spliced in.

An input passes when :func:`svcsim.ingest.load_bytes` returns a plan or raises an
:class:`~svcsim.errors.InputError` (one line, naming the file); anything else, or a parse that
takes over 10 s, is a failure. Used by ``benchmarks/reliability.py``.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "plans"
SLOW_S = 10.0

_HOSTILE_ATTRS = [
    (rb'w:val="(\d+)"', [b'w:val="999999999"', b'w:val="-1"', b'w:val="x"', b'w:val=""']),
    (rb'gridSpan w:val="\d+"', [b'gridSpan w:val="1000000"', b'gridSpan w:val="0"']),
    (rb'number-rows-spanned="\d+"', [b'number-rows-spanned="2147483647"', b'number-rows-spanned="0"']),
    (rb'number-columns-repeated="\d+"', [b'number-columns-repeated="1073741823"']),
    (rb'number-columns-spanned="\d+"', [b'number-columns-spanned="99999"']),
    (rb'<w:vMerge/>', [b'<w:vMerge w:val="continue"/>', b'<w:vMerge w:val="restart"/>']),
    (rb'<w:numId w:val="\d+"/>', [b'<w:numId w:val="424242"/>', b'<w:numId w:val="0"/>']),
]
_SPLICE = [b"<", b">", b"</p>", b"<tr>", b"<td rowspan=99999>", b"<td colspan=-3>", b"\xff\xfe", b"\x00",
           "一、".encode(), "(一)".encode(), b"1. ", "執行重點".encode(), b"&#xD800;", b"&amp;", b"\t", b"\n",
           b"<!ENTITY a 'aaaaaaaaaa'>", b"]]>", b"<![CDATA[", "\u202e".encode()]


def seeds(work: Path) -> dict[str, list[bytes]]:
    """Seed documents per reader kind, made from the fixture plans (LibreOffice ones if present)."""
    from svcsim.model import Plan
    from svcsim.synth.native import LAYOUTS, render, render_html_page, soffice_path

    plans = [Plan.from_dict(json.loads(p.read_text(encoding="utf-8"))) for p in sorted(FIXTURES.glob("*.expected.json"))]
    out: dict[str, list[bytes]] = {"text": [], "html": [], "docx": []}
    for p in sorted(FIXTURES.glob("*.txt"))[:4]:
        out["text"].append(p.read_bytes())
    for i, plan in enumerate(plans[:3]):
        out["html"].append(render_html_page(plan, work / f"seed{i}.html").read_bytes())
        out["docx"].append(render(plan, work / f"seed{i}", "docx", LAYOUTS["autonum" if i % 2 else "plain4"]).read_bytes())
    if soffice_path() is not None:
        out["odt"], out["pdf"] = [], []
        for i, plan in enumerate(plans[:2]):
            out["odt"].append(render(plan, work / f"seed{i}", "odt", LAYOUTS["plain4"]).read_bytes())
        # A short plan keeps each PDF parse fast, so ten thousand of them fit in minutes.
        small = min(plans, key=lambda p: p.n_points)
        out["pdf"].append(render(small, work / "seed_small", "pdf", LAYOUTS["plain4"]).read_bytes())
        out["pdf"].append(render(small, work / "seed_unruled", "pdf", LAYOUTS["unruled"]).read_bytes())
    return out


def mutate(data: bytes, kind: str, rng: random.Random) -> bytes:
    """One hostile variant of a seed document."""
    if kind in ("docx", "odt") and rng.random() < 0.7:
        return _mutate_zip(data, rng)
    if kind in ("html", "text") and rng.random() < 0.5:
        return _splice(data, rng)
    return _bytes(data, rng)


def _bytes(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(5)
        if not b:
            break
        i = rng.randrange(len(b))
        if op == 0:
            b[i] = rng.randrange(256)
        elif op == 1:
            del b[i:]
        elif op == 2:
            del b[i : i + rng.randint(1, 512)]
        elif op == 3:
            j = min(len(b), i + rng.randint(1, 512))
            b[i:i] = b[i:j] * rng.randint(1, 4)
        else:
            b[i : i + 16] = bytes(rng.randrange(256) for _ in range(16))
    return bytes(b)


def _splice(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)  # may be empty: a member deleted down to nothing
    for _ in range(rng.randint(1, 6)):
        i = rng.randrange(len(b) + 1)
        b[i:i] = rng.choice(_SPLICE)
    return bytes(b)


def _mutate_zip(data: bytes, rng: random.Random) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = [(info, z.read(info)) for info in z.infolist()]
    xml = [k for k, (info, body) in enumerate(members) if info.filename.endswith(".xml")]
    k = rng.choice(xml)
    info, body = members[k]
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(5)
        if op == 0:
            pattern, values = rng.choice(_HOSTILE_ATTRS)
            body = re.sub(pattern, lambda m: rng.choice(values), body, count=rng.randint(1, 50))
        elif op == 1:  # delete an element-ish span
            starts = [m.start() for m in re.finditer(rb"<", body)]
            if len(starts) > 2:
                i = rng.choice(starts)
                body = body[:i] + body[i + rng.randint(1, 400) :]
        elif op == 2 and body:  # duplicate a span
            i = rng.randrange(len(body))
            body = body[:i] + body[i : i + rng.randint(1, 2000)] * rng.randint(2, 20) + body[i:]
        elif op in (2, 3):
            body = _splice(body, rng)
        else:
            body = body.replace(b"?>", b"?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>", 1)
    members[k] = (info, body)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, body in members:
            z.writestr(info.filename, body, compress_type=zipfile.ZIP_STORED if info.filename == "mimetype" else None)
    return out.getvalue()


def run_one(args: tuple[str, bytes, int, int]) -> tuple[int, int, int, list[str]]:
    """Fuzz ``n`` mutations of one seed; return (tried, parsed, failures, examples)."""
    from svcsim.errors import InputError
    from svcsim.ingest import load_bytes

    kind, seed, n, rs = args
    rng = random.Random(rs)
    tried = parsed = failures = 0
    examples: list[str] = []
    for _ in range(n):
        data = mutate(seed, kind, rng)
        tried += 1
        start = time.perf_counter()
        try:
            load_bytes(data, f"fuzz.{kind}")
            parsed += 1
        except InputError as exc:
            msg = str(exc)
            if not msg.startswith(f"fuzz.{kind}: ") or "\n" in msg:
                failures += 1
                examples.append(f"unclear error: {msg[:120]}")
        except Exception as exc:  # noqa: BLE001 - counting exactly these is the point
            failures += 1
            examples.append(f"{type(exc).__name__}: {str(exc)[:120]}")
        if time.perf_counter() - start > SLOW_S:
            failures += 1
            examples.append(f"took {time.perf_counter() - start:.0f} s")
    return tried, parsed, failures, examples[:3]


def fuzz(work: Path, per_reader: int, *, workers: int = 2, seed: int = 0) -> list[tuple[str, int, int, int, list[str]]]:
    """``per_reader`` inputs for each reader kind; returns (kind, tried, parsed, failures, examples)."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    table = []
    for kind, docs in seeds(work).items():
        if not docs:
            continue
        jobs, share = [], -(-per_reader // (len(docs) * workers))
        for d, doc in enumerate(docs):
            for w in range(workers):
                jobs.append((kind, doc, share, seed * 1000 + d * 10 + w))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(run_one, jobs))
        tried = sum(r[0] for r in results)
        table.append((kind, tried, sum(r[1] for r in results), sum(r[2] for r in results),
                      [e for r in results for e in r[3]][:5]))
    return table
