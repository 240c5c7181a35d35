"""Reporting's HTTP API: progress per school and per cohort, read from the projections."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, Field

from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN
from runtime.auth import Authenticator, Principal
from services.reporting.domain.errors import NoSuchSchool
from services.reporting.domain.progress import SchoolProgress
from services.reporting.entrypoints.authorisation import POLICY
from services.reporting.entrypoints.csv_export import csv_response
from services.reporting.service_layer.queries import progress_of
from services.reporting.service_layer.unit_of_work import ReportingUnitOfWork

__all__ = ["build_router", "in_reach"]


class ModulesView(BaseModel):
    module_completions: int = Field(description="Distinct (staff member, module) completions")
    staff_with_completions: int = Field(description="Staff who completed at least one module")
    staff_completed_all: int = Field(description="Staff who completed all 15 modules")
    completions_by_module: dict[int, int] = Field(description="Module number -> staff who completed it")


class SchoolProgressView(BaseModel):
    urn: str
    cohort_id: str
    school_name: str
    enrolled_on: date
    modules: ModulesView

    @classmethod
    def of(cls, progress: SchoolProgress) -> SchoolProgressView:
        school, modules = progress.school, progress.modules
        return cls(
            urn=school.urn,
            cohort_id=school.cohort_id,
            school_name=school.school_name,
            enrolled_on=school.enrolled_on,
            modules=ModulesView(
                module_completions=modules.module_completions,
                staff_with_completions=modules.staff_with_completions,
                staff_completed_all=modules.staff_completed_all,
                completions_by_module=modules.completions_by_module,
            ),
        )


_PROGRESS_COLUMNS = (
    "cohort_id",
    "urn",
    "school_name",
    "enrolled_on",
    "module_completions",
    "staff_with_completions",
    "staff_completed_all",
)


def _progress_cells(progress: SchoolProgress) -> tuple[str | int, ...]:
    school, modules = progress.school, progress.modules
    return (
        school.cohort_id,
        school.urn,
        school.school_name,
        school.enrolled_on.isoformat(),
        modules.module_completions,
        modules.staff_with_completions,
        modules.staff_completed_all,
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
        return csv_response("progress.csv", _PROGRESS_COLUMNS, [_progress_cells(p) for p in found])

    return router
