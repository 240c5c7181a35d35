"""Enrolment's HTTP API: the programme team sets up cohorts and enrols schools."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from fastapi import APIRouter, Depends, Path, status
from pydantic import BaseModel, ConfigDict, Field

from contracts import journey_id
from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN
from runtime.auth import Authenticator, Principal
from services.enrolment.domain.errors import CohortNotFound, SchoolNotFound
from services.enrolment.domain.model import Cohort, SchoolEnrolment
from services.enrolment.entrypoints.authorisation import POLICY
from services.enrolment.service_layer import handlers
from services.enrolment.service_layer.commands import CreateCohort, EnrolSchool
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
    status: str
    journey_id: str = Field(description="The school's SchoolJourney workflow id in Temporal")

    @classmethod
    def of(cls, enrolment: SchoolEnrolment) -> SchoolView:
        return cls(
            urn=enrolment.urn,
            name=enrolment.school_name,
            cohort_id=enrolment.cohort_id,
            enrolled_on=enrolment.enrolled_on,
            status=enrolment.status,
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
                enrolled_on=datetime.now(UTC).date(),
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

    return router
