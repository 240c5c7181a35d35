"""The dashboard: a cohort overview (every school, its journey phase, at-risk flags, completion, circles and
impact change), a page per school, charts of progress over time and of impact against baseline, every table as
CSV, and live updates over Server-Sent Events. Opened with `/dashboard/login?token=...` (kept in a cookie)."""

from __future__ import annotations

import pathlib
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response, StreamingResponse

from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN
from runtime.api_document import Error
from runtime.auth import SESSION_COOKIE, Authenticator, Principal
from services.reporting.domain.errors import NoSuchCohort
from services.reporting.entrypoints.authorisation import POLICY
from services.reporting.entrypoints.csv_export import csv_response
from services.reporting.entrypoints.dashboard.content import (
    cohort_section,
    cohort_tables,
    school_content,
    school_tables,
)
from services.reporting.entrypoints.dashboard.pages import page
from services.reporting.entrypoints.live import AFTER, LAST_EVENT_ID, LIMIT, SECONDS, LiveStreams
from services.reporting.service_layer import queries
from services.reporting.service_layer.unit_of_work import ReportingUnitOfWork

__all__ = ["build_dashboard"]

_STATIC = pathlib.Path(__file__).parent / "static"
CohortTable = Literal["schools", "progress-over-time", "impact-change"]
SchoolTable = Literal["figures", "progress-over-time", "impact"]
_URN_PATH = Path(pattern=URN_PATTERN, description="The school's URN")


def build_dashboard(
    unit_of_work: Callable[[], ReportingUnitOfWork], authenticate: Authenticator, streams: LiveStreams
) -> APIRouter:
    router = APIRouter(tags=["dashboard"])
    # A bearer token, or in a browser the cookie `login` sets.
    viewer_of = Depends(authenticate.with_cookie())
    _add_pages(router, viewer_of, unit_of_work, authenticate)
    _add_csv_tables(router, viewer_of, unit_of_work)
    _add_live(router, viewer_of, streams)
    return router


def _add_pages(
    router: APIRouter, viewer_of: Any, unit_of_work: Callable[[], ReportingUnitOfWork], authenticate: Authenticator
) -> None:
    @router.get(
        "/dashboard/login",
        summary="Open the dashboard with a token (kept in a cookie)",
        responses={401: {"model": Error, "description": "The token in the link is not valid"}},
    )
    async def login(token: Annotated[str, Query(description="A token from `rsp token`")]) -> RedirectResponse:
        principal = authenticate.principal_of(token)  # refuses a bad token before any cookie is set
        POLICY.check(principal, "open_dashboard")
        answer = RedirectResponse("/dashboard", status_code=303)
        answer.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", path="/dashboard")
        return answer

    @router.get("/dashboard", response_class=HTMLResponse, summary="The cohort overview")
    async def overview(caller: Principal = viewer_of) -> HTMLResponse:
        POLICY.check(caller, "open_dashboard")
        views = await queries.cohort_overviews(unit_of_work, POLICY.schools_in_reach(caller))
        detailed = POLICY.allows(caller, "read_school_dashboard")
        evidence = POLICY.allows(caller, "read_cohort_evidence")
        sections = "".join(cohort_section(view, detailed, evidence) for view in views)
        sections = sections or "<p>No schools enrolled yet.</p>"
        return HTMLResponse(page("Cohort overview", f"<h1>Cohort overview</h1>{sections}"))

    @router.get("/dashboard/schools/{urn}", response_class=HTMLResponse, summary="One school's page")
    async def school_page(caller: Principal = viewer_of, urn: str = _URN_PATH) -> HTMLResponse:
        POLICY.check(caller, "read_school_dashboard", urn)
        progress, row = await queries.school_with_impact(unit_of_work, urn)
        return HTMLResponse(page(progress.school.school_name, school_content(progress, row)))


def _add_csv_tables(router: APIRouter, viewer_of: Any, unit_of_work: Callable[[], ReportingUnitOfWork]) -> None:
    @router.get(
        "/dashboard/cohorts/{cohort_id}/{table}.csv",
        response_class=Response,
        summary="A table of the cohort overview as CSV (only the schools the caller may see)",
    )
    async def cohort_csv(
        table: CohortTable,
        caller: Principal = viewer_of,
        cohort_id: str = Path(pattern=COHORT_ID_PATTERN, description="The cohort's id"),
    ) -> Response:
        POLICY.check(caller, "read_school_dashboard" if table == "schools" else "open_dashboard")
        views = await queries.cohort_overviews(unit_of_work, POLICY.schools_in_reach(caller), cohort_id)
        if not views:
            raise NoSuchCohort(cohort_id)
        chosen = cohort_tables(views[0])[table]
        return csv_response(f"cohort-{cohort_id}-{table}.csv", chosen.header, chosen.rows)

    @router.get(
        "/dashboard/schools/{urn}/{table}.csv", response_class=Response, summary="A table of a school's page as CSV"
    )
    async def school_csv(table: SchoolTable, caller: Principal = viewer_of, urn: str = _URN_PATH) -> Response:
        POLICY.check(caller, "read_school_dashboard", urn)
        progress, row = await queries.school_with_impact(unit_of_work, urn)
        chosen = school_tables(progress, row)[table]
        return csv_response(f"school-{urn}-{table}.csv", chosen.header, chosen.rows)


def _add_live(router: APIRouter, viewer_of: Any, streams: LiveStreams) -> None:
    @router.get(
        "/dashboard/live",
        response_class=StreamingResponse,
        summary="Live events for the open dashboard (Server-Sent Events, the caller's schools only)",
    )
    async def dashboard_live(
        caller: Principal = viewer_of,
        limit: int | None = LIMIT,
        seconds: int = SECONDS,
        after: int | None = AFTER,
        last_event_id: str | None = LAST_EVENT_ID,
    ) -> StreamingResponse:
        # Live updates carry each school's events: for those who see schools, not aggregates only.
        POLICY.check(caller, "read_school_dashboard")
        return streams.response(caller, last_event_id, after, limit, seconds)

    # The page's own script and style: no CDN, served from here, holding no data (so no token needed).
    @router.get("/dashboard/static/{name}", include_in_schema=False)
    async def static_file(name: Literal["dashboard.js", "dashboard.css"]) -> FileResponse:
        media = "text/javascript" if name.endswith(".js") else "text/css"
        return FileResponse(_STATIC / name, media_type=f"{media}; charset=utf-8")
