"""The self-contained HTML report: plan originality, agency overlap heatmap, reuse pairs side by side.

>>> from svcsim.report import build_report, write_report         # doctest: +SKIP
>>> write_report("report.html", build_report(analyse(entries, vectors)))   # doctest: +SKIP
"""

from svcsim.report.document import build_report, write_report
from svcsim.report.sections import ReportSection, highlight, png_data_uri

__all__ = ["ReportSection", "build_report", "highlight", "png_data_uri", "write_report"]
