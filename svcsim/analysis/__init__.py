"""Analyses computed once and kept in the corpus database (issue #14, item 4).

:class:`Analysis` ties an open :class:`~svcsim.store.Corpus` to the
:class:`~svcsim.embedded.EmbeddedCorpus` of its entries and to the settings. Its typed results —
:meth:`~Analysis.dupes` (a :class:`~svcsim.dupes.DupesResult`), :meth:`~Analysis.innovation` (an
:class:`~svcsim.clusters.InnovationResult`) and :meth:`~Analysis.clusters` (a
:class:`~svcsim.clusters.ClusteringResult`) — equal what :func:`svcsim.dupes.analyse`,
:func:`svcsim.clusters.score_innovation` and :func:`svcsim.clusters.cluster_corpus` return, field
for field; they are read when stored under the current key, otherwise computed and stored.

The key is a sha256 of: the stored name (result, entry kinds, ``min_label``, settings), the results
format, the model fingerprint, the analysis code and data (pair-classifier weights included), the
corpus state (the sorted ``(plan_key, content_hash)`` set) and the entry ids in order. Nothing stale
is ever returned.

When only the corpus changed (plans added, replaced or removed), :mod:`svcsim.analysis.delta`
updates the stored dupes scan: only pairs involving new texts are searched; the copy groups,
template flags and plan measures, which depend on agency counts across the corpus, are rebuilt
from the merged pairs. Innovation and clustering are recomputed from the updated dupes, starting
from the neighbour lists and parsed texts the stored innovation keeps (:mod:`~svcsim.analysis.kept`):
only the new rows are searched and only new texts parsed.

Modules: :mod:`~svcsim.analysis.store` (keys, read, write), :mod:`~svcsim.analysis.delta` (the
incremental scan), :mod:`~svcsim.analysis.scanstate` and :mod:`~svcsim.analysis.tables` (results as
arrays), :mod:`~svcsim.analysis.kept` (what innovation keeps for the next refresh),
:mod:`~svcsim.analysis.codec` (array and text encodings; no pickle).
"""

from svcsim.analysis.store import Analysis, corpus_state

__all__ = ["Analysis", "corpus_state"]
