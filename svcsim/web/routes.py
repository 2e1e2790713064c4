"""The reviewer's JSON API over a :class:`~svcsim.web.workspace.Workspace`.

* ``GET /api/plans`` — every plan's originality row with an ``id``.
* ``GET /api/plans/{id}`` — the plan's points, each with its status.
* ``GET /api/plans/{id}/points/{entry_id}/sources`` — the point's sources with copied spans
  ``[mine_start, mine_end, source_start, source_end]``.
* ``GET /api/overlap`` — agency × agency counts and proportions.
* ``GET /api/years/{agency}`` — the agency's last two plans compared point by point.
* ``GET /api/innovations``, ``GET /api/themes``, ``GET /api/themes/{id}``.

Unknown ids answer 404 ``{"error": <Chinese message>}``.
"""

# No `from __future__ import annotations`: FastAPI reads the handlers' annotations.

from svcsim.web.guard import json_error
from svcsim.web.workspace import NotFound


def add_review_routes(app, work) -> None:
    def answer(call, *args):
        try:
            return call(*args)
        except NotFound as exc:
            return json_error(404, str(exc))

    @app.get("/api/strings")
    def strings():
        from svcsim.web.strings import page_strings

        return page_strings()

    @app.get("/api/plans")
    def plans():
        return work.plans()

    @app.get("/api/plans/{plan_id}")
    def plan(plan_id: int):
        return answer(work.plan, plan_id)

    @app.get("/api/plans/{plan_id}/points/{entry_id}/sources")
    def sources(plan_id: int, entry_id: int):
        return answer(work.sources, plan_id, entry_id)

    @app.get("/api/overlap")
    def overlap():
        return work.overlap()

    @app.get("/api/years/{agency}")
    def years(agency: str):
        return answer(work.years, agency)

    @app.get("/api/innovations")
    def innovations():
        return work.innovations()

    @app.get("/api/themes")
    def themes():
        return work.themes()

    @app.get("/api/themes/{theme_id}")
    def theme(theme_id: int):
        return answer(work.theme, theme_id)
