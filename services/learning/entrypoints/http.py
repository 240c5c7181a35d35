"""Learning's HTTP API: record module completions and read a school's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Response, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from contracts.events.learning import MODULE_COUNT
from contracts.identifiers import URN_PATTERN
from runtime.auth import Authenticator, Principal
from services.learning.domain.errors import SchoolNotEnrolled
from services.learning.domain.model import ModuleCompletion
from services.learning.entrypoints.authorisation import POLICY
from services.learning.service_layer import handlers
from services.learning.service_layer.commands import RecordModuleCompletion
from services.learning.service_layer.unit_of_work import LearningUnitOfWork

__all__ = ["build_router"]


class NewCompletion(BaseModel):
    """A staff member completed a module."""

    model_config = ConfigDict(extra="forbid")

    staff_id: UUID = Field(description="The staff member's id from enrolment (no names here)")
    urn: str = Field(pattern=URN_PATTERN, description="The staff member's school")
    module_number: int = Field(ge=1, le=MODULE_COUNT, description="Which module, 1 to 15")
    completed_at: AwareDatetime | None = Field(default=None, description="When; defaults to now")


class CompletionView(BaseModel):
    completion_id: UUID
    staff_id: UUID
    urn: str
    cohort_id: str
    module_number: int
    completed_at: datetime

    @classmethod
    def of(cls, completion: ModuleCompletion) -> CompletionView:
        return cls(
            completion_id=completion.completion_id,
            staff_id=completion.staff_id,
            urn=completion.urn,
            cohort_id=completion.cohort_id,
            module_number=completion.module_number,
            completed_at=completion.completed_at,
        )


def build_router(unit_of_work: Callable[[], LearningUnitOfWork], authenticate: Authenticator) -> APIRouter:
    router = APIRouter()
    caller_of = Depends(authenticate)

    @router.post(
        "/completions",
        status_code=status.HTTP_201_CREATED,
        tags=["modules"],
        summary="Record that a staff member completed a module",
        responses={200: {"description": "Already recorded: the first completion, unchanged"}},
    )
    async def record_completion(
        body: NewCompletion, response: Response, caller: Principal = caller_of
    ) -> CompletionView:
        POLICY.check(caller, "record_module_completion", body.urn)
        completion, is_new = await handlers.record_module_completion(
            unit_of_work(),
            RecordModuleCompletion(
                staff_id=body.staff_id,
                urn=body.urn,
                module_number=body.module_number,
                completed_at=body.completed_at or datetime.now(UTC),
            ),
        )
        if not is_new:
            response.status_code = status.HTTP_200_OK
        return CompletionView.of(completion)

    @router.get("/schools/{urn}/completions", tags=["modules"], summary="A school's module completions")
    async def school_completions(
        caller: Principal = caller_of,
        urn: str = Path(pattern=URN_PATTERN, description="The school's six-digit URN"),
    ) -> list[CompletionView]:
        POLICY.check(caller, "read_module_completions", urn)
        async with unit_of_work() as uow:
            if await uow.schools.get(urn) is None:
                raise SchoolNotEnrolled(urn)
            return [CompletionView.of(c) for c in await uow.completions.of_school(urn)]

    return router
