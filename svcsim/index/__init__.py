"""FAISS index: exact inner product on normalised vectors, IVF above a size threshold, JSON manifest.

faiss is imported only inside the functions that use it.
"""

from svcsim.index.vectors import APPROXIMATE_ABOVE, VectorIndex, neighbours

__all__ = ["APPROXIMATE_ABOVE", "VectorIndex", "neighbours"]
