"""Refuse requests that no page of ours would send, before any handler runs (a plain ASGI middleware).

* **Host** must name this server: ``localhost``, ``127.0.0.1``, ``::1``, the ``--host`` it was
  started with, or the IP address the connection arrived on. A DNS-rebinding page reaches the
  server under its own name (``evil.example``) and is refused with 421, so it cannot read
  ``/api/dupes``. Only the name is checked, not the port: the port adds nothing against rebinding
  and would break an ``ssh -L 9000:localhost:8765`` tunnel.
* **Origin**, when a browser sends one with a POST, must name this server too (403).
* **Content-Type** of a POST must be ``application/json`` (415). A cross-site ``<form>`` can only
  send form or text bodies, and a cross-site ``fetch`` with JSON needs a CORS preflight that this
  server never grants, so no other web site can make the user's browser post to ``/api/suggest``.
* **Content-Length** over the limit is refused with 413 before the body is read (the handler also
  counts bodies sent without a length).

Every refusal is ``{"error": message}``; every answer carries the page's security headers.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Iterable
from urllib.parse import urlsplit

from svcsim.i18n import t

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
_WILDCARDS = ("", "0.0.0.0", "::")
_BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def json_error(status: int, message: str, headers: dict[str, str] | None = None):
    """``{"error": message}`` with ``status``; Chinese unescaped unless the text cannot be UTF-8 at all."""
    from starlette.responses import Response

    try:
        body = json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate slipped into a message: escape rather than fail
        body = json.dumps({"error": message}).encode("ascii")
    return Response(body, status_code=status, headers=headers, media_type="application/json")


def host_name(value: str) -> str:
    """The name part of a Host header, lower-cased: ``[::1]:8765`` → ``::1``, ``Localhost.:80`` → ``localhost``."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class RequestGuard:
    """ASGI middleware applying the checks in this module's docstring.

    Args:
        app: the ASGI app to protect.
        hosts: extra host names to accept besides the loopback names (e.g. the ``--host`` given).
        max_body_bytes: larger declared bodies are refused with 413.
        headers: response headers added to every answer (CSP and friends).
    """

    def __init__(self, app, *, hosts: Iterable[str] = (), max_body_bytes: int, headers: dict[str, str]) -> None:
        self.app = app
        self.hosts = frozenset(LOOPBACK_NAMES) | {host_name(h) for h in hosts if host_name(h) not in _WILDCARDS}
        self.max_body_bytes = max_body_bytes
        self.headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]

    def _allowed(self, name: str, scope) -> bool:
        if name in self.hosts:
            return True
        # The address this connection arrived on (e.g. the LAN IP under --host 0.0.0.0). Only an IP
        # literal: rebinding needs a name, and the test client puts a name here.
        server = scope.get("server")
        return bool(server) and _is_ip(name) and name == str(server[0]).lower()

    def refusal(self, scope) -> tuple[int, str] | None:
        """``(status, message)`` when the request must be refused, else ``None``."""
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", ())}
        host = headers.get("host")
        if host is None:
            return 400, t("web.no_host")
        if not self._allowed(host_name(host), scope):
            return 421, t("web.wrong_host", host=host)
        method = scope.get("method", "GET")
        if method in _BODY_METHODS:
            origin = headers.get("origin")
            if origin is not None:
                name = urlsplit(origin).hostname if origin != "null" else None
                if name is None or not self._allowed(host_name(name), scope):
                    return 403, t("web.wrong_origin", origin=origin)
            ctype = headers.get("content-type", "")
            media, _, params = ctype.partition(";")
            charset = params.strip().lower().removeprefix("charset=").strip('"') if params.strip() else "utf-8"
            if media.strip().lower() != "application/json" or charset not in ("utf-8", "utf8"):
                return 415, (f"{method} bodies must be sent as Content-Type: application/json (UTF-8), "
                             f"got {ctype or 'no Content-Type'!r}")
        length = headers.get("content-length")
        if length is not None:
            if not length.strip().isdigit():
                return 400, f"Content-Length {length!r} is not a number of bytes"
            if int(length) > self.max_body_bytes:
                return 413, t("web.too_big", n=int(length), limit=self.max_body_bytes)
        return None

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket":  # the app has none; never open one across origins
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", ())) + self.headers
            await send(message)

        refused = self.refusal(scope)
        if refused is not None:
            await json_error(*refused)(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)
