"""The FastAPI app: a static page plus a small JSON API over the suggester.

Endpoints (all JSON; errors are ``{"error": message}``):

* ``GET  /api/measures``  — the corpus's measures (for the picker) and agencies.
* ``POST /api/suggest``   — ``{"draft", "measure"?, "agency"?, "k"?}`` → :meth:`SuggestResult.to_dict`.
* ``GET  /api/dupes``     — copy groups across plans (:func:`svcsim.dupes.analyse`).
* ``GET  /api/clusters``  — theme clusters (:mod:`svcsim.clusters`).
* ``GET  /review`` and the reviewer's ``/api/plans…``, ``/api/overlap``, ``/api/years/…``,
  ``/api/innovations``, ``/api/themes…``, ``/api/strings`` (:mod:`svcsim.web.routes` over
  :class:`svcsim.web.workspace.Workspace`).

Safety for a tool that holds other agencies' texts: it binds to 127.0.0.1 unless told otherwise
(see ``svcsim serve``); :mod:`svcsim.web.guard` refuses foreign Host names (DNS rebinding), foreign
origins, POST bodies that are not ``application/json`` (cross-site forms) and bodies over
``max_body_bytes``; :mod:`svcsim.web.body` turns every malformed body into a 4xx; drafts over 5,000
characters get 422; :mod:`svcsim.web.gate` queues model calls and answers 503 rather than letting a
burst wait for seconds; and the page's CSP forbids inline script, so plan text can only ever be text.
"""

# No `from __future__ import annotations`: FastAPI must see the real `Request` class in the handlers.

from functools import partial
from importlib import resources
from typing import Iterable

from svcsim.errors import SvcsimError
from svcsim.web import MAX_BODY_BYTES
from svcsim.web.body import BadBody, parse_suggest
from svcsim.web.gate import Busy, ModelGate
from svcsim.web.guard import RequestGuard, json_error

_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
_SECURITY_HEADERS = {"Content-Security-Policy": _CSP, "X-Content-Type-Options": "nosniff",
                     "Referrer-Policy": "no-referrer"}


def create_app(suggester, *, host: str = "127.0.0.1", hosts: Iterable[str] = (),
               max_body_bytes: int = MAX_BODY_BYTES, max_inflight: int | None = 1, max_waiting: int = 256,
               max_wait: float = 1.0, title: str = "svcsim 撰寫助手", workspace=None):
    """A FastAPI app serving the drafting page for ``suggester``.

    Args:
        suggester: a built :class:`svcsim.suggest.Suggester` (kept warm for the app's lifetime); the
            page uses its public methods only, and the duplicates and clusters tabs the points of
            its index (:meth:`svcsim.suggest.SuggestIndex.points`).
        host: the address the server binds; besides the loopback names, requests must name it in
            their Host header (a wildcard such as ``0.0.0.0`` adds nothing: see :mod:`svcsim.web.guard`).
        hosts: further host names to answer for, e.g. a machine name users type.
        max_body_bytes: larger request bodies are refused with 413.
        max_inflight, max_waiting, max_wait: the queue in front of the model (:class:`ModelGate`);
            ``max_inflight=None`` removes it (for benchmarks that measure what it buys).
        title: the page title shown in ``/api/measures`` for the page header.
        workspace: the reviewer's :class:`~svcsim.web.workspace.Workspace` (default: one over the
            suggester's points, computing the analyses on first use).
    """
    from fastapi import FastAPI, Request
    from fastapi.responses import FileResponse
    from fastapi.staticfiles import StaticFiles
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException as StarletteHTTPException

    from svcsim.web.views import LazyViews
    from svcsim.web.workspace import Workspace

    static = resources.files("svcsim.web") / "static"
    app = FastAPI(title=title, docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(RequestGuard, hosts=[host, *hosts], max_body_bytes=max_body_bytes,
                       headers=_SECURITY_HEADERS)
    views = LazyViews(suggester.index.points)
    work = workspace if workspace is not None else Workspace(suggester.index.points)
    app.state.workspace = work
    gate = ModelGate(max_inflight=max_inflight, max_waiting=max_waiting, max_wait=max_wait) if max_inflight else None
    app.state.gate = gate

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return json_error(exc.status_code, f"{request.method} {request.url.path}: {exc.detail}", exc.headers)

    async def read_body(request: Request) -> bytes:
        body = bytearray()
        async for chunk in request.stream():  # chunked bodies carry no length: count as they come
            body += chunk
            if len(body) > max_body_bytes:
                from svcsim.i18n import t

                raise BadBody(413, t("web.too_big_stream", limit=max_body_bytes))
        return bytes(body)

    @app.get("/", include_in_schema=False)
    def index():
        return FileResponse(str(static / "index.html"), media_type="text/html; charset=utf-8")

    @app.get("/review", include_in_schema=False)
    def review():
        return FileResponse(str(static / "review.html"), media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/api/measures")
    def measures():
        return {"title": title, "measures": [m.to_dict() for m in suggester.measures()],
                "agencies": list(suggester.agencies)}

    @app.post("/api/suggest")
    async def suggest(request: Request):
        try:
            req = parse_suggest(await read_body(request))
        except BadBody as exc:
            return json_error(exc.status, str(exc))
        if not req.draft.strip() and req.measure is None:
            return {"draft": req.draft, "measure": None, "agency": req.agency, "suggestions": [], "warning": None}
        call = partial(suggester.suggest, req.draft, measure=req.measure, agency=req.agency, k=req.k)
        try:
            # The suggester is synchronous and CPU-bound: run it off the event loop, one turn at a time.
            if gate is None:
                result = await run_in_threadpool(call)
            else:
                async with gate.slot():
                    result = await run_in_threadpool(call)
        except Busy as exc:
            return json_error(503, str(exc), headers={"Retry-After": str(exc.retry_after)})
        except SvcsimError as exc:
            return json_error(422, str(exc))
        return result.to_dict()

    @app.get("/api/dupes")
    def dupes():
        return views.get("dupes")

    @app.get("/api/clusters")
    def clusters():
        return views.get("clusters")

    from svcsim.web.routes import add_review_routes

    add_review_routes(app, work)
    return app
