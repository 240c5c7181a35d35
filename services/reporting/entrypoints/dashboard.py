"""The dashboard: a cohort overview (every school, its journey phase, at-risk flags, completion, circles and
impact change), a page per school, charts of progress over time and of impact against baseline, every table as
CSV, and live updates over Server-Sent Events. Opened with `/dashboard/login?token=...` (kept in a cookie)."""

from __future__ import annotations

import pathlib
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response, StreamingResponse

from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN
from runtime.auth import SESSION_COOKIE, Authenticator, Principal
from services.reporting.domain.errors import NoSuchCohort, NoSuchSchool
from services.reporting.domain.impact_reports import CohortRow
from services.reporting.domain.progress import SchoolProgress
from services.reporting.domain.timeline import MonthPoint, add_timelines
from services.reporting.entrypoints import charts
from services.reporting.entrypoints.authorisation import POLICY
from services.reporting.entrypoints.csv_export import csv_response
from services.reporting.entrypoints.dashboard_pages import page, table_html
from services.reporting.entrypoints.dashboard_tables import (
    Table,
    cohort_impact_table,
    cohort_schools_table,
    school_figures_table,
    school_impact_table,
    timeline_table,
)
from services.reporting.entrypoints.http import in_reach
from services.reporting.entrypoints.live import AFTER, LAST_EVENT_ID, LIMIT, SECONDS, LiveStreams
from services.reporting.service_layer.impact_queries import cohort_impact_of
from services.reporting.service_layer.queries import cohort_names, progress_of
from services.reporting.service_layer.unit_of_work import ReportingUnitOfWork

__all__ = ["build_dashboard"]

_STATIC = pathlib.Path(__file__).parent / "static"
CohortTable = Literal["schools", "progress-over-time", "impact-change"]
SchoolTable = Literal["figures", "progress-over-time", "impact"]


@dataclass(frozen=True)
class CohortView:
    cohort_id: str
    name: str
    schools: list[SchoolProgress]
    impact: dict[str, CohortRow]  # by URN, only schools in the caller's reach

    def tables(self) -> dict[str, Table]:
        rows = [self.impact[p.school.urn] for p in self.schools if p.school.urn in self.impact]
        return {
            "schools": cohort_schools_table(self.cohort_id, self.schools, self.impact),
            "progress-over-time": timeline_table(
                f"Progress over time, cohort {self.cohort_id} (running totals at the end of each month)",
                add_timelines(p.timeline for p in self.schools),
            ),
            "impact-change": cohort_impact_table(self.cohort_id, [row for row in rows if row.compared]),
        }


def _progress_chart(chart_id: str, who: str, points: tuple[MonthPoint, ...] | list[MonthPoint]) -> str:
    if not points:
        return f"<p>No module completions or circles recorded for {escape(who)} yet.</p>"
    last = points[-1]
    description = (
        f"Running totals for {who} from {points[0].month:%B %Y} to {last.month:%B %Y}: by the end, "
        f"{last.module_completions} module completions, {last.staff_completed_all} staff who completed every "
        f"module and {last.circles_held} circles held. The same figures are in the table below."
    )
    return charts.line_chart(
        chart_id,
        f"Progress over time, {who}",
        description,
        [f"{point.month:%b %Y}" for point in points],
        [
            charts.Series("Module completions", [point.module_completions for point in points]),
            charts.Series("Staff who completed all modules", [point.staff_completed_all for point in points]),
            charts.Series("Circles held", [point.circles_held for point in points]),
        ],
    )


def _number(cell: object) -> float | None:
    return float(cell) if isinstance(cell, int | float) and not isinstance(cell, bool) else None


def _cohort_impact_chart(chart_id: str, table: Table) -> str:
    if not table.rows:
        return "<p>No school has both a baseline and a term's return yet, so there is no change to show.</p>"
    groups = [charts.Bars(str(row[1]), [_number(row[3]), _number(row[5])]) for row in table.rows]
    described = "; ".join(
        f"{row[0]}: suspension rate {row[3]}, overall absence {row[5]} percentage points" for row in table.rows
    )
    return charts.bar_chart(
        chart_id,
        "Change against baseline by school",
        f"Change of each school's latest term against its baseline (c: suppressed). {described}.",
        ["Suspension rate change", "Overall absence change"],
        groups,
    )


def _school_impact_chart(chart_id: str, table: Table) -> str:
    if all(row[1] is None for row in table.rows):
        return "<p>No baseline return yet, so there is no impact to compare.</p>"
    groups = [charts.Bars(str(row[0]).removesuffix(" rate"), [_number(row[1]), _number(row[2])]) for row in table.rows]
    described = "; ".join(f"{row[0]}: {row[1]} at baseline, {row[2]} in the latest term" for row in table.rows)
    return charts.bar_chart(
        chart_id,
        "Impact against baseline",
        f"Rates per 100 at baseline and in the latest term (c: suppressed). {described}.",
        ["Baseline", table.header[2]],
        groups,
    )


def _cohort_section(view: CohortView) -> str:
    tables, prefix = view.tables(), f"cohort-{view.cohort_id}"
    csv = f"/dashboard/cohorts/{view.cohort_id}"
    at_risk = [p for p in view.schools if p.journey.at_risk]
    timeline = add_timelines(p.timeline for p in view.schools)
    progress_chart = _progress_chart(f"{prefix}-progress-chart", f"cohort {view.cohort_id}", timeline)
    flags = (
        "<ul>"
        + "".join(
            f'<li><a href="/dashboard/schools/{p.school.urn}">{escape(p.school.school_name)}</a>: '
            f"{escape('; '.join(p.journey.reasons) or 'no reason given')}</li>"
            for p in at_risk
        )
        + "</ul>"
        if at_risk
        else "<p>No school is flagged at risk.</p>"
    )
    return (
        f'<section aria-labelledby="{prefix}-heading"><h2 id="{prefix}-heading">{escape(view.name)} '
        f"({escape(view.cohort_id)})</h2>"
        f'<p id="{prefix}-count">{len(view.schools)} schools, {len(at_risk)} flagged at risk.</p>'
        f"<h3>Schools</h3>{table_html(tables['schools'], prefix, f'{csv}/schools.csv')}"
        f'<h3>Schools at risk</h3><div class="at-risk">{flags}</div>'
        f"<h3>Progress over time</h3>{progress_chart}"
        f"{table_html(tables['progress-over-time'], prefix, f'{csv}/progress-over-time.csv')}"
        f"<h3>Impact against baseline</h3>{_cohort_impact_chart(f'{prefix}-impact-chart', tables['impact-change'])}"
        f"{table_html(tables['impact-change'], prefix, f'{csv}/impact-change.csv')}</section>"
    )


def _school_tables(progress: SchoolProgress, row: CohortRow | None) -> dict[str, Table]:
    school = progress.school
    return {
        "figures": school_figures_table(progress),
        "progress-over-time": timeline_table(
            f"Progress over time, {school.school_name} (running totals at the end of each month)", progress.timeline
        ),
        "impact": school_impact_table(row),
    }


def _school_content(progress: SchoolProgress, row: CohortRow | None) -> str:
    school, journey = progress.school, progress.journey
    tables, prefix, csv = _school_tables(progress, row), f"school-{school.urn}", f"/dashboard/schools/{school.urn}"
    progress_chart = _progress_chart(f"{prefix}-progress-chart", school.school_name, progress.timeline)
    risk = (
        '<div class="at-risk"><h2>At risk</h2><p>Flagged at risk in the '
        f"{escape(journey.flagged_phase or '')} phase on {journey.flagged_on}, because:</p><ul>"
        + "".join(f"<li>{escape(reason)}</li>" for reason in journey.reasons)
        + "</ul></div>"
        if journey.at_risk
        else "<p>Not flagged at risk.</p>"
    )
    return (
        f"<h1>{escape(school.school_name)} ({school.urn})</h1>"
        f"<p>Cohort {escape(school.cohort_id)}; joined {school.enrolled_on}; "
        f"{escape(progress.status)}; journey phase: {escape(journey.phase or 'not started')}.</p>{risk}"
        f"<h2>Progress</h2>{table_html(tables['figures'], prefix, f'{csv}/figures.csv')}"
        f"<h2>Progress over time</h2>{progress_chart}"
        f"{table_html(tables['progress-over-time'], prefix, f'{csv}/progress-over-time.csv')}"
        f"<h2>Impact against baseline</h2>{_school_impact_chart(f'{prefix}-impact-chart', tables['impact'])}"
        f"{table_html(tables['impact'], prefix, f'{csv}/impact.csv')}"
    )


def build_dashboard(
    unit_of_work: Callable[[], ReportingUnitOfWork], authenticate: Authenticator, streams: LiveStreams
) -> APIRouter:
    router = APIRouter()
    viewer_of = Depends(authenticate.with_cookie())

    async def cohorts_in_reach(caller: Principal, cohort_id: str | None = None) -> list[CohortView]:
        progress = in_reach(caller, await progress_of(unit_of_work(), cohort_id=cohort_id))
        names = await cohort_names(unit_of_work())
        views = []
        for cohort in sorted({p.school.cohort_id for p in progress}):
            impact = await cohort_impact_of(unit_of_work(), cohort)
            mine = [p for p in progress if p.school.cohort_id == cohort]
            urns = {p.school.urn for p in mine}
            rows = {row.school.urn: row for row in impact.rows if row.school.urn in urns}
            views.append(CohortView(cohort, names.get(cohort, cohort), mine, rows))
        return views

    async def school_in_reach(caller: Principal, urn: str) -> tuple[SchoolProgress, CohortRow | None]:
        POLICY.check(caller, "open_dashboard", urn)
        found = await progress_of(unit_of_work(), urn=urn)
        if not found:
            raise NoSuchSchool(urn)
        impact = await cohort_impact_of(unit_of_work(), found[0].school.cohort_id)
        return found[0], next((row for row in impact.rows if row.school.urn == urn), None)

    @router.get("/dashboard/login", tags=["dashboard"], summary="Open the dashboard with a token (kept in a cookie)")
    async def login(token: Annotated[str, Query(description="A token from `rsp token`")]) -> RedirectResponse:
        principal = authenticate.principal_of(token)  # refuses a bad token before any cookie is set
        POLICY.check(principal, "open_dashboard")
        answer = RedirectResponse("/dashboard", status_code=303)
        answer.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", path="/dashboard")
        return answer

    @router.get("/dashboard", response_class=HTMLResponse, tags=["dashboard"], summary="The cohort overview")
    async def overview(caller: Principal = viewer_of) -> HTMLResponse:
        POLICY.check(caller, "open_dashboard")
        views = await cohorts_in_reach(caller)
        sections = "".join(_cohort_section(view) for view in views) or "<p>No schools enrolled yet.</p>"
        return HTMLResponse(page("Cohort overview", f"<h1>Cohort overview</h1>{sections}"))

    @router.get(
        "/dashboard/schools/{urn}", response_class=HTMLResponse, tags=["dashboard"], summary="One school's page"
    )
    async def school_page(
        caller: Principal = viewer_of, urn: str = Path(pattern=URN_PATTERN, description="The school's URN")
    ) -> HTMLResponse:
        progress, row = await school_in_reach(caller, urn)
        return HTMLResponse(page(progress.school.school_name, _school_content(progress, row)))

    @router.get(
        "/dashboard/cohorts/{cohort_id}/{table}.csv",
        response_class=Response,
        tags=["dashboard"],
        summary="A table of the cohort overview as CSV (only the schools the caller may see)",
    )
    async def cohort_csv(
        table: CohortTable,
        caller: Principal = viewer_of,
        cohort_id: str = Path(pattern=COHORT_ID_PATTERN, description="The cohort's id"),
    ) -> Response:
        POLICY.check(caller, "open_dashboard")
        views = await cohorts_in_reach(caller, cohort_id)
        if not views:
            raise NoSuchCohort(cohort_id)
        chosen = views[0].tables()[table]
        return csv_response(f"cohort-{cohort_id}-{table}.csv", chosen.header, chosen.rows)

    @router.get(
        "/dashboard/schools/{urn}/{table}.csv",
        response_class=Response,
        tags=["dashboard"],
        summary="A table of a school's page as CSV",
    )
    async def school_csv(
        table: SchoolTable,
        caller: Principal = viewer_of,
        urn: str = Path(pattern=URN_PATTERN, description="The school's URN"),
    ) -> Response:
        progress, row = await school_in_reach(caller, urn)
        chosen = _school_tables(progress, row)[table]
        return csv_response(f"school-{urn}-{table}.csv", chosen.header, chosen.rows)

    @router.get(
        "/dashboard/live",
        response_class=StreamingResponse,
        tags=["dashboard"],
        summary="Live events for the open dashboard (Server-Sent Events, the caller's schools only)",
    )
    async def dashboard_live(
        caller: Principal = viewer_of,
        limit: int | None = LIMIT,
        seconds: int = SECONDS,
        after: int | None = AFTER,
        last_event_id: str | None = LAST_EVENT_ID,
    ) -> StreamingResponse:
        POLICY.check(caller, "open_dashboard")
        return streams.response(caller, last_event_id, after, limit, seconds)

    # The page's own script and style: no CDN, served from here, holding no data (so no token needed).
    @router.get("/dashboard/static/{name}", include_in_schema=False)
    async def static_file(name: Literal["dashboard.js", "dashboard.css"]) -> FileResponse:
        media = "text/javascript" if name.endswith(".js") else "text/css"
        return FileResponse(_STATIC / name, media_type=f"{media}; charset=utf-8")

    return router
