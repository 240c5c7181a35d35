"""Reporting's HTTP API: progress per school and per cohort, read from the projections."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN
from runtime.errors import NotFound
from services.reporting.domain.progress import SchoolProgress
from services.reporting.service_layer.queries import progress_of
from services.reporting.service_layer.unit_of_work import ReportingUnitOfWork

__all__ = ["build_router"]


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


class NoSuchSchool(NotFound):
    def __init__(self, urn: str) -> None:
        super().__init__(f"school {urn} has no progress recorded (not enrolled, or its enrolment is not yet seen)")


def build_router(unit_of_work: Callable[[], ReportingUnitOfWork]) -> APIRouter:
    router = APIRouter()

    @router.get("/schools/{urn}/progress", tags=["progress"], summary="One school's progress")
    async def school_progress(
        urn: str = Path(pattern=URN_PATTERN, description="The school's six-digit URN"),
    ) -> SchoolProgressView:
        found = await progress_of(unit_of_work(), urn=urn)
        if not found:
            raise NoSuchSchool(urn)
        return SchoolProgressView.of(found[0])

    @router.get("/progress", tags=["progress"], summary="Progress of every school, or of one cohort's")
    async def all_progress(
        cohort_id: str | None = Query(default=None, pattern=COHORT_ID_PATTERN, description="Only this cohort"),
    ) -> list[SchoolProgressView]:
        return [SchoolProgressView.of(p) for p in await progress_of(unit_of_work(), cohort_id=cohort_id)]

    return router
