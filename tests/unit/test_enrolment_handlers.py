"""Enrolment's rules, on in-memory storage."""

from __future__ import annotations

from datetime import date

import pytest

from contracts import SchoolEnrolled
from services.enrolment.domain.errors import CohortAlreadyExists, CohortNotFound, SchoolAlreadyEnrolled
from services.enrolment.service_layer.commands import CreateCohort, EnrolSchool
from services.enrolment.service_layer.handlers import create_cohort, enrol_school
from tests.unit.fakes import FakeEnrolmentUnitOfWork

TODAY = date(2026, 9, 7)


async def _with_cohort(cohort_id: str = "oxon-2026") -> FakeEnrolmentUnitOfWork:
    uow = FakeEnrolmentUnitOfWork()
    await create_cohort(uow, CreateCohort(cohort_id=cohort_id, name="Oxfordshire 2026", starts_on=TODAY))
    return uow


async def test_enrolling_a_school_records_it_and_publishes_school_enrolled() -> None:
    uow = await _with_cohort()

    enrolment = await enrol_school(uow, EnrolSchool("123456", "Cherwell Primary", "oxon-2026", TODAY))

    assert enrolment.status == "active"
    assert uow.published == [
        SchoolEnrolled(urn="123456", cohort_id="oxon-2026", school_name="Cherwell Primary", enrolled_on=TODAY)
    ]
    assert await uow.schools.current("123456") == enrolment


async def test_school_cannot_join_an_unknown_cohort_and_nothing_is_written() -> None:
    uow = FakeEnrolmentUnitOfWork()

    with pytest.raises(CohortNotFound, match="'oxon-2099' does not exist"):
        await enrol_school(uow, EnrolSchool("123456", "Cherwell Primary", "oxon-2099", TODAY))

    assert (uow.published, uow.schools.rows, uow.commits) == ([], [], 0)


async def test_school_is_in_at_most_one_active_cohort() -> None:
    uow = await _with_cohort()
    await create_cohort(uow, CreateCohort(cohort_id="oxon-2027", name="Oxfordshire 2027", starts_on=TODAY))
    await enrol_school(uow, EnrolSchool("123456", "Cherwell Primary", "oxon-2026", TODAY))

    with pytest.raises(SchoolAlreadyEnrolled, match="active cohort 'oxon-2026'"):
        await enrol_school(uow, EnrolSchool("123456", "Cherwell Primary", "oxon-2027", TODAY))

    assert len(uow.published) == 1


async def test_withdrawn_school_can_join_a_later_cohort() -> None:
    uow = await _with_cohort()
    await create_cohort(uow, CreateCohort(cohort_id="oxon-2027", name="Oxfordshire 2027", starts_on=TODAY))
    await enrol_school(uow, EnrolSchool("123456", "Cherwell Primary", "oxon-2026", TODAY))
    uow.schools.withdraw("123456")

    later = await enrol_school(uow, EnrolSchool("123456", "Cherwell Primary", "oxon-2027", TODAY))

    assert later.cohort_id == "oxon-2027"


async def test_cohort_ids_are_unique() -> None:
    uow = await _with_cohort()

    with pytest.raises(CohortAlreadyExists):
        await create_cohort(uow, CreateCohort(cohort_id="oxon-2026", name="Again", starts_on=TODAY))
