"""Enrolment's HTTP API: the programme team sets up cohorts and enrols schools."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from uuid import UUID

from fastapi import APIRouter, Depends, Path, status
from pydantic import BaseModel, ConfigDict, Field

from contracts import journey_id
from contracts.events.enrolment import StaffRole
from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN
from runtime.auth import Authenticator, Principal
from services.enrolment.domain.errors import CohortNotFound, SchoolNotFound
from services.enrolment.domain.model import Cohort, SchoolEnrolment, StaffMember
from services.enrolment.entrypoints.authorisation import POLICY
from services.enrolment.service_layer import handlers
from services.enrolment.service_layer.commands import (
    CreateCohort,
    EnrolSchool,
    EraseExpiredPersonalData,
    RecordStaffLeaving,
    RegisterStaff,
    WithdrawSchool,
)
from services.enrolment.service_layer.unit_of_work import EnrolmentUnitOfWork

__all__ = ["build_router"]


class NewCohort(BaseModel):
    """A cohort to create."""

    model_config = ConfigDict(extra="forbid")

    cohort_id: str = Field(pattern=COHORT_ID_PATTERN, max_length=60, description="Readable slug, e.g. `oxon-2026`")
    name: str = Field(min_length=1, max_length=200, description="The cohort's name")
    starts_on: date = Field(description="First day of the cohort's 18 months")


class NewEnrolment(BaseModel):
    """A school to enrol into a cohort."""

    model_config = ConfigDict(extra="forbid")

    urn: str = Field(pattern=URN_PATTERN, description="The school's six-digit URN")
    name: str = Field(min_length=1, max_length=200, description="The school's name as in Get Information about Schools")
    cohort_id: str = Field(pattern=COHORT_ID_PATTERN, max_length=60, description="The cohort to join")


class SchoolView(BaseModel):
    urn: str
    name: str
    cohort_id: str
    enrolled_on: date
    status: str = Field(description="active, withdrawn or completed")
    ended_on: date | None = Field(description="When it was withdrawn or completed")
    journey_id: str = Field(description="The school's SchoolJourney workflow id in Temporal")

    @classmethod
    def of(cls, enrolment: SchoolEnrolment) -> SchoolView:
        return cls(
            urn=enrolment.urn,
            name=enrolment.school_name,
            cohort_id=enrolment.cohort_id,
            enrolled_on=enrolment.enrolled_on,
            status=enrolment.status,
            ended_on=enrolment.ended_on,
            journey_id=journey_id(enrolment.cohort_id, enrolment.urn),
        )


class CohortView(BaseModel):
    cohort_id: str
    name: str
    starts_on: date
    schools: list[SchoolView]

    @classmethod
    def of(cls, cohort: Cohort, schools: list[SchoolEnrolment]) -> CohortView:
        return cls(
            cohort_id=cohort.cohort_id,
            name=cohort.name,
            starts_on=cohort.starts_on,
            schools=[SchoolView.of(school) for school in schools],
        )


_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class NewStaffMember(BaseModel):
    """A member of staff to register. Their name and email stay in enrolment; other services see `staff_id`."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="Full name")
    email: str = Field(pattern=_EMAIL, max_length=254, description="Work email address")
    role: StaffRole = Field(description="Their role in the school")
    starts_on: date | None = Field(default=None, description="First day counted; defaults to today")


class StaffView(BaseModel):
    staff_id: UUID
    urn: str
    name: str | None = Field(description="Empty once erased under the retention rule")
    email: str | None = Field(description="Empty once erased under the retention rule")
    role: StaffRole
    starts_on: date
    left_on: date | None

    @classmethod
    def of(cls, member: StaffMember) -> StaffView:
        return cls(
            staff_id=member.staff_id,
            urn=member.urn,
            name=member.name,
            email=member.email,
            role=member.role,
            starts_on=member.starts_on,
            left_on=member.left_on,
        )


class Departure(BaseModel):
    model_config = ConfigDict(extra="forbid")

    left_on: date = Field(description="Their last day")


class Withdrawal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=1000, description="Why the school leaves (kept in enrolment only)")


class ErasureRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    keep_days: int = Field(ge=0, le=36500, description="Keep staff personal data this many days after a school ends")


class ErasureReport(BaseModel):
    schools: list[str] = Field(description="URNs whose staff personal data is now erased")
    staff_erased: int = Field(description="Staff records emptied by this request")


def _today() -> date:
    return datetime.now(UTC).date()


_URN_PATH = Path(pattern=URN_PATTERN, description="The school's six-digit URN")


def build_router(unit_of_work: Callable[[], EnrolmentUnitOfWork], authenticate: Authenticator) -> APIRouter:
    router = APIRouter()
    caller_of = Depends(authenticate)

    @router.post("/cohorts", status_code=status.HTTP_201_CREATED, tags=["cohorts"], summary="Create a cohort")
    async def create_cohort(body: NewCohort, caller: Principal = caller_of) -> CohortView:
        POLICY.check(caller, "create_cohort")
        cohort = await handlers.create_cohort(
            unit_of_work(), CreateCohort(cohort_id=body.cohort_id, name=body.name, starts_on=body.starts_on)
        )
        return CohortView.of(cohort, [])

    @router.get("/cohorts/{cohort_id}", tags=["cohorts"], summary="A cohort and its schools")
    async def read_cohort(cohort_id: str, caller: Principal = caller_of) -> CohortView:
        POLICY.check(caller, "read_cohort")
        async with unit_of_work() as uow:
            cohort = await uow.cohorts.get(cohort_id)
            if cohort is None:
                raise CohortNotFound(cohort_id)
            return CohortView.of(cohort, await uow.schools.in_cohort(cohort_id))

    @router.post("/schools", status_code=status.HTTP_201_CREATED, tags=["schools"], summary="Enrol a school")
    async def enrol_school(body: NewEnrolment, caller: Principal = caller_of) -> SchoolView:
        POLICY.check(caller, "enrol_school", body.urn)
        enrolment = await handlers.enrol_school(
            unit_of_work(),
            EnrolSchool(
                urn=body.urn,
                school_name=body.name,
                cohort_id=body.cohort_id,
                enrolled_on=_today(),
            ),
        )
        return SchoolView.of(enrolment)

    @router.get("/schools/{urn}", tags=["schools"], summary="A school's current enrolment")
    async def read_school(caller: Principal = caller_of, urn: str = _URN_PATH) -> SchoolView:
        POLICY.check(caller, "read_school", urn)
        async with unit_of_work() as uow:
            enrolment = await uow.schools.current(urn)
        if enrolment is None:
            raise SchoolNotFound(urn)
        return SchoolView.of(enrolment)

    @router.post("/schools/{urn}/withdrawal", tags=["schools"], summary="Withdraw a school from the programme")
    async def withdraw_school(body: Withdrawal, caller: Principal = caller_of, urn: str = _URN_PATH) -> SchoolView:
        POLICY.check(caller, "withdraw_school", urn)
        withdrawn = await handlers.withdraw_school(unit_of_work(), WithdrawSchool(urn, body.reason, _today()))
        return SchoolView.of(withdrawn)

    @router.post("/schools/{urn}/staff", status_code=status.HTTP_201_CREATED, tags=["staff"], summary="Register staff")
    async def register_staff(body: NewStaffMember, caller: Principal = caller_of, urn: str = _URN_PATH) -> StaffView:
        POLICY.check(caller, "register_staff", urn)
        command = RegisterStaff(urn, body.name, body.email, body.role, body.starts_on or _today())
        return StaffView.of(await handlers.register_staff(unit_of_work(), command))

    @router.get("/schools/{urn}/staff", tags=["staff"], summary="A school's staff")
    async def read_staff(caller: Principal = caller_of, urn: str = _URN_PATH) -> list[StaffView]:
        POLICY.check(caller, "read_staff", urn)
        async with unit_of_work() as uow:
            if await uow.schools.current(urn) is None:
                raise SchoolNotFound(urn)
            return [StaffView.of(member) for member in await uow.staff.of_school(urn)]

    @router.post("/schools/{urn}/staff/{staff_id}/departure", tags=["staff"], summary="Record that someone left")
    async def record_staff_leaving(
        body: Departure, staff_id: UUID, caller: Principal = caller_of, urn: str = _URN_PATH
    ) -> StaffView:
        POLICY.check(caller, "record_staff_leaving", urn)
        left = await handlers.record_staff_leaving(unit_of_work(), RecordStaffLeaving(urn, staff_id, body.left_on))
        return StaffView.of(left)

    @router.post("/personal-data-erasures", tags=["retention"], summary="Erase expired staff personal data")
    async def erase_expired_personal_data(body: ErasureRequest, caller: Principal = caller_of) -> ErasureReport:
        POLICY.check(caller, "erase_expired_personal_data")
        schools, erased = await handlers.erase_expired_personal_data(
            unit_of_work(), EraseExpiredPersonalData(today=_today(), keep_days=body.keep_days)
        )
        return ErasureReport(schools=schools, staff_erased=erased)

    return router
