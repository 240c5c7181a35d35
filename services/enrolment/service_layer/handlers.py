"""Enrolment's handlers: plain functions over a unit of work."""

from __future__ import annotations

from services.enrolment.domain.errors import CohortAlreadyExists, CohortNotFound
from services.enrolment.domain.model import Cohort, SchoolEnrolment, enrol
from services.enrolment.service_layer.commands import CreateCohort, EnrolSchool
from services.enrolment.service_layer.unit_of_work import EnrolmentUnitOfWork

__all__ = ["create_cohort", "enrol_school"]


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
