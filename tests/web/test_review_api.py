"""The reviewer's JSON API over the example plans: figures equal the library's, bad ids are 404."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def client(review_app):
    return TestClient(review_app, base_url="http://127.0.0.1:8765")


@pytest.fixture(scope="module")
def dupes(review_suggester):
    from svcsim.dupes import analyse

    return analyse(review_suggester.index.points(), min_label="near_copy")


def test_plan_list_equals_library_originality(client, dupes):
    plans = client.get("/api/plans").json()["plans"]
    assert [p["id"] for p in plans] == list(range(len(dupes.originality)))
    for p, o in zip(plans, dupes.originality):
        assert {k: v for k, v in p.items() if k != "id"} == o.to_dict()
        assert p["n_own"] + p["n_template"] + p["n_copied"] + p["n_reused"] == p["n_points"]


def test_plan_points_carry_library_status(client, dupes):
    plans = client.get("/api/plans").json()["plans"]
    for p in plans:
        plan = client.get(f"/api/plans/{p['id']}").json()
        assert len(plan["points"]) == p["n_points"]
        statuses = [pt["status"] for pt in plan["points"]]
        assert [dupes.status[pt["id"]] for pt in plan["points"]] == statuses
        assert statuses.count("copied") == p["n_copied"] and statuses.count("own") == p["n_own"]


def _copied_point(client):
    for p in client.get("/api/plans").json()["plans"]:
        for pt in client.get(f"/api/plans/{p['id']}").json()["points"]:
            if pt["status"] == "copied":
                return p["id"], pt
    raise AssertionError("the examples have no copied point")


def test_sources_spans_point_into_both_texts(client):
    plan_id, pt = _copied_point(client)
    data = client.get(f"/api/plans/{plan_id}/points/{pt['id']}/sources").json()
    assert data["point"]["text"] == pt["text"] and data["sources"]
    other = [s for s in data["sources"] if s["source"]["agency"] != pt["agency"]]
    assert other, "a copied point has a source in another agency"
    for s in data["sources"]:
        for a0, a1, b0, b1 in s["spans"]:
            assert 0 <= a0 < a1 <= len(pt["text"]) and 0 <= b0 < b1 <= len(s["source"]["text"])
            assert a1 - a0 >= 4


@pytest.mark.parametrize("path", ["/api/plans/999", "/api/plans/0/points/999999/sources",
                                  "/api/themes/999", "/api/years/不存在的機關"])
def test_bad_ids_are_404_in_chinese(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert r.json()["error"].startswith("找不到") or "沒有" in r.json()["error"]


def test_point_of_another_plan_is_404(client):
    plan0 = client.get("/api/plans/0").json()
    r = client.get(f"/api/plans/1/points/{plan0['points'][0]['id']}/sources")
    assert r.status_code == 404


def test_overlap_is_proportions_of_library_counts(client, dupes):
    ov = client.get("/api/overlap").json()
    assert ov["agencies"] == list(dupes.overlap.agencies)
    assert ov["counts"] == dupes.overlap.counts.tolist()
    for i, row in enumerate(ov["proportions"]):
        for j, v in enumerate(row):
            assert v == pytest.approx(ov["counts"][i][j] / ov["n_points"][i], abs=1e-4)


def test_year_over_year_accounts_for_every_point(client):
    plans = client.get("/api/plans").json()["plans"]
    agency = plans[0]["agency"]
    data = client.get(f"/api/years/{agency}").json()
    mine = sorted((p for p in plans if p["agency"] == agency), key=lambda p: p["year"])
    old, new = mine[-2]["n_points"], mine[-1]["n_points"]
    kinds = [c["change"] for c in data["changes"]]
    assert set(kinds) <= {"kept", "edited", "new", "dropped"}
    assert len(kinds) - kinds.count("dropped") == new
    assert len(kinds) - kinds.count("new") == old
    assert "kept" in kinds
    for c in data["changes"]:
        if c["change"] == "edited":
            rebuilt = "".join(c["new"]["text"][j1:j2] for _, _, _, j1, j2 in c["ops"])
            assert rebuilt == c["new"]["text"] and c["old"]["text"] != c["new"]["text"]


def test_innovations_and_themes_equal_library(client, review_suggester, dupes):
    from svcsim.clusters.innovation import score_innovation

    lib = score_innovation(review_suggester.index.points(), dupes=dupes).to_dicts()
    got = client.get("/api/innovations").json()["innovations"]
    assert got == lib[: len(got)] and got[0]["rank"] == 1 and got[0]["reasons"]
    themes = client.get("/api/themes").json()["themes"]
    assert themes and all("members" not in t for t in themes)
    full = client.get(f"/api/themes/{themes[0]['id']}").json()
    assert len(full["members"]) == themes[0]["size"]


def test_hostile_text_is_served_as_data(client):
    texts = [pt["text"] for p in client.get("/api/plans").json()["plans"]
             for pt in client.get(f"/api/plans/{p['id']}").json()["points"]]
    assert any(HOSTILE in t for t in texts)


def test_strings_are_chinese_with_report_colours(client):
    from svcsim.report.sections import STATUS_COLOURS

    data = client.get("/api/strings").json()
    assert data["colours"] == STATUS_COLOURS
    assert data["strings"]["tab.plans"] == "計畫列表" and "原創" in data["strings"]["def.originality"]


def test_pages_answer_fast_once_held(client):
    client.get("/api/plans")  # the analysis is held after the first request
    t0 = time.perf_counter()
    for path in ["/api/plans", "/api/plans/3", "/api/overlap", "/api/innovations", "/api/themes"]:
        assert client.get(path).status_code == 200
    assert time.perf_counter() - t0 < 1.0
