"""The typed results as arrays and back: dupes' derived tables, innovation scores, clustering.

Each ``*_parts`` function turns a result into ``{part name: bytes}`` (``np.save`` arrays read with
``allow_pickle=False``, UTF-8 text blobs, small JSON); each ``*_from`` function builds the same
frozen dataclasses back, field for field, from the parts and the :class:`EmbeddedCorpus` whose rows
the arrays index. Floats are stored as float64 and read back bit-identical.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from svcsim.analysis import codec

if TYPE_CHECKING:
    from svcsim.clusters import ClusteringResult, InnovationResult
    from svcsim.dupes.analyse import DupesResult
    from svcsim.dupes.pairset import PairSet
    from svcsim.embedded import EmbeddedCorpus

_STATUSES = ("own", "template", "copied", "reused")


def _fast(cls, names: tuple[str, ...], values) -> object:
    """``cls(**dict(zip(names, values)))`` for a frozen dataclass without its per-field
    ``object.__setattr__``: 10⁵ rows load in a tenth of the time, and compare equal to built ones."""
    obj = object.__new__(cls)
    obj.__dict__.update(zip(names, values))
    return obj


def _rows(embedded: "EmbeddedCorpus") -> dict[int, int]:
    return {e.id: r for r, e in enumerate(embedded.entries)}


# -- dupes --------------------------------------------------------------------------------------
def dupes_parts(r: "DupesResult") -> dict[str, bytes]:
    """The derived tables of ``r`` (the pair scan itself is :class:`~svcsim.analysis.scanstate.ScanState`)."""
    rows = _rows(r.corpus)
    n = len(r.corpus.entries)
    status = np.full(n, -1, np.int8)
    for eid, s in r.status.items():
        status[rows[eid]] = _STATUSES.index(s)
    bp = r.boilerplate
    members = [[rows[m.id] for m in c.members] for c in r.clusters]
    flat, off = codec.ragged(members)
    return {
        "status.npy": codec.npy(status),
        "bp_agencies.npy": codec.npy(np.array([b.n_agencies for b in bp], np.int64)),
        "bp_plans.npy": codec.npy(np.array([b.n_plans for b in bp], np.int64)),
        "bp_template.npy": codec.npy(np.array([b.template for b in bp], bool)),
        "cl_flat.npy": codec.npy(flat), "cl_off.npy": codec.npy(off),
        "cl_canonical.npy": codec.npy(np.array([rows[c.canonical.id] for c in r.clusters], np.int64)),
        "cl_source.npy": codec.npy(np.array([rows[c.source.id] for c in r.clusters], np.int64)),
        "cl_plans.npy": codec.npy(np.array([c.n_plans for c in r.clusters], np.int64)),
        "cl_template.npy": codec.npy(np.array([c.template for c in r.clusters], bool)),
        "originality.json": codec.js([vars(o) for o in r.originality]),
        "self_reuse.json": codec.js([vars(s) for s in r.self_reuse]),
        "overlap_agencies.json": codec.js(list(r.overlap.agencies)),
        "overlap_counts.npy": codec.npy(r.overlap.counts), "overlap_points.npy": codec.npy(r.overlap.n_points),
    }


def dupes_from(parts: dict[str, bytes], embedded: "EmbeddedCorpus", pairs: "PairSet", min_label: str) -> "DupesResult":
    from svcsim.dupes.analyse import DupesResult, HiddenText
    from svcsim.dupes.boilerplate import BoilerplateCount, ReuseCluster
    from svcsim.dupes.plans import AgencyOverlap, PlanOriginality, SelfReuse
    from svcsim.text.hidden import hidden_chars

    a = {k: codec.from_npy(v) for k, v in parts.items() if k.endswith(".npy")}
    entries = embedded.entries
    status = {entries[r].id: _STATUSES[s] for r, s in enumerate(a["status.npy"].tolist()) if s >= 0}
    boiler = tuple(_fast(BoilerplateCount, ("entry", "n_agencies", "n_plans", "template"), row) for row in zip(
        entries, a["bp_agencies.npy"].tolist(), a["bp_plans.npy"].tolist(), a["bp_template.npy"].tolist()))
    clusters = []
    for i, (rows, canon, src, n_plans, tmpl) in enumerate(zip(
            codec.unragged(a["cl_flat.npy"], a["cl_off.npy"]), a["cl_canonical.npy"].tolist(),
            a["cl_source.npy"].tolist(), a["cl_plans.npy"].tolist(), a["cl_template.npy"].tolist())):
        members = tuple(entries[r] for r in rows)
        clusters.append(ReuseCluster(id=i, members=members, source=entries[src], canonical=entries[canon],
                                     agencies=tuple(sorted({m.agency for m in members})), n_plans=n_plans,
                                     template=tmpl))
    return DupesResult(
        corpus=embedded,
        pairs=pairs.at_least(min_label),
        boilerplate=boiler,
        clusters=tuple(clusters),
        status=status,
        originality=tuple(PlanOriginality(**d) for d in codec.from_js(parts["originality.json"])),
        overlap=AgencyOverlap(tuple(codec.from_js(parts["overlap_agencies.json"])), a["overlap_counts.npy"],
                              a["overlap_points.npy"]),
        self_reuse=tuple(SelfReuse(**d) for d in codec.from_js(parts["self_reuse.json"])),
        hidden=tuple(HiddenText(entries[r], hidden_chars(entries[r].text))
                     for r in np.flatnonzero(pairs.hidden).tolist()),
    )


# -- innovation ---------------------------------------------------------------------------------
_SCORE_FIELDS = ("score", "novelty", "beyond_template", "new_practice", "routine", "specificity", "boilerplate",
                 "max_cos")


def innovation_parts(r: "InnovationResult") -> dict[str, bytes]:
    rows = _rows(r.corpus)
    out = {"order.npy": codec.npy(np.array([rows[s.entry.id] for s in r.scores], np.int64))}
    for f in _SCORE_FIELDS:
        out[f"{f}.npy"] = codec.npy(np.array([getattr(s, f) for s in r.scores], np.float64))
    for f in ("new_words", "reasons"):
        values = [getattr(s, f) for s in r.scores]
        out[f"{f}_n.npy"] = codec.npy(np.array([len(v) for v in values], np.int64))
        out.update(codec.texts(f, [w for v in values for w in v]))
    return out


def innovation_from(parts: dict[str, bytes], points: "EmbeddedCorpus") -> "InnovationResult":
    """The stored scores, each row made when first read (a report shows 20 of 10⁵: ~0.3 s saved)."""
    from svcsim.clusters.innovation import InnovationResult, InnovationScore

    a = {k: codec.from_npy(v) for k, v in parts.items() if k.endswith(".npy")}
    order = a["order.npy"].tolist()
    cols = [a[f"{f}.npy"].tolist() for f in _SCORE_FIELDS]
    lists = {}
    for f in ("new_words", "reasons"):
        lists[f] = (codec.from_texts(parts, f), np.concatenate([[0], np.cumsum(a[f"{f}_n.npy"])]).tolist())
    entries = points.entries
    names = ("entry", *_SCORE_FIELDS, "new_words", "reasons")
    (words, wb), (reasons, rb) = lists["new_words"], lists["reasons"]

    def row(i: int) -> InnovationScore:
        return _fast(InnovationScore, names, (entries[order[i]], *(c[i] for c in cols),
                                              tuple(words[wb[i]:wb[i + 1]]), tuple(reasons[rb[i]:rb[i + 1]])))

    return InnovationResult._of_rows(points, len(order), row)


# -- kept neighbour lists ------------------------------------------------------------------------
def neighbour_parts(lists) -> dict[str, bytes]:
    """The innovation search's lists (:class:`~svcsim.clusters.knn.NeighbourLists`), kept beside its
    scores so the next refresh updates them (parts named ``nb_*``: a plain load skips them)."""
    if lists is None or not lists.keys or lists.lex is None or lists.lex.shape != lists.nbrs.shape:
        return {}
    return {**codec.texts("nb_keys", list(lists.keys)), "nb_sims.npy": codec.npy(lists.sims),
            "nb_rows.npy": codec.npy(lists.nbrs.astype(np.int32)), "nb_lex.npy": codec.npy(lists.lex)}


def neighbour_lists_from(parts: dict[str, bytes]):
    """The kept lists of :func:`neighbour_parts`, or ``None`` when the parts hold none."""
    from svcsim.clusters.knn import NeighbourLists

    if "nb_rows.npy" not in parts:
        return None
    return NeighbourLists(tuple(codec.from_texts(parts, "nb_keys")), codec.from_npy(parts["nb_sims.npy"]),
                          codec.from_npy(parts["nb_rows.npy"]).astype(np.int64), codec.from_npy(parts["nb_lex.npy"]))


def parse_parts(parsed) -> dict[str, bytes]:
    """The innovation's parsed texts (:class:`~svcsim.clusters.innovation_parse.ParsedTexts`), kept
    so the next refresh parses only new texts (parts named ``kept_*``: a plain load skips them)."""
    if parsed is None:
        return {}
    return {**codec.texts("kept_keys", list(parsed.keys)), **codec.texts("kept_words", list(parsed.words)),
            **codec.texts("kept_verbs", list(parsed.verbs)), "kept_off.npy": codec.npy(parsed.off),
            "kept_cited.npy": codec.npy(parsed.cited), "kept_joined.npy": codec.npy(parsed.joined),
            "kept_clause.npy": codec.npy(parsed.clause.astype(np.int32)),
            "kept_listed.npy": codec.npy(parsed.listed.astype(np.int32)),
            "kept_verb_off.npy": codec.npy(parsed.verb_off), "kept_verb_clause.npy": codec.npy(parsed.verb_clause),
            "kept_marks.npy": codec.npy(parsed.marks), "kept_segmenter.json": codec.js(parsed.segmenter)}


def parsed_from(parts: dict[str, bytes]):
    """The parsed texts of :func:`parse_parts`, or ``None`` when the parts hold none."""
    from svcsim.clusters.innovation_parse import ParsedTexts

    if "kept_off.npy" not in parts:
        return None
    a = {k: codec.from_npy(v) for k, v in parts.items() if k.startswith("kept_") and k.endswith(".npy")}
    return ParsedTexts(
        keys=tuple(codec.from_texts(parts, "kept_keys")), off=a["kept_off.npy"],
        words=tuple(codec.from_texts(parts, "kept_words")), cited=a["kept_cited.npy"],
        clause=a["kept_clause.npy"].astype(np.int64), listed=a["kept_listed.npy"].astype(np.int64),
        joined=a["kept_joined.npy"], verb_off=a["kept_verb_off.npy"], verb_clause=a["kept_verb_clause.npy"],
        verbs=tuple(codec.from_texts(parts, "kept_verbs")), marks=a["kept_marks.npy"],
        segmenter=codec.from_js(parts["kept_segmenter.json"]))


# -- clustering ---------------------------------------------------------------------------------
def clustering_parts(r: "ClusteringResult", points: "EmbeddedCorpus") -> dict[str, bytes]:
    rows = _rows(points)
    return {
        "rows.npy": codec.npy(np.array([rows[e.id] for e in r.entries], np.int64)),
        "labels.npy": codec.npy(np.array(r.labels, np.int64)),
        "outliers.npy": codec.npy(np.array([rows[e.id] for e in r.outliers], np.int64)),
        "clusters.json": codec.js([[c.id, c.size, list(c.keywords), c.representative_id, c.representative]
                                   for c in r.clusters]),
        "meta.json": codec.js({"outliers_assigned": r.outliers_assigned, "method": r.method,
                               "threshold": r.threshold, "innovation": r.innovation is not None}),
    }


def clustering_from(parts: dict[str, bytes], points: "EmbeddedCorpus", innovation) -> "ClusteringResult":
    from svcsim.clusters import ClusteringResult
    from svcsim.clusters.labels import ClusterLabel

    rows = codec.from_npy(parts["rows.npy"])
    meta = codec.from_js(parts["meta.json"])
    corpus = points if len(rows) == len(points) and np.array_equal(rows, np.arange(len(points))) \
        else points.subset(rows.tolist())
    return ClusteringResult(
        corpus=corpus, entries=tuple(corpus.entries), labels=tuple(codec.from_npy(parts["labels.npy"]).tolist()),
        clusters=tuple(ClusterLabel(i, s, tuple(k), rid, rep) for i, s, k, rid, rep in codec.from_js(parts["clusters.json"])),
        outliers=tuple(points.entries[r] for r in codec.from_npy(parts["outliers.npy"]).tolist()),
        outliers_assigned=meta["outliers_assigned"], method=meta["method"], threshold=meta["threshold"],
        innovation=innovation if meta["innovation"] else None,
    )
