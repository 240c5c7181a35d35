"""Enrolment's HTTP API, one router per area: cohorts, schools, staff and retention."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request, status

from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN
from contracts.programme import PlanTargets
from runtime.auth import Authenticator, Principal
from services.enrolment.adapters.gias_csv import COLUMNS, read_extract
from services.enrolment.domain.errors import EnrolmentDateRefused, UnreadableExtract
from services.enrolment.entrypoints.authorisation import POLICY
from services.enrolment.entrypoints.views import (
    CohortView,
    Departure,
    ErasureReport,
    ErasureRequest,
    ImportReportView,
    LeadershipDayMove,
    NewCohort,
    NewEnrolment,
    NewStaffMember,
    SchoolPlanView,
    SchoolView,
    StaffAddressView,
    StaffView,
    UrnChange,
    Withdrawal,
)
from services.enrolment.service_layer import handlers, queries
from services.enrolment.service_layer.commands import (
    ChangeUrn,
    CompleteSchool,
    CreateCohort,
    EnrolSchool,
    EraseExpiredPersonalData,
    Headteacher,
    ImportSchools,
    RecordStaffLeaving,
    RegisterStaff,
    RescheduleLeadershipDay,
    WithdrawSchool,
)
from services.enrolment.service_layer.unit_of_work import EnrolmentUnitOfWork

__all__ = ["build_router"]


def _enrolment_day(asked: date | None) -> date:
    today = _today()
    if asked is not None and asked > today:
        raise EnrolmentDateRefused(asked, "is in the future")
    return asked or today


def _today() -> date:
    return datetime.now(UTC).date()


_URN_PATH = Path(pattern=URN_PATTERN, description="The school's six-digit URN")
_COHORT_PATH = Path(pattern=COHORT_ID_PATTERN, max_length=60, description="The cohort's id")
_DAY_PATH = Path(ge=1, le=30, description="Which leadership day, counting from 1")
_MAX_EXTRACT_BYTES = 20 * 1024 * 1024
_EXTRACT_BODY = {
    "requestBody": {
        "required": True,
        "description": "A GIAS extract as downloaded (CSV, Windows Latin-1). Columns read: "
        + ", ".join(f"`{column}`" for column in COLUMNS)
        + "; when present, the headteacher's name from `HeadTitle (name)` (or `HeadTitle`), `HeadFirstName` and "
        "`HeadLastName`",
        "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def build_router(unit_of_work: Callable[[], EnrolmentUnitOfWork], authenticate: Authenticator) -> APIRouter:
    router = APIRouter()
    for area in (_cohorts_router, _schools_router, _staff_router, _retention_router):
        router.include_router(area(unit_of_work, authenticate))
    return router


def _cohorts_router(unit_of_work: Callable[[], EnrolmentUnitOfWork], authenticate: Authenticator) -> APIRouter:
    router = APIRouter(tags=["cohorts"])
    caller_of = Depends(authenticate)

    @router.post("/cohorts", status_code=status.HTTP_201_CREATED, summary="Create a cohort")
    async def create_cohort(body: NewCohort, caller: Principal = caller_of) -> CohortView:
        POLICY.check(caller, "create_cohort")
        days = body.plan.leadership_days
        command = CreateCohort(
            cohort_id=body.cohort_id,
            name=body.name,
            local_authority=body.local_authority,
            starts_on=body.starts_on,
            targets=PlanTargets.model_validate(body.plan.model_dump(exclude={"leadership_days"})),
            leadership_days=None if days is None else tuple(days),
        )
        return CohortView.of(await handlers.create_cohort(unit_of_work(), command), [])

    @router.get("/cohorts", summary="Every cohort, with its schools and counts")
    async def list_cohorts(caller: Principal = caller_of) -> list[CohortView]:
        POLICY.check(caller, "read_cohort")
        return [CohortView.of(c, schools) for c, schools in await queries.cohorts(unit_of_work())]

    @router.get("/cohorts/{cohort_id}", summary="A cohort, its plan, its schools and counts")
    async def read_cohort(caller: Principal = caller_of, cohort_id: str = _COHORT_PATH) -> CohortView:
        POLICY.check(caller, "read_cohort")
        return CohortView.of(*await queries.cohort(unit_of_work(), cohort_id))

    @router.put(
        "/cohorts/{cohort_id}/leadership-days/{number}",
        summary="Move a leadership day to another date (the journeys are told)",
    )
    async def reschedule_leadership_day(
        body: LeadershipDayMove,
        caller: Principal = caller_of,
        cohort_id: str = _COHORT_PATH,
        number: int = _DAY_PATH,
    ) -> CohortView:
        POLICY.check(caller, "reschedule_leadership_day")
        command = RescheduleLeadershipDay(cohort_id, number, body.held_on)
        cohort = await handlers.reschedule_leadership_day(unit_of_work(), command)
        return CohortView.of(cohort, await queries.schools_in_cohort(unit_of_work(), cohort_id))

    @router.post(
        "/cohorts/{cohort_id}/gias-imports",
        summary="Enrol the open schools of a Get Information about Schools extract",
        description="Send the CSV file itself as the body. Open schools are enrolled; every other row is reported "
        "with the reason it was skipped. Sending the same file again enrols nothing more. With `check=true` the "
        "answer says what the import would do and nothing is enrolled (a check-your-answers page).",
        openapi_extra=_EXTRACT_BODY,
    )
    async def import_schools(
        request: Request,
        caller: Principal = caller_of,
        cohort_id: str = _COHORT_PATH,
        check: bool = Query(default=False, description="Only say what would be enrolled and skipped; write nothing"),
    ) -> ImportReportView:
        POLICY.check(caller, "import_schools")
        data = await request.body()
        if len(data) > _MAX_EXTRACT_BYTES:
            raise UnreadableExtract(f"the file is larger than {_MAX_EXTRACT_BYTES // (1024 * 1024)} MB")
        command = ImportSchools(cohort_id, read_extract(data), _today(), check_only=check)
        return ImportReportView.of(await handlers.import_schools(unit_of_work(), command))

    return router


def _schools_router(unit_of_work: Callable[[], EnrolmentUnitOfWork], authenticate: Authenticator) -> APIRouter:
    router = APIRouter(tags=["schools"])
    caller_of = Depends(authenticate)

    @router.post("/schools", status_code=status.HTTP_201_CREATED, summary="Enrol a school")
    async def enrol_school(body: NewEnrolment, caller: Principal = caller_of) -> SchoolView:
        POLICY.check(caller, "enrol_school", body.urn)
        enrolment = await handlers.enrol_school(
            unit_of_work(),
            EnrolSchool(
                urn=body.urn,
                school_name=body.name,
                cohort_id=body.cohort_id,
                enrolled_on=_enrolment_day(body.enrolled_on),
                back_dated=body.enrolled_on is not None,
                phase=body.phase,
                local_authority=body.local_authority,
                headteacher=None
                if body.headteacher is None
                else Headteacher(body.headteacher.name, body.headteacher.email),
            ),
        )
        return SchoolView.of(enrolment)

    @router.get("/schools/{urn}", summary="A school's current enrolment")
    async def read_school(caller: Principal = caller_of, urn: str = _URN_PATH) -> SchoolView:
        POLICY.check(caller, "read_school", urn)
        return SchoolView.of(await queries.school(unit_of_work(), urn))

    @router.get(
        "/schools/{urn}/plan",
        summary="The programme plan the school follows (its cohort's dates and targets, not its other schools)",
    )
    async def read_school_plan(caller: Principal = caller_of, urn: str = _URN_PATH) -> SchoolPlanView:
        POLICY.check(caller, "read_school_plan", urn)
        school = await queries.school(unit_of_work(), urn)
        cohort, _ = await queries.cohort(unit_of_work(), school.cohort_id)
        return SchoolPlanView.of(cohort)

    @router.post("/schools/{urn}/withdrawal", summary="Withdraw a school from the programme")
    async def withdraw_school(body: Withdrawal, caller: Principal = caller_of, urn: str = _URN_PATH) -> SchoolView:
        POLICY.check(caller, "withdraw_school", urn)
        withdrawn = await handlers.withdraw_school(unit_of_work(), WithdrawSchool(urn, body.reason, _today()))
        return SchoolView.of(withdrawn)

    @router.post("/schools/{urn}/completion", summary="Mark a school completed at the end of its 18 months")
    async def complete_school(caller: Principal = caller_of, urn: str = _URN_PATH) -> SchoolView:
        POLICY.check(caller, "complete_school", urn)
        return SchoolView.of(await handlers.complete_school(unit_of_work(), CompleteSchool(urn, _today())))

    @router.post(
        "/schools/{urn}/urn-change",
        summary="Record a new URN (an academy conversion): the school, its staff and its history move to it",
    )
    async def change_urn(body: UrnChange, caller: Principal = caller_of, urn: str = _URN_PATH) -> SchoolView:
        POLICY.check(caller, "change_urn", urn)
        command = ChangeUrn(urn, body.successor_urn, body.changed_on or _today())
        return SchoolView.of(await handlers.change_urn(unit_of_work(), command))

    return router


def _staff_router(unit_of_work: Callable[[], EnrolmentUnitOfWork], authenticate: Authenticator) -> APIRouter:
    router = APIRouter(tags=["staff"])
    caller_of = Depends(authenticate)

    @router.post("/schools/{urn}/staff", status_code=status.HTTP_201_CREATED, summary="Register staff")
    async def register_staff(body: NewStaffMember, caller: Principal = caller_of, urn: str = _URN_PATH) -> StaffView:
        POLICY.check(caller, "register_staff", urn)
        command = RegisterStaff(urn, body.name, body.email, body.role, body.starts_on or _today())
        return StaffView.of(await handlers.register_staff(unit_of_work(), command))

    @router.get("/schools/{urn}/staff", summary="A school's staff")
    async def read_staff(caller: Principal = caller_of, urn: str = _URN_PATH) -> list[StaffView]:
        POLICY.check(caller, "read_staff", urn)
        return [StaffView.of(member) for member in await queries.school_staff(unit_of_work(), urn)]

    @router.get(
        "/schools/{urn}/staff/{staff_id}/address",
        summary="Where to write to one member of staff (for the notifications service)",
        description="Their email only, read when a message is sent and kept no longer; empty once erased.",
    )
    async def read_staff_address(
        staff_id: UUID, caller: Principal = caller_of, urn: str = _URN_PATH
    ) -> StaffAddressView:
        POLICY.check(caller, "read_staff_address")
        return StaffAddressView.model_validate(await queries.staff_member(unit_of_work(), urn, staff_id))

    @router.post("/schools/{urn}/staff/{staff_id}/departure", summary="Record that someone left")
    async def record_staff_leaving(
        body: Departure, staff_id: UUID, caller: Principal = caller_of, urn: str = _URN_PATH
    ) -> StaffView:
        POLICY.check(caller, "record_staff_leaving", urn)
        left = await handlers.record_staff_leaving(unit_of_work(), RecordStaffLeaving(urn, staff_id, body.left_on))
        return StaffView.of(left)

    return router


def _retention_router(unit_of_work: Callable[[], EnrolmentUnitOfWork], authenticate: Authenticator) -> APIRouter:
    router = APIRouter(tags=["retention"])
    caller_of = Depends(authenticate)

    @router.post("/personal-data-erasures", summary="Erase expired staff personal data")
    async def erase_expired_personal_data(body: ErasureRequest, caller: Principal = caller_of) -> ErasureReport:
        POLICY.check(caller, "erase_expired_personal_data")
        schools, erased = await handlers.erase_expired_personal_data(
            unit_of_work(), EraseExpiredPersonalData(today=_today(), keep_days=body.keep_days)
        )
        return ErasureReport(schools=schools, staff_erased=erased)

    return router
