"""Reporting's HTTP API: progress per school and per cohort, read from the projections."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, Field

from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN
from runtime.auth import Authenticator, Principal
from services.reporting.domain.errors import NoSuchSchool
from services.reporting.domain.progress import JourneyState, SchoolProgress, SchoolStatus
from services.reporting.entrypoints.authorisation import POLICY
from services.reporting.entrypoints.csv_export import Cell, csv_response
from services.reporting.service_layer.queries import progress_of
from services.reporting.service_layer.unit_of_work import ReportingUnitOfWork

__all__ = ["PROGRESS_COLUMNS", "build_router", "in_reach", "progress_cells"]


class ModulesView(BaseModel):
    module_completions: int = Field(description="Distinct (staff member, module) completions")
    staff_with_completions: int = Field(description="Staff who completed at least one module")
    staff_completed_all: int = Field(description="Staff who completed all 15 modules")
    completions_by_module: dict[int, int] = Field(description="Module number -> staff who completed it")


class JourneyView(BaseModel):
    """What the school's journey workflow decided, as its events said."""

    phase: str | None = Field(description="Current phase (launch ... embedding, completed); null until seen")
    month: int | None = Field(description="Months since joining when the current phase was entered")
    at_risk: bool = Field(description="Flagged at risk and not yet back on track")
    at_risk_reasons: list[str] = Field(description="Each unmet criterion of the latest flag, while at risk")
    flagged_in_phase: str | None = Field(description="The phase whose criteria were unmet, while at risk")
    flagged_on: date | None
    times_flagged_at_risk: int
    ended: str | None = Field(description="`completed` or `withdrawn` once the journey ended")
    ended_on: date | None
    summary: dict[str, int] | None = Field(description="The journey's final summary against the plan")

    @classmethod
    def of(cls, journey: JourneyState) -> JourneyView:
        ended = journey.ended
        return cls(
            phase=journey.phase,
            month=journey.month,
            at_risk=journey.at_risk,
            at_risk_reasons=list(journey.reasons),
            flagged_in_phase=journey.flagged_phase,
            flagged_on=journey.flagged_on,
            times_flagged_at_risk=journey.times_flagged,
            ended=ended.kind if ended else None,
            ended_on=ended.ended_on if ended else None,
            summary=ended.summary if ended else None,
        )


class SchoolProgressView(BaseModel):
    urn: str
    cohort_id: str
    school_name: str
    enrolled_on: date
    school_phase: str | None = Field(description="Phase of education (primary, secondary, ...)")
    local_authority: str | None
    status: SchoolStatus = Field(description="active, withdrawn or completed (from enrolment)")
    ended_on: date | None = Field(description="When it was withdrawn or completed")
    staff_counted: int = Field(description="Staff registered and not left")
    modules: ModulesView
    circles_held: int
    half_terms_with_circle: list[str] = Field(description="Half-terms in which it held a circle")
    leadership_days_attended: int = Field(description="Leadership days its leaders attended")
    leadership_days_headteacher_attended: int = Field(description="Of them, days a registered headteacher attended")
    mentoring_sessions: int
    immersion_days: int
    practitioners_trained: int = Field(description="Staff trained as practitioners who have not left")
    journey: JourneyView

    @classmethod
    def of(cls, progress: SchoolProgress) -> SchoolProgressView:
        school, modules = progress.school, progress.modules
        return cls(
            urn=school.urn,
            cohort_id=school.cohort_id,
            school_name=school.school_name,
            enrolled_on=school.enrolled_on,
            school_phase=school.phase,
            local_authority=school.local_authority,
            status=progress.status,
            ended_on=progress.ended_on,
            staff_counted=progress.staff_counted,
            modules=ModulesView(
                module_completions=modules.module_completions,
                staff_with_completions=modules.staff_with_completions,
                staff_completed_all=modules.staff_completed_all,
                completions_by_module=modules.completions_by_module,
            ),
            circles_held=progress.circles_held,
            half_terms_with_circle=list(progress.half_terms_with_circle),
            leadership_days_attended=progress.leadership_days_attended,
            leadership_days_headteacher_attended=progress.leadership_days_headteacher_attended,
            mentoring_sessions=progress.mentoring_sessions,
            immersion_days=progress.immersion_days,
            practitioners_trained=progress.practitioners_trained,
            journey=JourneyView.of(progress.journey),
        )


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


def in_reach(caller: Principal, progress: list[SchoolProgress]) -> list[SchoolProgress]:
    """Only the schools the caller may see."""
    reach = POLICY.schools_in_reach(caller)
    return progress if reach is None else [p for p in progress if p.school.urn in reach]


def build_router(unit_of_work: Callable[[], ReportingUnitOfWork], authenticate: Authenticator) -> APIRouter:
    router = APIRouter()
    caller_of = Depends(authenticate)

    @router.get("/schools/{urn}/progress", tags=["progress"], summary="One school's progress")
    async def school_progress(
        caller: Principal = caller_of,
        urn: str = Path(pattern=URN_PATTERN, description="The school's six-digit URN"),
    ) -> SchoolProgressView:
        POLICY.check(caller, "read_school_progress", urn)
        found = await progress_of(unit_of_work(), urn=urn)
        if not found:
            raise NoSuchSchool(urn)
        return SchoolProgressView.of(found[0])

    @router.get("/progress", tags=["progress"], summary="Progress of every school, or of one cohort's")
    async def all_progress(
        caller: Principal = caller_of,
        cohort_id: str | None = Query(default=None, pattern=COHORT_ID_PATTERN, description="Only this cohort"),
    ) -> list[SchoolProgressView]:
        POLICY.check(caller, "read_progress")
        found = await progress_of(unit_of_work(), cohort_id=cohort_id)
        return [SchoolProgressView.of(p) for p in in_reach(caller, found)]

    @router.get("/progress.csv", response_class=Response, tags=["progress"], summary="Progress of every school, CSV")
    async def all_progress_csv(
        caller: Principal = caller_of,
        cohort_id: str | None = Query(default=None, pattern=COHORT_ID_PATTERN, description="Only this cohort"),
    ) -> Response:
        POLICY.check(caller, "read_progress")
        found = in_reach(caller, await progress_of(unit_of_work(), cohort_id=cohort_id))
        return csv_response("progress.csv", PROGRESS_COLUMNS, [progress_cells(p) for p in found])

    return router
