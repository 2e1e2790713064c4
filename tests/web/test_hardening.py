"""Hostile and broken requests (issue 12): foreign hosts and origins, non-JSON posts, malformed bodies, bursts.

Each case failed on the code before the fix: any Content-Type was accepted, any Host answered, and
``{"draft": null}``, a lone surrogate and deep nesting gave HTTP 500.
"""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from fixture_plans import SPECIFIC
from svcsim.web import create_app
from svcsim.web.gate import Busy, ModelGate
from svcsim.web.guard import RequestGuard, host_name

LOCAL = "http://127.0.0.1:8765"
GOOD = json.dumps({"draft": "民眾線上預約臨櫃時段"}, ensure_ascii=False).encode()
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def client(app):
    return TestClient(app, base_url=LOCAL, raise_server_exceptions=False)


def _is_json_error(r) -> bool:
    return r.headers["content-type"].startswith("application/json") and isinstance(r.json().get("error"), str)


# -- Content-Type -------------------------------------------------------------------------------
@pytest.mark.parametrize("ctype", [
    "text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    "application/jsonx", "text/json", "application/json; charset=latin-1", None,
])
def test_posts_that_are_not_json_get_415(client, ctype):
    headers = {} if ctype is None else {"Content-Type": ctype}
    r = client.post("/api/suggest", content=GOOD, headers=headers)
    assert r.status_code == 415 and _is_json_error(r)
    assert "application/json" in r.json()["error"]


@pytest.mark.parametrize("ctype", ["application/json", "Application/JSON", "application/json; charset=utf-8",
                                   'application/json;charset="UTF-8"'])
def test_json_posts_are_answered(client, ctype):
    r = client.post("/api/suggest", content=GOOD, headers={"Content-Type": ctype})
    assert r.status_code == 200
    assert r.json()["suggestions"][0]["text"] == SPECIFIC["乙處"]


# -- Host and Origin ----------------------------------------------------------------------------
@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "localhost.evil.example",
                                  "127.0.0.1.nip.io", "testserver", "0.0.0.0"])
@pytest.mark.parametrize("path", ["/", "/api/dupes", "/api/measures", "/static/app.js"])
def test_a_foreign_host_is_refused_everywhere(client, host, path):
    r = client.get(path, headers={"Host": host})
    assert r.status_code == 421 and _is_json_error(r)
    assert "主機" in r.json()["error"]
    assert "groups" not in r.text and "measures" not in r.text.replace("error", "")
    assert r.headers["x-content-type-options"] == "nosniff"


def test_a_foreign_host_cannot_post(client):
    r = client.post("/api/suggest", content=GOOD, headers={**JSON, "Host": "evil.example:8765"})
    assert r.status_code == 421


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "127.0.0.1", "localhost:8765", "LOCALHOST", "localhost.",
                                  "[::1]:8765", "localhost:9000"])
def test_loopback_names_on_any_port_are_answered(client, host):
    r = client.get("/api/measures", headers={"Host": host})
    assert r.status_code == 200 and r.json()["measures"]


def test_the_configured_host_is_answered_and_only_it(suggester):
    named = TestClient(create_app(suggester, host="review.lan"), base_url="http://review.lan:8765")
    assert named.get("/api/measures").status_code == 200
    assert named.get("/api/measures", headers={"Host": "other.lan"}).status_code == 421
    default = TestClient(create_app(suggester), base_url="http://review.lan:8765")
    assert default.get("/api/measures").status_code == 421


def test_the_ip_a_connection_arrived_on_is_answered_but_not_a_name():
    # Under --host 0.0.0.0 a colleague opens http://192.168.1.5:8765/; a rebinding name never passes.
    guard = RequestGuard(None, hosts=["0.0.0.0"], max_body_bytes=100, headers={})
    scope = {"type": "http", "method": "GET", "server": ("192.168.1.5", 8765)}
    assert guard.refusal({**scope, "headers": [(b"host", b"192.168.1.5:8765")]}) is None
    assert guard.refusal({**scope, "headers": [(b"host", b"192.168.1.6:8765")]})[0] == 421
    assert guard.refusal({**scope, "headers": [(b"host", b"0.0.0.0:8765")]})[0] == 421
    assert guard.refusal({**scope, "headers": []})[0] == 400


@pytest.mark.parametrize("value,name", [("[::1]:8765", "::1"), ("Localhost.:80", "localhost"), ("a.b", "a.b"),
                                        ("EVIL.example:1", "evil.example")])
def test_host_name(value, name):
    assert host_name(value) == name


@pytest.mark.parametrize("origin,status", [("http://evil.example", 403), ("null", 403),
                                           ("http://127.0.0.1:8765", 200), ("http://localhost:9000", 200)])
def test_posts_from_a_foreign_origin_are_refused(client, origin, status):
    r = client.post("/api/suggest", content=GOOD, headers={**JSON, "Origin": origin})
    assert r.status_code == status


# -- malformed bodies ---------------------------------------------------------------------------
MALFORMED = {
    "draft null": (b'{"draft": null}', 422, "null"),
    "draft array": (b'{"draft": ["x"]}', 422, "array"),
    "draft number": (b'{"draft": 3}', 422, "string"),
    "measure number": (b'{"draft": "x", "measure": 5}', 422, "measure"),
    "agency object": (b'{"draft": "x", "agency": {}}', 422, "agency"),
    "agency too long": (json.dumps({"draft": "x", "agency": "局" * 300}).encode(), 422, "limit"),
    "k float": (b'{"draft": "x", "k": 2.5}', 422, "integer"),
    "k bool": (b'{"draft": "x", "k": true}', 422, "integer"),
    "k null": (b'{"draft": "x", "k": null}', 422, "integer"),
    "k zero": (b'{"draft": "x", "k": 0}', 422, "1 到"),
    "k huge": (b'{"draft": "x", "k": 1' + b"0" * 400 + b"}", 422, "1 到"),
    "k too many digits": (b'{"draft": "x", "k": 1' + b"0" * 5000 + b"}", 400, "JSON"),
    "k NaN": (b'{"draft": "x", "k": NaN}', 400, "JSON"),
    "lone surrogate": (b'{"draft": "\\ud800"}', 422, "surrogate"),
    "lone low surrogate in agency": (b'{"draft": "x", "agency": "a\\udfffb"}', 422, "surrogate"),
    "surrogate key": (b'{"\\ud800": 1}', 422, "unknown field"),
    "unknown field": (b'{"draft": "x", "drafts": "y"}', 422, "unknown field"),
    "nested 60k": (b"[" * 60_000, 400, "nested"),
    "nested inside draft": (b'{"draft": ' + b"[" * 60_000 + b"]" * 10, 400, "nested"),
    "nested 100k": (b"[" * 100_000, 413, "上限"),
    "not an object": (b'"just a string"', 422, "JSON object"),
    "array": (b'["draft"]', 422, "JSON object"),
    "empty": (b"", 400, "JSON"),
    "not json": (b"{not json", 400, "JSON"),
    "latin-1 bytes": ('{"draft": "café"}'.encode("latin-1"), 400, "UTF-8"),
    "truncated utf-8": (b'{"draft": "\xe8\xa8"}', 400, "UTF-8"),
    "utf-16": ('{"draft": "x"}'.encode("utf-16"), 400, "UTF-8"),
    "huge": (json.dumps({"draft": "a" * 70_000}).encode(), 413, "上限"),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_every_malformed_body_is_a_4xx_with_a_json_error(client, name):
    body, status, needle = MALFORMED[name]
    r = client.post("/api/suggest", content=body, headers=JSON)
    assert r.status_code == status, r.text
    assert _is_json_error(r) and needle in r.json()["error"]


def test_huge_body_without_a_length_is_413(client):
    def chunks():  # chunked: no Content-Length to refuse up front
        for _ in range(70):
            yield b"[" * 1024

    r = client.post("/api/suggest", content=chunks(), headers=JSON)
    assert r.status_code == 413 and _is_json_error(r)


def test_unknown_paths_and_methods_are_json_errors(client):
    assert client.get("/api/nothing").status_code == 404
    assert _is_json_error(client.get("/api/nothing"))
    r = client.post("/api/dupes", content=b"{}", headers=JSON)
    assert r.status_code == 405 and _is_json_error(r)


# -- the queue in front of the model ------------------------------------------------------------
class SlowSuggester:
    """The fixture suggester, taking ``delay`` seconds per draft like a real model on a busy CPU."""

    def __init__(self, inner, delay: float) -> None:
        self.inner, self.delay = inner, delay

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def suggest(self, *args, **kwargs):
        time.sleep(self.delay)
        return self.inner.suggest(*args, **kwargs)


def test_a_burst_gets_answers_or_quick_503s_not_a_long_tail(suggester):
    suggester.suggest("暖身")  # the first draft loads the segmenter: keep that out of the timing
    app = create_app(SlowSuggester(suggester, 0.05), max_waiting=64, max_wait=0.3)

    async def burst(n: int):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=LOCAL) as c:
            async def one():
                t0 = time.perf_counter()
                r = await c.post("/api/suggest", content=GOOD, headers=JSON)
                return r, time.perf_counter() - t0
            return await asyncio.gather(*(one() for _ in range(n)))

    out = asyncio.run(burst(40))
    ok = [t for r, t in out if r.status_code == 200]
    busy = [(r, t) for r, t in out if r.status_code == 503]
    assert len(ok) + len(busy) == 40
    assert 3 <= len(ok) < 40 and busy  # 0.3 s of waiting at 0.05 s a draft: a handful, not all 40
    assert all(int(r.headers["retry-after"]) >= 1 and "忙碌" in r.json()["error"] for r, _ in busy)
    assert max(ok) < 1.0  # without the gate the 40th answer comes after 40 × 0.05 = 2 s
    assert max(t for _, t in busy) < 0.8


def test_gate_serves_in_arrival_order_and_refuses_when_full():
    async def scenario():
        gate = ModelGate(max_inflight=1, max_waiting=3, max_wait=5.0)
        order: list[int] = []
        release = asyncio.Event()

        async def job(i: int):
            async with gate.slot():
                if i == 0:
                    await release.wait()
                order.append(i)

        tasks = [asyncio.create_task(job(i)) for i in range(4)]
        await asyncio.sleep(0.01)
        assert (gate.running, gate.waiting) == (1, 3)
        with pytest.raises(Busy, match="已有 3 個請求在排隊"):
            async with gate.slot():
                pass
        release.set()
        await asyncio.gather(*tasks)
        return order

    assert asyncio.run(scenario()) == [0, 1, 2, 3]


def test_gate_refuses_on_arrival_when_the_estimated_wait_is_too_long():
    async def scenario():
        gate = ModelGate(max_inflight=1, max_waiting=100, max_wait=1.0)
        gate.service_s = 0.4  # as if each call had taken 0.4 s
        hold = asyncio.Event()

        async def job():
            async with gate.slot():
                await hold.wait()

        tasks = [asyncio.create_task(job()) for _ in range(3)]  # one running, two waiting: 1.2 s ahead
        await asyncio.sleep(0.01)
        t0 = time.perf_counter()
        with pytest.raises(Busy) as err:
            async with gate.slot():
                pass
        assert time.perf_counter() - t0 < 0.05 and err.value.retry_after == 2
        hold.set()
        await asyncio.gather(*tasks)

    asyncio.run(scenario())


def test_gate_times_out_a_waiter_and_keeps_its_slot():
    async def scenario():
        gate = ModelGate(max_inflight=1, max_waiting=10, max_wait=0.1)
        hold = asyncio.Event()

        async def holder():
            async with gate.slot():
                await hold.wait()

        task = asyncio.create_task(holder())
        await asyncio.sleep(0.01)
        with pytest.raises(Busy, match="等了"):
            async with gate.slot():
                pass
        hold.set()
        await task
        async with gate.slot():  # the slot the timed-out waiter never got is still there
            assert (gate.running, gate.waiting) == (1, 0)

    asyncio.run(scenario())


def test_gate_rejects_nonsense_settings():
    with pytest.raises(ValueError, match="max_inflight"):
        ModelGate(max_inflight=0)
