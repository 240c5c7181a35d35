"""Learning's HTTP API for the online modules: the catalogue, starts, completions and corrections."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Response, status

from contracts.identifiers import URN_PATTERN
from runtime.auth import Authenticator, Principal
from services.learning.domain.errors import CompletionNotFound
from services.learning.entrypoints.authorisation import POLICY
from services.learning.entrypoints.views.modules import (
    CompletionView,
    Correction,
    ModuleView,
    NewCompletion,
    NewStart,
    StartView,
    WithdrawalView,
)
from services.learning.service_layer import handlers, queries
from services.learning.service_layer.commands import RecordModuleCompletion, RecordModuleStart, WithdrawCompletion
from services.learning.service_layer.completions_together import CompletionsTogether
from services.learning.service_layer.unit_of_work import LearningUnitOfWork

__all__ = ["URN_PATH", "build_modules_router"]

URN_PATH = Path(pattern=URN_PATTERN, description="The school's six-digit URN")


def build_modules_router(unit_of_work: Callable[[], LearningUnitOfWork], authenticate: Authenticator) -> APIRouter:
    router = APIRouter(tags=["modules"])
    caller_of = Depends(authenticate)
    completions = CompletionsTogether(unit_of_work)

    @router.get("/modules", summary="The 15 online modules")
    async def module_catalogue(caller: Principal = caller_of) -> list[ModuleView]:
        POLICY.check(caller, "read_module_catalogue")
        return [ModuleView.model_validate(m) for m in await queries.module_catalogue(unit_of_work())]

    @router.post(
        "/completions",
        status_code=status.HTTP_201_CREATED,
        summary="Record that a staff member completed a module",
        responses={200: {"description": "Already recorded: the first completion, unchanged"}},
    )
    async def record_completion(
        body: NewCompletion, response: Response, caller: Principal = caller_of
    ) -> CompletionView:
        POLICY.check(caller, "record_module_completion", body.urn)
        completed_at = body.completed_at or datetime.now(UTC)
        completion, is_new = await completions.record(
            RecordModuleCompletion(body.staff_id, body.urn, body.module_number, completed_at)
        )
        if not is_new:
            response.status_code = status.HTTP_200_OK
        return CompletionView.model_validate(completion)

    @router.post(
        "/module-starts",
        status_code=status.HTTP_201_CREATED,
        summary="Record that a staff member started a module",
        responses={200: {"description": "Already started: the first start, unchanged"}},
    )
    async def record_start(body: NewStart, response: Response, caller: Principal = caller_of) -> StartView:
        POLICY.check(caller, "record_module_start", body.urn)
        start, is_new = await handlers.record_module_start(
            unit_of_work(),
            RecordModuleStart(body.staff_id, body.urn, body.module_number, body.started_at or datetime.now(UTC)),
        )
        if not is_new:
            response.status_code = status.HTTP_200_OK
        return StartView.model_validate(start)

    @router.post(
        "/completions/{completion_id}/withdrawal",
        summary="Correct a completion away (it stops counting; the reason stays in learning)",
    )
    async def withdraw_completion(
        completion_id: UUID, body: Correction, caller: Principal = caller_of
    ) -> WithdrawalView:
        POLICY.check(caller, "withdraw_module_completion")
        recorded = await queries.recorded_completion(unit_of_work(), completion_id)
        if recorded is not None:
            POLICY.check(caller, "withdraw_module_completion", recorded.urn)
        elif POLICY.schools_in_reach(caller) is not None:
            raise CompletionNotFound(completion_id)  # whether it was ever recorded is not theirs to learn
        withdrawal = await handlers.withdraw_completion(
            unit_of_work(), WithdrawCompletion(completion_id, body.reason, datetime.now(UTC))
        )
        return WithdrawalView.model_validate(withdrawal)

    @router.get("/schools/{urn}/completions", summary="A school's module completions")
    async def school_completions(caller: Principal = caller_of, urn: str = URN_PATH) -> list[CompletionView]:
        POLICY.check(caller, "read_module_completions", urn)
        return [CompletionView.model_validate(c) for c in await queries.school_completions(unit_of_work(), urn)]

    return router
