"""Open a PDF safely (damaged, encrypted, scanned, oversized) and read each page's characters
and ruling lines with pdfplumber, imported on use."""

from __future__ import annotations

import io
import logging
import time
import unicodedata

from svcsim.errors import PlanParseError
from svcsim.ingest.formats.pdf.geometry import _Char, _Page


# A real plan has a few dozen pages; more is another kind of document (or a hostile one).
MAX_PAGES = 500


# pdfminer can crawl through a damaged file for minutes; a plan reads in well under a second.
TIME_BUDGET_S = 60.0


# Browsers map some CJK glyphs back to radicals (⾼ for 高, ⺠ for 民); NFKC fixes the Kangxi
# block, this the few in the supplement whose glyph is a common unified character.
_RADICALS = str.maketrans("⺠⻑⻄⻆⻘⻝⻣⻤⺟⺩⺫⺬⻁⺝⺌", "民長西角青食骨鬼母王目示虎月小")


def _load(data: bytes, source: str) -> list[_Page]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    started = time.monotonic()
    quiet = _QuietPdfminer()
    with quiet:
        try:
            pdf = pdfplumber.open(io.BytesIO(data))
        except Exception as exc:  # pdfminer raises a zoo of types on damaged files
            # pdfplumber wraps pdfminer's error in its own PdfminerException.
            inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc.__cause__ or exc
            if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)) or isinstance(
                exc, (PDFPasswordIncorrect, PDFEncryptionError)
            ):
                raise PlanParseError(source, key="ingest.pdf_password", detail=type(inner).__name__) from None
            raise PlanParseError(source, key="ingest.pdf_damaged", detail=_describe(exc)) from None
        try:
            n = _page_count(pdf, source)
            pages: list[_Page] = []
            for i, page in enumerate(pdf.pages):
                if time.monotonic() - started > TIME_BUDGET_S:
                    raise PlanParseError(source, key="ingest.pdf_slow", seconds=TIME_BUDGET_S, i=i, n=n)
                pages.append(_read_page(page, i + 1))
                page.close()
            return pages
        except PlanParseError:
            raise
        except Exception as exc:
            raise PlanParseError(source, key="ingest.pdf_pages_damaged", detail=_describe(exc)) from None
        finally:
            try:
                pdf.close()
            except Exception:  # noqa: BLE001 - closing re-reads a damaged page tree; the error is already told
                pass


def _page_count(pdf, source: str) -> int:
    try:
        n = len(pdf.pages)
    except Exception as exc:
        raise PlanParseError(source, key="ingest.pdf_tree_damaged", detail=_describe(exc)) from None
    if n > MAX_PAGES:
        raise PlanParseError(source, key="ingest.pdf_too_many_pages", n=n, limit=MAX_PAGES)
    if n == 0:
        raise PlanParseError(source, key="ingest.pdf_no_pages")
    return n


def _describe(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text[:120]}" if text else type(exc).__name__


class _QuietPdfminer:
    """pdfminer warns on every glyph of some fonts ("Could not get FontBBox"). With no logging set
    up those land on stderr through logging's last resort, so while reading, and only when the
    application has not configured the logger itself, hold it at ERROR."""

    def __enter__(self) -> None:
        self.logger = logging.getLogger("pdfminer")
        self.level = self.logger.level
        if self.level == logging.NOTSET:
            self.logger.setLevel(logging.ERROR)

    def __exit__(self, *exc) -> None:
        self.logger.setLevel(self.level)


def _read_page(page, number: int) -> _Page:
    chars = []
    for c in page.chars:
        text = c["text"]
        if len(text) == 1 and ("\u2f00" <= text <= "\u2fdf"):
            text = unicodedata.normalize("NFKC", text)
        text = text.translate(_RADICALS)
        if not text or text in "\u200b\ufeff":
            continue
        if text.isspace():
            text = " "
        chars.append(_Char(text, c["x0"], c["x1"], c["top"], c["bottom"], c.get("size") or (c["bottom"] - c["top"])))
    h: list[tuple[float, float, float]] = []
    v: list[tuple[float, float, float]] = []
    for e in page.edges:
        if e["orientation"] == "h" and e["x1"] - e["x0"] >= 2:
            h.append((e["top"], e["x0"], e["x1"]))
        elif e["orientation"] == "v" and e["bottom"] - e["top"] >= 2:
            v.append((e["x0"], e["top"], e["bottom"]))
    return _Page(number, float(page.width), float(page.height), chars, h, v, len(page.images))
