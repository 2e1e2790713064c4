"""The FastAPI app: a static page plus a small JSON API over the suggester.

Endpoints (all JSON; errors are ``{"error": message}``):

* ``GET  /api/measures``  — the corpus's measures (for the picker) and agencies.
* ``POST /api/suggest``   — ``{"draft", "measure"?, "agency"?, "k"?}`` → :meth:`SuggestResult.to_dict`.
* ``GET  /api/dupes``     — copy groups across plans (:func:`svcsim.dupes.analyse`).
* ``GET  /api/clusters``  — theme clusters (:mod:`svcsim.clusters`).

Safety for a tool that holds other agencies' texts: it binds to 127.0.0.1 unless told otherwise
(see ``svcsim serve``), request bodies over ``max_body_bytes`` get 413, drafts over 5,000
characters 422, and the page's CSP forbids inline script, so plan text can only ever be text.
"""

# No `from __future__ import annotations`: FastAPI must see the real `Request` class in the handlers.

import json
from importlib import resources
from typing import Any

from svcsim.errors import SvcsimError
from svcsim.web import MAX_BODY_BYTES

_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def create_app(suggester, *, max_body_bytes: int = MAX_BODY_BYTES, title: str = "svcsim 撰寫助手"):
    """A FastAPI app serving the drafting page for ``suggester``.

    Args:
        suggester: a built :class:`svcsim.suggest.Suggester` (kept warm for the app's lifetime).
        max_body_bytes: larger request bodies are refused with 413.
        title: the page title shown in ``/api/measures`` for the page header.
    """
    from fastapi import FastAPI, Request
    from fastapi.responses import FileResponse, JSONResponse
    from fastapi.staticfiles import StaticFiles

    from svcsim.web.views import LazyViews

    static = resources.files("svcsim.web") / "static"
    app = FastAPI(title=title, docs_url=None, redoc_url=None, openapi_url=None)
    views = LazyViews(suggester)

    def error(status: int, message: str) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status)

    @app.middleware("http")
    async def headers(request: Request, call_next):
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > max_body_bytes):
            return error(413, f"request body of {length} bytes is over the {max_body_bytes}-byte limit")
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = _CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    async def read_json(request: Request) -> Any:
        body = bytearray()
        async for chunk in request.stream():  # chunked bodies carry no length: count as they come
            body += chunk
            if len(body) > max_body_bytes:
                raise _TooLarge()
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _BadRequest(f"body is not UTF-8 JSON ({exc}); send e.g. {{\"draft\": \"設置單一窗口\"}}") from None

    @app.get("/", include_in_schema=False)
    def index():
        return FileResponse(str(static / "index.html"), media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/api/measures")
    def measures():
        return {"title": title, "measures": [m.to_dict() for m in suggester.measures()],
                "agencies": list(suggester.agencies)}

    @app.post("/api/suggest")
    async def suggest(request: Request):
        try:
            data = await read_json(request)
        except _TooLarge:
            return error(413, f"request body is over the {max_body_bytes}-byte limit")
        except _BadRequest as exc:
            return error(400, str(exc))
        if not isinstance(data, dict):
            return error(422, "expected a JSON object such as {\"draft\": \"設置單一窗口\", \"measure\": \"一(二)\"}")
        draft, measure, agency, k = data.get("draft", ""), data.get("measure") or None, data.get("agency") or None, data.get("k", 5)
        for name, v in (("draft", draft), ("measure", measure), ("agency", agency)):
            if v is not None and not isinstance(v, str):
                return error(422, f"{name} must be a string, got {type(v).__name__}")
        if isinstance(k, bool) or not isinstance(k, int):
            return error(422, f"k must be an integer, got {k!r}")
        if not draft.strip() and measure is None:
            return {"draft": draft, "measure": None, "agency": agency, "suggestions": [], "warning": None}
        try:
            # The suggester is synchronous and CPU-bound; run it off the event loop.
            from starlette.concurrency import run_in_threadpool

            result = await run_in_threadpool(suggester.suggest, draft, measure=measure, agency=agency, k=k)
        except SvcsimError as exc:
            return error(422, str(exc))
        return result.to_dict()

    @app.get("/api/dupes")
    def dupes():
        return views.get("dupes")

    @app.get("/api/clusters")
    def clusters():
        return views.get("clusters")

    return app


class _TooLarge(Exception):
    pass


class _BadRequest(Exception):
    pass
