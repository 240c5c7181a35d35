"""What circles answers: a school's circles, and the half-terms that had a circle, per school and per cohort."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from contracts.calendar import HalfTermCalendar
from runtime.lookups import found
from services.circles.domain.cadence import CohortHalfTerm, SchoolCadence, cohort_cadence, school_cadence
from services.circles.domain.circle import Circle
from services.circles.domain.errors import CircleNotFound, CohortNotKnown, SchoolNotKnown
from services.circles.domain.model import CircleSchool
from services.circles.service_layer.unit_of_work import CirclesUnitOfWork

__all__ = ["circle_of_school", "circles_of_school", "cohort_half_terms", "school", "school_half_terms"]


async def _school(uow: CirclesUnitOfWork, urn: str) -> CircleSchool:
    return found(await uow.schools.get(urn), SchoolNotKnown(urn))


async def school(uow: CirclesUnitOfWork, urn: str) -> CircleSchool:
    async with uow:
        return await _school(uow, urn)


async def circles_of_school(uow: CirclesUnitOfWork, urn: str) -> list[Circle]:
    async with uow:
        await _school(uow, urn)
        return await uow.circles.of_school(urn)


async def circle_of_school(uow: CirclesUnitOfWork, urn: str, circle_id: UUID) -> Circle:
    async with uow:
        await _school(uow, urn)
        circle = await uow.circles.get(urn, circle_id)
    return found(circle, CircleNotFound(urn, circle_id))


async def school_half_terms(uow: CirclesUnitOfWork, calendar: HalfTermCalendar, urn: str, today: date) -> SchoolCadence:
    async with uow:
        school = await _school(uow, urn)
        cohort = await uow.cohorts.get(school.cohort_id)
        held = await uow.circles.held_on(school.cohort_id, [urn])
    expected = cohort.circles_per_half_term if cohort else 1
    return school_cadence(urn, calendar, school.span(cohort), held.get(urn, []), expected, today)


async def cohort_half_terms(
    uow: CirclesUnitOfWork, calendar: HalfTermCalendar, cohort_id: str, today: date
) -> list[CohortHalfTerm]:
    async with uow:
        schools = await uow.schools.in_cohort(cohort_id)
        if not schools:
            raise CohortNotKnown(cohort_id)
        cohort = await uow.cohorts.get(cohort_id)
        held = await uow.circles.held_on(cohort_id, [school.urn for school in schools])
    expected = cohort.circles_per_half_term if cohort else 1
    return cohort_cadence(
        school_cadence(school.urn, calendar, school.span(cohort), held.get(school.urn, []), expected, today)
        for school in schools
    )
