"""The SQLite corpus (embedded, default). See :class:`Corpus`."""

from svcsim.store.corpus import Corpus, IngestOutcome, PlanInfo, text_key

__all__ = ["Corpus", "IngestOutcome", "PlanInfo", "text_key"]
