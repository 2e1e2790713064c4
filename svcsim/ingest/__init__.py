"""Read converted 提升服務計畫 files into :class:`svcsim.model.Plan` objects.

The pipeline, one idea per module: ``decode`` (bytes → text), ``formats/`` (one reader per file
kind, each yielding a ``document.Document``), ``rows`` (find the table, cut rows into cells),
``cells`` (HTML, whitespace rule, numbering marks), ``structure`` (rows → items › measures ›
points), ``units`` (who a 執行單位 belongs to), ``header`` (title, agency, year, goals), ``parse``
(glue), ``files`` (expand user paths), ``batch`` (parse many files in worker processes), ``into``
(:func:`read_plans`/:func:`ingest_paths`: files into a corpus, one plan per agency and year). Nothing
heavy is imported here.
"""

from __future__ import annotations

from svcsim.ingest.decode import read_text
from svcsim.ingest.files import iter_plan_files
from svcsim.ingest.parse import LoadedPlan, load_bytes, load_plan, parse_document, parse_file, parse_text

__all__ = ["LoadedPlan", "iter_plan_files", "load_bytes", "load_plan", "parse_document", "parse_file", "parse_text", "read_text"]
