"""Bad native files, as a user's folder holds them, each give one line naming the file and the
problem, exit code 2, and nothing written; the good files of the same batch still land.

Run through the installed ``svcsim`` entry point, as the user types it."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "plans"


def _svcsim(*args: str, env: dict) -> subprocess.CompletedProcess:
    exe = shutil.which("svcsim")
    if exe is None:
        pytest.skip("the svcsim entry point is not installed (pip install -e .)")
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=300, env=env)


@pytest.fixture
def env(tmp_path):
    e = {k: v for k, v in os.environ.items() if not k.startswith("SVCSIM_")}
    e["SVCSIM_HOME"] = str(tmp_path / "home")
    e["SVCSIM_LANG"] = "zh"  # the default a Chinese-locale user sees; the reasons must be Chinese
    return e


def _scan_pdf(path: Path) -> None:
    """An image-only PDF, as a scanner makes it: no text layer at all."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (850, 1100), "white")
    ImageDraw.Draw(img).rectangle((100, 100, 750, 900), outline="black", width=3)
    img.save(path, "PDF", resolution=100)


def _encrypted_pdf(path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (200, 200), "white").save(buf, "PDF")
    reader = pypdf.PdfReader(io.BytesIO(buf.getvalue()))
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    with open(path, "wb") as fh:
        writer.write(fh)


def _docx(path: Path, *, table: bool) -> None:
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("範例局 113 年第 2 次業務會報會議紀錄")
    if table:
        t = d.add_table(rows=2, cols=2)
        t.cell(0, 0).text, t.cell(0, 1).text = "日期", "事項"
        t.cell(1, 0).text, t.cell(1, 1).text = "4 月 12 日", "冷氣保養"
    d.save(path)


def _odt_without_table(path: Path) -> None:
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               '<office:body><office:text><text:p>範例局 113 年度提升服務計畫（草案，表格另附）</text:p>'
               '</office:text></office:body></office:document-content>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest '
                   'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')


@pytest.fixture
def bad_folder(tmp_path) -> Path:
    d = tmp_path / "bad"
    d.mkdir()
    _scan_pdf(d / "scan.pdf")
    _encrypted_pdf(d / "locked.pdf")
    _docx(d / "whole.docx", table=True)
    data = (d / "whole.docx").read_bytes()
    (d / "truncated.docx").write_bytes(data[: len(data) // 2])
    (d / "whole.docx").rename(d / "minutes.docx")
    _odt_without_table(d / "draft.odt")
    (d / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n%%EO")
    return d


EXPECTED_PROBLEM = {
    "scan.pdf": "沒有文字層",
    "locked.pdf": "密碼保護",
    "truncated.docx": "損壞",
    "minutes.docx": "找不到執行重點表格",
    "draft.odt": "沒有任何表格",
    "broken.pdf": "損壞的 PDF",
}
REJECTED = "svcsim：已拒收 "


@pytest.mark.parametrize("name", sorted(EXPECTED_PROBLEM))
def test_each_bad_file_is_one_line_exit_2_nothing_written(bad_folder, env, tmp_path, name):
    db = tmp_path / "one.db"
    r = _svcsim("ingest", str(bad_folder / name), "--db", str(db), env=env)
    assert r.returncode == 2, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith(REJECTED)]
    assert len(lines) == 1, r.stderr
    assert name in lines[0] and EXPECTED_PROBLEM[name] in lines[0], lines[0]
    assert "Traceback" not in r.stderr
    assert not db.exists(), "a batch with no good plan must not create the corpus"


def test_good_files_land_beside_bad_ones(bad_folder, env, tmp_path):
    shutil.copy(FIXTURES / "harbor_bureau_112.txt", bad_folder / "harbor_bureau_112.txt")
    db = tmp_path / "mixed.db"
    r = _svcsim("ingest", str(bad_folder), "--db", str(db), env=env)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    rejected = [ln for ln in r.stderr.splitlines() if ln.startswith(REJECTED)]
    names = [ln[len(REJECTED):].split("：", 1)[0].rsplit("/", 1)[-1] for ln in rejected]
    assert sorted(names) == sorted(EXPECTED_PROBLEM)
    with sqlite3.connect(db) as con:
        assert con.execute("select count(*) from plans").fetchone()[0] == 1


def test_lang_en_reaches_the_reader_processes(bad_folder, env, tmp_path):
    # forkserver workers start from the environment (SVCSIM_LANG=zh here): --lang en must still win
    r = _svcsim("--lang", "en", "ingest", str(bad_folder), "--workers", "2", "--db", str(tmp_path / "en.db"), env=env)
    assert r.returncode == 2, r.stderr
    rejected = [ln for ln in r.stderr.splitlines() if ln.startswith("svcsim: rejected")]
    assert len(rejected) == len(EXPECTED_PROBLEM), r.stderr
    assert any("OCR" in ln and "scan.pdf" in ln for ln in rejected) and "已拒收" not in r.stderr
