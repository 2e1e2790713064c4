"""Every native reader, fed damaged and hostile variants of a real document, returns a plan or
raises a one-line InputError naming the file; never another exception, never a hang.

The long run (10,000 inputs per reader) is ``benchmarks/reliability.py``; this keeps a few
hundred per reader in the suite, deterministic."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svcsim.errors import InputError
from svcsim.ingest import load_bytes
from svcsim.model import Plan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "plans"
FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
HOSTILE = [b'w:val="999999999"', b'w:val="-1"', b'gridSpan w:val="100000"', b'<w:vMerge w:val="continue"/>',
           b'table:number-rows-spanned="2147483647"', b'table:number-columns-repeated="1073741823"',
           b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', b"&e;", b"<w:p>", b"</w:tc>",
           b"<td rowspan=99999 colspan=-4>", b"<ol start=-7><li value=x>", "一、".encode(), b"\x00", b"\xff"]


def _plan() -> Plan:
    path = sorted(FIXTURES.glob("*.expected.json"))[0]
    return Plan.from_dict(json.loads(path.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> dict[str, bytes]:
    from svcsim.synth.native import LAYOUTS, render, render_html_page, soffice_path

    work = tmp_path_factory.mktemp("fuzz-seeds")
    plan = _plan()
    out = {"docx": render(plan, work / "p", "docx", LAYOUTS["autonum"]).read_bytes(),
           "html": render_html_page(plan, work / "p.html").read_bytes()}
    if soffice_path() is not None and shutil.which("soffice"):
        out["odt"] = render(plan, work / "p", "odt", LAYOUTS["plain4"]).read_bytes()
        out["pdf"] = render(plan, work / "p", "pdf", LAYOUTS["plain4"]).read_bytes()
    return out


def _check(data: bytes, kind: str) -> None:
    name = f"fuzz.{kind}"
    try:
        load_bytes(data, name)
    except InputError as exc:
        assert str(exc).startswith(f"{name}: ") and "\n" not in str(exc), str(exc)


def _edit(data: bytes, cuts: list[tuple[int, int, bytes]]) -> bytes:
    b = bytearray(data)
    for pos, length, insert in cuts:
        i = pos % (len(b) + 1)
        b[i : i + length] = insert
    return bytes(b)


EDITS = st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 300), st.sampled_from(HOSTILE) | st.binary(max_size=8)),
                 min_size=1, max_size=4)


def _rezip(data: bytes, member_edit) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = [(i.filename, z.read(i)) for i in z.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members:
            z.writestr(name, member_edit(name, body))
    return out.getvalue()


@pytest.mark.parametrize("kind", ["docx", "odt", "pdf", "html"])
@FUZZ
@given(edits=EDITS)
def test_damaged_bytes(seeds, kind, edits):
    if kind not in seeds:
        pytest.skip("LibreOffice is not installed, so there is no seed document of this kind")
    _check(_edit(seeds[kind], edits), kind)


@pytest.mark.parametrize("kind", ["docx", "odt"])
@FUZZ
@given(edits=EDITS, which=st.integers(0, 50), attr=st.sampled_from(HOSTILE))
def test_hostile_xml_inside_a_valid_zip(seeds, kind, edits, which, attr):
    if kind not in seeds:
        pytest.skip("LibreOffice is not installed, so there is no seed document of this kind")
    xml_names = [n for n in zipfile.ZipFile(io.BytesIO(seeds[kind])).namelist() if n.endswith(".xml")]
    target = xml_names[which % len(xml_names)]

    def edit(name: str, body: bytes) -> bytes:
        if name != target:
            return body
        body = re.sub(rb'w:val="\d+"|table:number-\w+="\d+"', attr, body, count=5)
        return _edit(body, edits)

    _check(_rezip(seeds[kind], edit), kind)
