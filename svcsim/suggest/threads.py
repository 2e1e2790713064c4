"""Thread limits for answering one query fast in a process that also runs torch."""

from __future__ import annotations

from typing import Any

_BLAS: Any = None  # threadpoolctl's handle on the BLAS libraries, made on first use


def one_blas_thread():
    """Run numpy's BLAS on one thread while a query is answered.

    A query's numpy products are small; with two BLAS threads, OpenBLAS leaves its worker spinning
    after each call, and that spinning thread takes a core from the model's next forward pass.
    Measured at 100k points with the real model: draft + measure p50 86 ms → 40 ms, query
    embedding 56 ms → 19 ms. Scoped to the call: a notebook's own numpy keeps its threads.
    """
    global _BLAS
    if _BLAS is None:
        from threadpoolctl import ThreadpoolController

        _BLAS = ThreadpoolController().select(user_api="blas")
    return _BLAS.limit(limits=1)

