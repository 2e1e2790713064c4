"""The SQLite corpus (embedded, default). See :class:`Corpus`."""

from svcsim.store.corpus import Corpus, IngestOutcome, PlanInfo, text_key
from svcsim.store.embeddings import EmbedStats, vectors_for_texts

__all__ = ["Corpus", "IngestOutcome", "PlanInfo", "EmbedStats", "text_key", "vectors_for_texts"]
