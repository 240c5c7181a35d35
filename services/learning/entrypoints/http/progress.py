"""Learning's HTTP API for module progress: one staff member's, a school's and a cohort's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from uuid import UUID

from fastapi import APIRouter, Depends, Path

from contracts.identifiers import COHORT_ID_PATTERN
from runtime.auth import Authenticator, Principal
from services.learning.entrypoints.authorisation import POLICY
from services.learning.entrypoints.http.modules import URN_PATH
from services.learning.entrypoints.views.modules import CohortProgressView, SchoolProgressView, StaffProgressView
from services.learning.service_layer import queries
from services.learning.service_layer.unit_of_work import LearningUnitOfWork

__all__ = ["build_progress_router"]


def _today() -> date:
    return datetime.now(UTC).date()


def build_progress_router(unit_of_work: Callable[[], LearningUnitOfWork], authenticate: Authenticator) -> APIRouter:
    router = APIRouter(tags=["progress"])
    caller_of = Depends(authenticate)

    @router.get("/schools/{urn}/staff/{staff_id}/progress", summary="One staff member's module progress")
    async def staff_module_progress(
        staff_id: UUID, caller: Principal = caller_of, urn: str = URN_PATH
    ) -> StaffProgressView:
        POLICY.check(caller, "read_staff_progress", urn)
        progress = await queries.staff_module_progress(unit_of_work(), urn, staff_id, _today())
        return StaffProgressView.of(urn, progress)

    @router.get("/schools/{urn}/progress", summary="A school's module progress (current staff)")
    async def school_module_progress(caller: Principal = caller_of, urn: str = URN_PATH) -> SchoolProgressView:
        POLICY.check(caller, "read_school_progress", urn)
        return SchoolProgressView.of(await queries.school_module_progress(unit_of_work(), urn, _today()))

    @router.get("/cohorts/{cohort_id}/progress", summary="A cohort's module progress")
    async def cohort_module_progress(
        caller: Principal = caller_of, cohort_id: str = Path(pattern=COHORT_ID_PATTERN, description="The cohort")
    ) -> CohortProgressView:
        POLICY.check(caller, "read_cohort_progress")
        schools = await queries.cohort_module_progress(unit_of_work(), cohort_id, _today())
        return CohortProgressView.of(cohort_id, schools)

    return router
