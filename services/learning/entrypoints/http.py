"""Learning's HTTP API for the online modules: the catalogue, starts, completions, corrections and progress."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Response, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from contracts.events.learning import MODULE_COUNT
from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN
from runtime.auth import Authenticator, Principal
from services.learning.domain.errors import CohortNotKnown, CompletionNotFound, SchoolNotEnrolled, StaffNotRegistered
from services.learning.domain.model import CompletionWithdrawal, Module, ModuleCompletion, ModuleStart
from services.learning.domain.progress import SchoolModuleProgress, school_progress, staff_progress
from services.learning.entrypoints.authorisation import POLICY
from services.learning.service_layer import handlers
from services.learning.service_layer.commands import RecordModuleCompletion, RecordModuleStart, WithdrawCompletion
from services.learning.service_layer.unit_of_work import LearningUnitOfWork

__all__ = ["build_router"]


class NewCompletion(BaseModel):
    """A staff member completed a module."""

    model_config = ConfigDict(extra="forbid")

    staff_id: UUID = Field(description="The staff member's id from enrolment (no names here)")
    urn: str = Field(pattern=URN_PATTERN, description="The staff member's school")
    module_number: int = Field(ge=1, le=MODULE_COUNT, description="Which module, 1 to 15")
    completed_at: AwareDatetime | None = Field(default=None, description="When; defaults to now")


class NewStart(BaseModel):
    """A staff member started a module."""

    model_config = ConfigDict(extra="forbid")

    staff_id: UUID = Field(description="The staff member's id from enrolment (no names here)")
    urn: str = Field(pattern=URN_PATTERN, description="The staff member's school")
    module_number: int = Field(ge=1, le=MODULE_COUNT, description="Which module, 1 to 15")
    started_at: AwareDatetime | None = Field(default=None, description="When; defaults to now")


class Correction(BaseModel):
    """Why a completion no longer counts. Kept in learning only; the event carries ids."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=1000, description="Why the completion is withdrawn")


class ModuleView(BaseModel):
    number: int
    title: str
    summary: str
    expected_minutes: int

    @classmethod
    def of(cls, module: Module) -> ModuleView:
        return cls(
            number=module.number, title=module.title, summary=module.summary, expected_minutes=module.expected_minutes
        )


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


class StartView(BaseModel):
    staff_id: UUID
    urn: str
    cohort_id: str
    module_number: int
    started_at: datetime

    @classmethod
    def of(cls, start: ModuleStart) -> StartView:
        return cls(
            staff_id=start.staff_id,
            urn=start.urn,
            cohort_id=start.cohort_id,
            module_number=start.module_number,
            started_at=start.started_at,
        )


class WithdrawalView(BaseModel):
    completion: CompletionView
    reason: str
    withdrawn_at: datetime

    @classmethod
    def of(cls, withdrawal: CompletionWithdrawal) -> WithdrawalView:
        return cls(
            completion=CompletionView.of(withdrawal.completion),
            reason=withdrawal.reason,
            withdrawn_at=withdrawal.withdrawn_at,
        )


class StaffProgressView(BaseModel):
    staff_id: UUID
    urn: str
    current: bool = Field(description="Counts towards the school's figures today (started, not left)")
    modules_started: list[int]
    modules_completed: list[int]
    completed_all: bool


class ModuleFigures(BaseModel):
    current_staff: int = Field(description="Staff counted today: registered, started, not left")
    staff_started: int = Field(description="Current staff who started at least one module")
    staff_completed_all: int = Field(description="Current staff who completed all 15 modules")
    completions_by_module: dict[int, int] = Field(description="Module number -> current staff who completed it")

    @classmethod
    def of(cls, figures: SchoolModuleProgress) -> ModuleFigures:
        return cls(
            current_staff=figures.current_staff,
            staff_started=figures.staff_started,
            staff_completed_all=figures.staff_completed_all,
            completions_by_module=figures.completions_by_module,
        )


class SchoolProgressView(ModuleFigures):
    urn: str
    cohort_id: str
    status: str


class CohortProgressView(ModuleFigures):
    cohort_id: str
    schools: list[SchoolProgressView]


def _today() -> date:
    return datetime.now(UTC).date()


_URN_PATH = Path(pattern=URN_PATTERN, description="The school's six-digit URN")


async def _school_progress(uow: LearningUnitOfWork, urn: str, today: date) -> SchoolProgressView:
    school = await uow.schools.get(urn)
    if school is None:
        raise SchoolNotEnrolled(urn)
    figures = school_progress(
        await uow.staff.of_school(urn), await uow.starts.of_school(urn), await uow.completions.of_school(urn), today
    )
    return SchoolProgressView(
        urn=urn, cohort_id=school.cohort_id, status=school.status, **ModuleFigures.of(figures).model_dump()
    )


def build_router(unit_of_work: Callable[[], LearningUnitOfWork], authenticate: Authenticator) -> APIRouter:
    router = APIRouter()
    caller_of = Depends(authenticate)

    @router.get("/modules", tags=["modules"], summary="The 15 online modules")
    async def module_catalogue(caller: Principal = caller_of) -> list[ModuleView]:
        POLICY.check(caller, "read_module_catalogue")
        async with unit_of_work() as uow:
            return [ModuleView.of(module) for module in await uow.modules.all()]

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

    @router.post(
        "/module-starts",
        status_code=status.HTTP_201_CREATED,
        tags=["modules"],
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
        return StartView.of(start)

    @router.post(
        "/completions/{completion_id}/withdrawal",
        tags=["modules"],
        summary="Correct a completion away (it stops counting; the reason stays in learning)",
    )
    async def withdraw_completion(
        completion_id: UUID, body: Correction, caller: Principal = caller_of
    ) -> WithdrawalView:
        POLICY.check(caller, "withdraw_module_completion")
        async with unit_of_work() as uow:
            recorded = await uow.completions.get(completion_id)
        if recorded is not None:
            POLICY.check(caller, "withdraw_module_completion", recorded.urn)
        elif POLICY.schools_in_reach(caller) is not None:
            raise CompletionNotFound(completion_id)  # whether it was ever recorded is not theirs to learn
        withdrawal = await handlers.withdraw_completion(
            unit_of_work(), WithdrawCompletion(completion_id, body.reason, datetime.now(UTC))
        )
        return WithdrawalView.of(withdrawal)

    @router.get("/schools/{urn}/completions", tags=["modules"], summary="A school's module completions")
    async def school_completions(caller: Principal = caller_of, urn: str = _URN_PATH) -> list[CompletionView]:
        POLICY.check(caller, "read_module_completions", urn)
        async with unit_of_work() as uow:
            if await uow.schools.get(urn) is None:
                raise SchoolNotEnrolled(urn)
            return [CompletionView.of(c) for c in await uow.completions.of_school(urn)]

    @router.get(
        "/schools/{urn}/staff/{staff_id}/progress", tags=["progress"], summary="One staff member's module progress"
    )
    async def staff_module_progress(
        staff_id: UUID, caller: Principal = caller_of, urn: str = _URN_PATH
    ) -> StaffProgressView:
        POLICY.check(caller, "read_staff_progress", urn)
        async with unit_of_work() as uow:
            member = await uow.staff.get(staff_id)
            if member is None or member.urn != urn:
                raise StaffNotRegistered(staff_id, urn)
            progress = staff_progress(
                member, await uow.starts.of_school(urn), await uow.completions.of_school(urn), _today()
            )
        return StaffProgressView(
            staff_id=staff_id,
            urn=urn,
            current=progress.current,
            modules_started=list(progress.started),
            modules_completed=list(progress.completed),
            completed_all=progress.completed_all,
        )

    @router.get("/schools/{urn}/progress", tags=["progress"], summary="A school's module progress (current staff)")
    async def school_module_progress(caller: Principal = caller_of, urn: str = _URN_PATH) -> SchoolProgressView:
        POLICY.check(caller, "read_school_progress", urn)
        async with unit_of_work() as uow:
            return await _school_progress(uow, urn, _today())

    @router.get("/cohorts/{cohort_id}/progress", tags=["progress"], summary="A cohort's module progress")
    async def cohort_module_progress(
        caller: Principal = caller_of, cohort_id: str = Path(pattern=COHORT_ID_PATTERN, description="The cohort")
    ) -> CohortProgressView:
        POLICY.check(caller, "read_cohort_progress")
        today = _today()
        async with unit_of_work() as uow:
            schools = [await _school_progress(uow, s.urn, today) for s in await uow.schools.in_cohort(cohort_id)]
        if not schools:
            raise CohortNotKnown(cohort_id)
        total = SchoolModuleProgress.combine(
            SchoolModuleProgress(s.current_staff, s.staff_started, s.staff_completed_all, s.completions_by_module)
            for s in schools
        )
        return CohortProgressView(cohort_id=cohort_id, schools=schools, **ModuleFigures.of(total).model_dump())

    return router
