"""Tabular views of a clustering (pandas): sizes per agency and per year, and each cluster's span.

A cluster spanning many agencies is boilerplate shared across the government; one confined to a
single agency (and maybe a single year) is a candidate innovation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from svcsim.errors import InputError
from svcsim.model import Entry

if TYPE_CHECKING:
    import pandas as pd

    from svcsim.clusters.labels import ClusterLabel

__all__ = ["cluster_sizes_by_agency", "cluster_sizes_by_year", "cluster_spans"]


def _frame(entries: Sequence[Entry], labels: Sequence[int] | np.ndarray, include_outliers: bool) -> "pd.DataFrame":
    import pandas as pd

    if isinstance(entries, (str, bytes)):
        raise InputError("entries", "expected a sequence of Entry, got a str")
    entries = list(entries)
    lab = np.asarray(labels, dtype=np.int64).reshape(-1)
    if len(entries) != lab.size:
        raise InputError("labels", f"got {lab.size} labels for {len(entries)} entries; pass one label per entry")
    df = pd.DataFrame({
        "cluster": lab,
        "agency": [e.agency for e in entries],
        "year": pd.array([e.year for e in entries], dtype="Int64"),
    })
    return df if include_outliers else df[df["cluster"] >= 0]


def cluster_sizes_by_agency(entries: Sequence[Entry], labels: Sequence[int] | np.ndarray, *,
                            include_outliers: bool = False) -> "pd.DataFrame":
    """Members per (cluster, agency): index ``cluster``, one column per agency, ints.

    >>> cluster_sizes_by_agency(entries, model.labels_).loc[0]      # doctest: +SKIP
    agency
    高雄市政府經濟發展局    3
    臺北市政府民政局        2
    """
    import pandas as pd

    df = _frame(entries, labels, include_outliers)
    return pd.crosstab(df["cluster"], df["agency"]).sort_index(axis=0).sort_index(axis=1)


def cluster_sizes_by_year(entries: Sequence[Entry], labels: Sequence[int] | np.ndarray, *,
                          include_outliers: bool = False) -> "pd.DataFrame":
    """Members per (cluster, year): index ``cluster``, one column per (Western) year; unknown years dropped."""
    import pandas as pd

    df = _frame(entries, labels, include_outliers).dropna(subset=["year"])
    return pd.crosstab(df["cluster"], df["year"].astype(int)).sort_index(axis=0).sort_index(axis=1)


def cluster_spans(entries: Sequence[Entry], labels: Sequence[int] | np.ndarray,
                  cluster_labels: Sequence["ClusterLabel"] | None = None) -> "pd.DataFrame":
    """One row per cluster: size, the agencies and years it spans, and its keywords if given.

    Columns: ``size``, ``n_agencies``, ``agencies`` (sorted tuple), ``n_years``, ``years``
    (sorted tuple), ``first_year``, ``last_year``, and ``keywords``/``representative`` when
    ``cluster_labels`` is passed. Index: ``cluster``.
    """
    import pandas as pd

    df = _frame(entries, labels, include_outliers=False)
    rows = []
    for cid, g in df.groupby("cluster", sort=True):
        years = tuple(sorted(int(y) for y in g["year"].dropna().unique()))
        agencies = tuple(sorted(g["agency"].unique()))
        rows.append({
            "cluster": int(cid), "size": len(g), "n_agencies": len(agencies), "agencies": agencies,
            "n_years": len(years), "years": years,
            "first_year": years[0] if years else None, "last_year": years[-1] if years else None,
        })
    out = pd.DataFrame(rows, columns=["cluster", "size", "n_agencies", "agencies", "n_years", "years",
                                      "first_year", "last_year"]).set_index("cluster")
    out["first_year"] = out["first_year"].astype("Int64")
    out["last_year"] = out["last_year"].astype("Int64")
    if cluster_labels is not None:
        by_id = {cl.id: cl for cl in cluster_labels}
        out["keywords"] = [by_id[c].keywords if c in by_id else () for c in out.index]
        out["representative"] = [by_id[c].representative if c in by_id else "" for c in out.index]
    return out
