"""Embeddings: the encoder protocol, the sentence-transformers encoder, the default model, the cache.

Heavy libraries (torch, sentence-transformers) load only inside :func:`load_encoder`.
"""

from svcsim.embed.base import Encoder, HashEncoder, PromptKind

__all__ = ["Encoder", "HashEncoder", "PromptKind", "load_encoder"]


def load_encoder(name_or_path: str | None = None, **kwargs):
    """Load a sentence-transformers encoder by name or path (default: the bundled e5-small)."""
    from svcsim.embed.st import load_encoder as _load

    return _load(name_or_path, **kwargs)
