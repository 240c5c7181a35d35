"""What enrolment's API reads: cohorts with their schools, a school's enrolment, its staff."""

from __future__ import annotations

from uuid import UUID

from runtime.lookups import found
from services.enrolment.domain.errors import CohortNotFound, SchoolNotFound, StaffNotFound
from services.enrolment.domain.model import Cohort, SchoolEnrolment, StaffMember
from services.enrolment.service_layer.unit_of_work import EnrolmentUnitOfWork

__all__ = ["cohort", "cohorts", "school", "school_staff", "schools_in_cohort", "staff_member"]


async def cohorts(uow: EnrolmentUnitOfWork) -> list[tuple[Cohort, list[SchoolEnrolment]]]:
    """Every cohort, with its schools."""
    async with uow:
        return [(c, await uow.schools.in_cohort(c.cohort_id)) for c in await uow.cohorts.all()]


async def cohort(uow: EnrolmentUnitOfWork, cohort_id: str) -> tuple[Cohort, list[SchoolEnrolment]]:
    async with uow:
        named = found(await uow.cohorts.get(cohort_id), CohortNotFound(cohort_id))
        return named, await uow.schools.in_cohort(cohort_id)


async def schools_in_cohort(uow: EnrolmentUnitOfWork, cohort_id: str) -> list[SchoolEnrolment]:
    async with uow:
        return await uow.schools.in_cohort(cohort_id)


async def school(uow: EnrolmentUnitOfWork, urn: str) -> SchoolEnrolment:
    async with uow:
        enrolment = await uow.schools.current(urn)
    return found(enrolment, SchoolNotFound(urn))


async def school_staff(uow: EnrolmentUnitOfWork, urn: str) -> list[StaffMember]:
    async with uow:
        found(await uow.schools.current(urn), SchoolNotFound(urn))
        return await uow.staff.of_school(urn)


async def staff_member(uow: EnrolmentUnitOfWork, urn: str, staff_id: UUID) -> StaffMember:
    async with uow:
        member = await uow.staff.get(urn, staff_id)
    return found(member, StaffNotFound(staff_id))
