"""The JSON API and its limits, through FastAPI's in-process client (no server, no browser)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from fixture_plans import SPECIFIC, WINDOW


@pytest.fixture(scope="module")
def client(app):
    # A loopback name, as a browser on this machine sends it; TestClient's default "testserver" is refused.
    return TestClient(app, base_url="http://127.0.0.1:8765")


def test_page_and_static_assets_are_served_with_a_strict_csp(client):
    r = client.get("/")
    assert r.status_code == 200 and "撰寫助手" in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "<script>" not in r.text  # only the external /static/app.js
    assert client.get("/static/app.js").status_code == 200
    css = client.get("/static/style.css").text
    assert "Noto Sans CJK TC" in css
    assert "http" not in client.get("/").text.replace("http-equiv", "")  # no external assets


def test_measures_lists_codes_and_agencies(client):
    d = client.get("/api/measures").json()
    assert [m["code"] for m in d["measures"]][:2] == ["一(一)", "一(二)"]
    assert "高雄市政府乙處" in d["agencies"]


def test_suggest_returns_suggestions_and_warning(client):
    r = client.post("/api/suggest", json={"draft": WINDOW.format(self="本署"), "agency": "高雄市政府甲局"})
    assert r.status_code == 200
    d = r.json()
    assert d["warning"]["label"] == "near_copy"
    assert all(s["agency"] != "高雄市政府甲局" for s in d["suggestions"])
    for field in ("text", "agency", "year", "file", "item", "measure", "n", "score", "used_by"):
        assert field in d["suggestions"][0]


def test_suggest_by_measure_only(client):
    d = client.post("/api/suggest", json={"draft": "", "measure": "一(二)", "k": 3}).json()
    assert len(d["suggestions"]) == 3 and d["measure"]["code"] == "一(二)"
    assert SPECIFIC["乙處"] in [s["text"] for s in d["suggestions"]]


def test_empty_request_gives_empty_result_not_error(client):
    d = client.post("/api/suggest", json={"draft": "  "}).json()
    assert d["suggestions"] == [] and d["warning"] is None


@pytest.mark.parametrize("body,status,needle", [
    ({"draft": "字" * 5001}, 422, "5000"),
    ({"draft": "x", "measure": "九(九)"}, 422, "已知的代碼"),
    ({"draft": "x", "k": "5"}, 422, "integer"),
    ({"draft": 3}, 422, "string"),
    (["draft"], 422, "JSON object"),
])
def test_bad_requests_are_refused_with_a_clear_message(client, body, status, needle):
    r = client.post("/api/suggest", json=body)
    assert r.status_code == status
    assert needle in r.json()["error"]


def test_bodies_over_64kb_get_413(client):
    body = json.dumps({"draft": "a" * 70_000})
    r = client.post("/api/suggest", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and "上限" in r.json()["error"]

    def chunks():  # no Content-Length: the limit must still hold while streaming
        for _ in range(70):
            yield b"a" * 1024

    r = client.post("/api/suggest", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_invalid_json_is_400(client):
    r = client.post("/api/suggest", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "JSON" in r.json()["error"]


def test_dupes_tab_lists_cross_agency_copies(client):
    d = client.get("/api/dupes").json()
    assert d["available"] is True
    texts = [g["canonical"]["text"] for g in d["groups"]]
    assert any("單一服務窗口" in t for t in texts)
    g = next(g for g in d["groups"] if "單一服務窗口" in g["canonical"]["text"])
    assert len(g["agencies"]) == 5


def test_clusters_tab_answers(client):
    d = client.get("/api/clusters").json()
    assert d["available"] is True
    assert all(c["keywords"] and c["representative"] for c in d["clusters"])
