"""The dupes results as pandas DataFrames, for notebooks. pandas is imported inside each function.

>>> from svcsim.dupes import analyse                                  # doctest: +SKIP
>>> r = analyse(entries, vectors)                                     # doctest: +SKIP
>>> pairs_frame(r.pairs).query("label == 'near_copy' and not template")   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence

from svcsim.dupes.boilerplate import BoilerplateCount, ReuseCluster
from svcsim.dupes.pairs import DupePair
from svcsim.dupes.plans import AgencyOverlap, PlanOriginality, SelfReuse
from svcsim.model import Entry

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


def clusters_frame(clusters: Sequence[ReuseCluster]):
    """One row per reuse cluster, with its source and canonical text."""
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


def originality_frame(rows: Sequence[PlanOriginality]):
    """One row per plan: file, agency, year, n_points, n_copied, n_template, originality."""
    import pandas as pd

    cols = ["file", "agency", "year", "n_points", "n_copied", "n_template", "originality"]
    return pd.DataFrame([{c: getattr(r, c) for c in cols} for r in rows], columns=cols)


def overlap_frame(overlap: AgencyOverlap, *, share: bool = False):
    """Agency × agency matrix (rows: the agency whose points are found in the column agency)."""
    import pandas as pd

    data = overlap.shares if share else overlap.counts
    return pd.DataFrame(data, index=pd.Index(overlap.agencies, name="agency"),
                        columns=pd.Index(overlap.agencies, name="found_in"))


def self_reuse_frame(rows: Sequence[SelfReuse]):
    """One row per plan with an earlier plan of the same agency."""
    import pandas as pd

    cols = ["file", "agency", "year", "previous_file", "previous_year", "n_points", "n_reused", "share"]
    return pd.DataFrame([{c: getattr(r, c) for c in cols} for r in rows], columns=cols)
