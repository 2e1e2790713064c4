"""Analyses computed once and kept in the corpus database (issue #14, item 4).

:class:`Analysis` ties an open :class:`~svcsim.store.Corpus` to the
:class:`~svcsim.embedded.EmbeddedCorpus` of its entries and to the settings; each result method
reads the stored result when its key matches, otherwise computes, stores and returns it.

The key is a sha256 of: the results format version, the model fingerprint, the corpus state (the
sorted ``(plan_key, content_hash)`` set plus the entry ids in order) and the settings. Any change in
these recomputes; nothing stale is ever returned.

What is stored for dupes: the pair scan's state (units, near-copy unit pairs, weak pairs with spans,
copy groups, synonym blocks, hidden counts), the expensive part. The derived tables (boilerplate,
copy groups, status, originality, overlap, self-reuse) are rebuilt from it on load by the same
functions :func:`svcsim.dupes.analyse` uses, so a loaded result equals a fresh one exactly.

Not done yet (see the report of the session that wrote this): incremental update on an added plan,
and storing innovation scores and clusters.
"""

from svcsim.analysis.store import Analysis, corpus_state

__all__ = ["Analysis", "corpus_state"]
