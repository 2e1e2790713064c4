"""The analyses' results as pandas DataFrames for notebooks and the report: one function per table.

pandas is imported inside each function. A result's own ``to_frame()`` gives its rows with the JSON
field names; the tables here are the shaped views (a matrix, a crosstab, flat pair columns).

>>> r = svcsim.dupes.analyse(embedded)                                           # doctest: +SKIP
>>> pairs_frame(r.pairs).query("label == 'near_copy' and not template")         # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from svcsim.dupes.boilerplate import BoilerplateCount, ReuseCluster
from svcsim.dupes.pairs import DupePair
from svcsim.dupes.plans import AgencyOverlap
from svcsim.errors import InputError
from svcsim.model import Entry

if TYPE_CHECKING:
    import pandas as pd

    from svcsim.clusters import ClusteringResult
    from svcsim.clusters.labels import ClusterLabel

_ENTRY_FIELDS = ("id", "kind", "agency", "year", "file", "item", "measure", "n", "text")


def _entry_cols(prefix: str, e: Entry) -> dict:
    return {f"{prefix}{f}": getattr(e, f) for f in _ENTRY_FIELDS}


def pairs_frame(pairs: Sequence[DupePair]):
    """One row per pair: ``a_*``/``b_*`` entry columns, label, template, lexical, semantic, spans."""
    import pandas as pd

    rows = [
        {**_entry_cols("a_", p.a), **_entry_cols("b_", p.b), "label": p.label, "template": p.template,
         "cross_agency": p.cross_agency, "lexical": p.lexical, "semantic": p.semantic, "spans": list(p.spans)}
        for p in pairs
    ]
    cols = [f"{s}{f}" for s in ("a_", "b_") for f in _ENTRY_FIELDS]
    cols += ["label", "template", "cross_agency", "lexical", "semantic", "spans"]
    return pd.DataFrame(rows, columns=cols)


def boilerplate_frame(counts: Sequence[BoilerplateCount]):
    """One row per entry: its fields plus ``n_agencies``, ``n_plans``, ``template``."""
    import pandas as pd

    cols = [*_ENTRY_FIELDS, "n_agencies", "n_plans", "template"]
    rows = [{**_entry_cols("", c.entry), "n_agencies": c.n_agencies, "n_plans": c.n_plans, "template": c.template}
            for c in counts]
    return pd.DataFrame(rows, columns=cols)


def copy_groups_frame(clusters: Sequence[ReuseCluster]):
    """One row per copy group (a text reused across ≥ 2 plans), with its source and canonical text."""
    import pandas as pd

    cols = ["cluster", "size", "n_agencies", "n_plans", "template", "source_agency", "source_year",
            "source_file", "source_text", "canonical_text", "agencies"]
    rows = [
        {"cluster": c.id, "size": len(c.members), "n_agencies": len(c.agencies), "n_plans": c.n_plans,
         "template": c.template, "source_agency": c.source.agency, "source_year": c.source.year,
         "source_file": c.source.file, "source_text": c.source.text, "canonical_text": c.canonical.text,
         "agencies": "、".join(c.agencies)}
        for c in clusters
    ]
    return pd.DataFrame(rows, columns=cols)


def overlap_frame(overlap: AgencyOverlap, *, share: bool = False):
    """Agency × agency matrix (rows: the agency whose points are found in the column agency)."""
    import pandas as pd

    data = overlap.shares if share else overlap.counts
    return pd.DataFrame(data, index=pd.Index(overlap.agencies, name="agency"),
                        columns=pd.Index(overlap.agencies, name="found_in"))


# -- themes (svcsim.clusters) ----------------------------------------------------------------
def _cluster_frame(entries: Sequence[Entry], labels: Sequence[int] | np.ndarray,
                   include_outliers: bool) -> "pd.DataFrame":
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
    """Members per (cluster, agency): index ``cluster``, one column per agency, ints."""
    import pandas as pd

    df = _cluster_frame(entries, labels, include_outliers)
    return pd.crosstab(df["cluster"], df["agency"]).sort_index(axis=0).sort_index(axis=1)


def cluster_sizes_by_year(entries: Sequence[Entry], labels: Sequence[int] | np.ndarray, *,
                          include_outliers: bool = False) -> "pd.DataFrame":
    """Members per (cluster, year): index ``cluster``, one column per (Western) year; unknown years dropped."""
    import pandas as pd

    df = _cluster_frame(entries, labels, include_outliers).dropna(subset=["year"])
    return pd.crosstab(df["cluster"], df["year"].astype(int)).sort_index(axis=0).sort_index(axis=1)


def cluster_spans(entries: Sequence[Entry], labels: Sequence[int] | np.ndarray,
                  cluster_labels: Sequence["ClusterLabel"] | None = None) -> "pd.DataFrame":
    """One row per cluster: size, the agencies and years it spans, and its keywords if given.

    Columns: ``size``, ``n_agencies``, ``agencies`` (sorted tuple), ``n_years``, ``years``
    (sorted tuple), ``first_year``, ``last_year``, and ``keywords``/``representative`` when
    ``cluster_labels`` is passed. Index: ``cluster``.
    """
    import pandas as pd

    df = _cluster_frame(entries, labels, include_outliers=False)
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


def clusters_frame(result: "ClusteringResult") -> "pd.DataFrame":
    """One row per theme cluster: ``size``, ``keywords`` (tuple), ``label`` (keywords joined with 、),
    ``representative``, ``n_agencies``, ``agencies``, ``n_years``, ``years``, ``first_year``,
    ``last_year``. Index: ``cluster``. Outliers are not a row; see :func:`cluster_members_frame`.
    """
    df = cluster_spans(result.entries, np.asarray(result.labels, dtype=np.int64), result.clusters)
    df.insert(1, "label", ["、".join(k) for k in df["keywords"]] if len(df) else [])
    return df


def cluster_members_frame(result: "ClusteringResult") -> "pd.DataFrame":
    """One row per clustered entry: ``cluster`` (−1 = outlier), ``was_outlier``, ``agency``,
    ``year``, ``file``, ``item``, ``measure``, ``n``, ``text``, and ``score`` when entries were
    selected by innovation. Index: ``entry_id``.
    """
    import pandas as pd

    was_out = {e.id for e in result.outliers}
    score = {s.entry.id: s.score for s in result.innovation} if result.innovation is not None else {}
    df = pd.DataFrame({
        "entry_id": [e.id for e in result.entries],
        "cluster": list(result.labels),
        "was_outlier": [e.id in was_out for e in result.entries],
        "agency": [e.agency for e in result.entries],
        "year": pd.array([e.year for e in result.entries], dtype="Int64"),
        "file": [e.file for e in result.entries],
        "item": [e.item for e in result.entries],
        "measure": [e.measure for e in result.entries],
        "n": pd.array([e.n for e in result.entries], dtype="Int64"),
        "text": [e.text for e in result.entries],
    }).set_index("entry_id")
    if score:
        df["score"] = [score[i] for i in df.index]
    return df
