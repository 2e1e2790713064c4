"""The local drafting web page: a FastAPI app over a :class:`~svcsim.suggest.Suggester`.

Importing this package is cheap; FastAPI loads in :func:`create_app`.

>>> from svcsim.web import create_app                   # doctest: +SKIP
>>> uvicorn.run(create_app(suggester), host="127.0.0.1", port=8765)   # doctest: +SKIP
"""

from __future__ import annotations

__all__ = ["create_app", "MAX_BODY_BYTES"]

MAX_BODY_BYTES = 64 * 1024


def create_app(suggester, **kwargs):
    """Build the app; see :func:`svcsim.web.app.create_app`."""
    from svcsim.web.app import create_app as _create

    return _create(suggester, **kwargs)
