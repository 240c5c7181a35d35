"""Enrolment's handlers: plain functions over a unit of work."""

from __future__ import annotations

from uuid import uuid4

from services.enrolment.domain.errors import CohortAlreadyExists, CohortNotFound, SchoolNotFound, StaffNotFound
from services.enrolment.domain.model import Cohort, SchoolEnrolment, StaffMember, enrol, personal_data_expired
from services.enrolment.service_layer.commands import (
    CreateCohort,
    EnrolSchool,
    EraseExpiredPersonalData,
    RecordStaffLeaving,
    RegisterStaff,
    WithdrawSchool,
)
from services.enrolment.service_layer.unit_of_work import EnrolmentUnitOfWork

__all__ = [
    "create_cohort",
    "enrol_school",
    "erase_expired_personal_data",
    "record_staff_leaving",
    "register_staff",
    "withdraw_school",
]


async def create_cohort(uow: EnrolmentUnitOfWork, command: CreateCohort) -> Cohort:
    async with uow:
        if await uow.cohorts.get(command.cohort_id) is not None:
            raise CohortAlreadyExists(command.cohort_id)
        cohort = Cohort(cohort_id=command.cohort_id, name=command.name, starts_on=command.starts_on)
        await uow.cohorts.add(cohort)
        await uow.commit()
    return cohort


async def enrol_school(uow: EnrolmentUnitOfWork, command: EnrolSchool) -> SchoolEnrolment:
    async with uow:
        cohort = await uow.cohorts.get(command.cohort_id)
        if cohort is None:
            raise CohortNotFound(command.cohort_id)
        current = await uow.schools.current(command.urn)
        enrolment = enrol(cohort, command.urn, command.school_name, current, command.enrolled_on)
        await uow.schools.add(enrolment)
        await uow.record(enrolment.enrolled_event())
        await uow.commit()
    return enrolment


async def _current_school(uow: EnrolmentUnitOfWork, urn: str) -> SchoolEnrolment:
    school = await uow.schools.current(urn)
    if school is None:
        raise SchoolNotFound(urn)
    return school


async def register_staff(uow: EnrolmentUnitOfWork, command: RegisterStaff) -> StaffMember:
    async with uow:
        school = await _current_school(uow, command.urn)
        school.require_active()
        member = StaffMember(
            staff_id=uuid4(),
            urn=command.urn,
            name=command.name,
            email=command.email,
            role=command.role,
            starts_on=command.starts_on,
        )
        await uow.staff.add(member)
        await uow.record(member.registered_event(school.cohort_id))
        await uow.commit()
    return member


async def record_staff_leaving(uow: EnrolmentUnitOfWork, command: RecordStaffLeaving) -> StaffMember:
    async with uow:
        member = await uow.staff.get(command.urn, command.staff_id)
        if member is None:
            raise StaffNotFound(command.staff_id)
        left, event = member.leave(command.left_on)
        await uow.staff.record_leaving(left)
        await uow.record(event)
        await uow.commit()
    return left


async def withdraw_school(uow: EnrolmentUnitOfWork, command: WithdrawSchool) -> SchoolEnrolment:
    async with uow:
        school = await _current_school(uow, command.urn)
        withdrawn, event = school.withdraw(command.withdrawn_on)
        await uow.schools.end(withdrawn, command.reason)
        await uow.record(event)
        await uow.commit()
    return withdrawn


async def erase_expired_personal_data(
    uow: EnrolmentUnitOfWork, command: EraseExpiredPersonalData
) -> tuple[list[str], int]:
    """Erase staff names and emails of schools that ended more than `keep_days` ago and are not back in the
    programme; ids, roles and dates stay, so every aggregate stays true. Returns the schools and how many staff."""
    async with uow:
        expired: list[str] = []
        for school in await uow.schools.ended():
            current = await uow.schools.current(school.urn)
            if (
                current is not None
                and current.status != "active"
                and personal_data_expired(current, command.today, command.keep_days)
            ):
                expired.append(school.urn)
        urns = sorted(set(expired))
        erased = await uow.staff.erase_personal_data(urns)
        await uow.commit()
    return urns, erased
