"""What every typed result shares: its rows as a pandas DataFrame, with the JSON field names.

A result's ``to_dict()``/``to_dicts()`` is its one serialiser (the CLI's ``--json``, the report and
the web API print it); ``to_frame()`` is the same rows as a table, so a notebook sees the same
column names as a script reading the JSON. pandas loads only when a frame is asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def frame(rows: Iterable[Mapping[str, Any]], columns: Iterable[str] | None = None) -> "pd.DataFrame":
    """A DataFrame of dict rows (nested ``entry`` dicts are flattened to ``entry_<field>`` columns).

    >>> frame([{"score": 0.5, "entry": {"agency": "甲", "year": 2024}}]).columns.tolist()
    ['score', 'entry_agency', 'entry_year']
    """
    import pandas as pd

    flat = []
    for row in rows:
        out: dict[str, Any] = {}
        for k, v in row.items():
            if isinstance(v, Mapping):
                out.update((f"{k}_{kk}", vv) for kk, vv in v.items())
            else:
                out[k] = v
        flat.append(out)
    df = pd.DataFrame(flat, columns=list(columns) if columns is not None else None)
    for col in df.columns:  # years and point numbers are integers with gaps, not floats
        if col == "year" or col.endswith("_year") or col == "n" or col.endswith("_n"):
            if df[col].dtype.kind in "fiO" and df[col].map(lambda v: v is None or isinstance(v, (int, float))).all():
                df[col] = df[col].astype("Int64")
    return df
