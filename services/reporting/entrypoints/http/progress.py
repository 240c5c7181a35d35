"""Reporting's HTTP API: progress per school and per cohort, read from the projections."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Path, Query, Response

from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN
from runtime.auth import Authenticator, Principal
from services.reporting.domain.errors import NoSuchSchool
from services.reporting.domain.progress import SchoolProgress
from services.reporting.entrypoints.authorisation import POLICY, in_reach
from services.reporting.entrypoints.csv_export import Cell, csv_response
from services.reporting.entrypoints.views.progress import SchoolProgressView
from services.reporting.service_layer.queries import progress_of
from services.reporting.service_layer.unit_of_work import ReportingUnitOfWork

__all__ = ["PROGRESS_COLUMNS", "build_progress_router", "progress_cells"]


PROGRESS_COLUMNS = (
    "cohort_id",
    "urn",
    "school_name",
    "enrolled_on",
    "status",
    "journey_phase",
    "at_risk",
    "at_risk_reasons",
    "staff_counted",
    "module_completions",
    "staff_with_completions",
    "staff_completed_all",
    "circles_held",
    "half_terms_with_circle",
    "leadership_days_attended",
    "leadership_days_headteacher_attended",
    "mentoring_sessions",
    "immersion_days",
    "practitioners_trained",
)


def progress_cells(progress: SchoolProgress) -> tuple[Cell, ...]:
    school, modules, journey = progress.school, progress.modules, progress.journey
    return (
        school.cohort_id,
        school.urn,
        school.school_name,
        school.enrolled_on.isoformat(),
        progress.status,
        journey.phase,
        journey.at_risk,
        "; ".join(journey.reasons),
        progress.staff_counted,
        modules.module_completions,
        modules.staff_with_completions,
        modules.staff_completed_all,
        progress.circles_held,
        len(progress.half_terms_with_circle),
        progress.leadership_days_attended,
        progress.leadership_days_headteacher_attended,
        progress.mentoring_sessions,
        progress.immersion_days,
        progress.practitioners_trained,
    )


def build_progress_router(unit_of_work: Callable[[], ReportingUnitOfWork], authenticate: Authenticator) -> APIRouter:
    router = APIRouter(tags=["progress"])
    caller_of = Depends(authenticate)

    @router.get("/schools/{urn}/progress", summary="One school's progress")
    async def school_progress(
        caller: Principal = caller_of,
        urn: str = Path(pattern=URN_PATTERN, description="The school's six-digit URN"),
    ) -> SchoolProgressView:
        POLICY.check(caller, "read_school_progress", urn)
        found = await progress_of(unit_of_work(), urn=urn)
        if not found:
            raise NoSuchSchool(urn)
        return SchoolProgressView.of(found[0])

    @router.get("/progress", summary="Progress of every school, or of one cohort's")
    async def all_progress(
        caller: Principal = caller_of,
        cohort_id: str | None = Query(default=None, pattern=COHORT_ID_PATTERN, description="Only this cohort"),
    ) -> list[SchoolProgressView]:
        POLICY.check(caller, "read_progress")
        found = await progress_of(unit_of_work(), cohort_id=cohort_id)
        return [SchoolProgressView.of(p) for p in in_reach(caller, found)]

    @router.get("/progress.csv", response_class=Response, summary="Progress of every school, CSV")
    async def all_progress_csv(
        caller: Principal = caller_of,
        cohort_id: str | None = Query(default=None, pattern=COHORT_ID_PATTERN, description="Only this cohort"),
    ) -> Response:
        POLICY.check(caller, "read_progress")
        found = in_reach(caller, await progress_of(unit_of_work(), cohort_id=cohort_id))
        return csv_response("progress.csv", PROGRESS_COLUMNS, [progress_cells(p) for p in found])

    return router
