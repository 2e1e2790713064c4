"""Presentation of the analyses: the self-contained HTML report, its sections, tables and plots.

>>> from svcsim.report import build_report, write_report                       # doctest: +SKIP
>>> write_report("report.html", build_report(svcsim.dupes.analyse(embedded)))  # doctest: +SKIP

:mod:`~svcsim.report.frames` has the DataFrames, :mod:`~svcsim.report.plot` the 2-D theme map,
:mod:`~svcsim.report.themes` the report sections of themes and innovations. Nothing under
``dupes/`` or ``clusters/`` draws or formats; everything that does is here.
"""

from svcsim.report.document import build_report, write_report
from svcsim.report.sections import ReportSection, highlight, png_data_uri

__all__ = ["ReportSection", "build_report", "highlight", "png_data_uri", "write_report"]
