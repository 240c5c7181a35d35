"""Enrolment's rules, on in-memory storage."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from contracts import CohortCreated, SchoolEnrolled, StaffLeft, StaffRegistered
from services.enrolment.domain.errors import (
    CohortAlreadyExists,
    CohortNotFound,
    LeavingBeforeStarting,
    SchoolAlreadyEnrolled,
    SchoolNotActive,
    StaffAlreadyLeft,
)
from services.enrolment.domain.gias import GiasEstablishment
from services.enrolment.service_layer.commands import (
    CreateCohort,
    EnrolSchool,
    EraseExpiredPersonalData,
    ImportSchools,
    RecordStaffLeaving,
    RegisterStaff,
    WithdrawSchool,
)
from services.enrolment.service_layer.handlers import (
    create_cohort,
    enrol_school,
    erase_expired_personal_data,
    import_schools,
    record_staff_leaving,
    register_staff,
    withdraw_school,
)
from tests.unit.fakes import FakeEnrolmentUnitOfWork

TODAY = date(2026, 9, 7)


async def _with_cohort(cohort_id: str = "oxon-2026") -> FakeEnrolmentUnitOfWork:
    uow = FakeEnrolmentUnitOfWork()
    await create_cohort(
        uow, CreateCohort(cohort_id=cohort_id, name="Oxfordshire 2026", local_authority="Oxfordshire", starts_on=TODAY)
    )
    return uow


async def test_enrolling_a_school_records_it_and_publishes_school_enrolled() -> None:
    uow = await _with_cohort()

    enrolment = await enrol_school(uow, EnrolSchool("123456", "Cherwell Primary", "oxon-2026", TODAY))

    assert enrolment.status == "active"
    assert uow.published[-1:] == [
        SchoolEnrolled(
            urn="123456",
            cohort_id="oxon-2026",
            school_name="Cherwell Primary",
            enrolled_on=TODAY,
            local_authority="Oxfordshire",
        )
    ]
    assert await uow.schools.current("123456") == enrolment


async def test_school_cannot_join_an_unknown_cohort_and_nothing_is_written() -> None:
    uow = FakeEnrolmentUnitOfWork()

    with pytest.raises(CohortNotFound, match="'oxon-2099' does not exist"):
        await enrol_school(uow, EnrolSchool("123456", "Cherwell Primary", "oxon-2099", TODAY))

    assert (uow.published, uow.schools.rows, uow.commits) == ([], [], 0)


async def _enrolled_with_a_later_cohort() -> FakeEnrolmentUnitOfWork:
    """Cherwell Primary enrolled in oxon-2026, and oxon-2027 created after it."""
    uow = await _with_cohort()
    await create_cohort(
        uow,
        CreateCohort(cohort_id="oxon-2027", name="Oxfordshire 2027", local_authority="Oxfordshire", starts_on=TODAY),
    )
    await enrol_school(uow, EnrolSchool("123456", "Cherwell Primary", "oxon-2026", TODAY))
    return uow


async def test_school_is_in_at_most_one_active_cohort() -> None:
    uow = await _enrolled_with_a_later_cohort()

    with pytest.raises(SchoolAlreadyEnrolled, match="active cohort 'oxon-2026'"):
        await enrol_school(uow, EnrolSchool("123456", "Cherwell Primary", "oxon-2027", TODAY))

    assert [event.subject for event in uow.published] == [
        CohortCreated.subject,
        CohortCreated.subject,
        SchoolEnrolled.subject,
    ]


async def test_withdrawn_school_can_join_a_later_cohort() -> None:
    uow = await _enrolled_with_a_later_cohort()
    await withdraw_school(uow, WithdrawSchool("123456", "moved to another programme", TODAY))

    later = await enrol_school(uow, EnrolSchool("123456", "Cherwell Primary", "oxon-2027", TODAY))

    assert later.cohort_id == "oxon-2027"


async def test_cohort_ids_are_unique() -> None:
    uow = await _with_cohort()

    with pytest.raises(CohortAlreadyExists):
        await create_cohort(
            uow, CreateCohort(cohort_id="oxon-2026", name="Again", local_authority="Oxfordshire", starts_on=TODAY)
        )


async def _with_school() -> FakeEnrolmentUnitOfWork:
    uow = await _with_cohort()
    await enrol_school(uow, EnrolSchool("123456", "Cherwell Primary", "oxon-2026", TODAY))
    return uow


async def test_registered_staff_are_published_by_id_and_role_only() -> None:
    uow = await _with_school()

    member = await register_staff(
        uow, RegisterStaff("123456", "Ada Lovelace", "ada@cherwell.example", "teacher", TODAY)
    )

    event = uow.published[-1]
    assert event == StaffRegistered(
        staff_id=member.staff_id, urn="123456", cohort_id="oxon-2026", role="teacher", starts_on=TODAY
    )
    assert "Ada" not in event.model_dump_json()
    assert "ada@" not in event.model_dump_json()


async def test_staff_cannot_join_a_withdrawn_school() -> None:
    uow = await _with_school()
    await withdraw_school(uow, WithdrawSchool("123456", "closing", TODAY))

    with pytest.raises(SchoolNotActive, match="withdrawn"):
        await register_staff(uow, RegisterStaff("123456", "Ada Lovelace", "ada@cherwell.example", "teacher", TODAY))


async def test_staff_leave_once_and_never_before_they_started() -> None:
    uow = await _with_school()
    member = await register_staff(uow, RegisterStaff("123456", "Ada", "ada@cherwell.example", "teacher", TODAY))

    with pytest.raises(LeavingBeforeStarting, match="left_on"):
        await record_staff_leaving(uow, RecordStaffLeaving("123456", member.staff_id, TODAY - timedelta(days=1)))
    left = await record_staff_leaving(uow, RecordStaffLeaving("123456", member.staff_id, TODAY + timedelta(days=30)))
    with pytest.raises(StaffAlreadyLeft):
        await record_staff_leaving(uow, RecordStaffLeaving("123456", member.staff_id, TODAY + timedelta(days=31)))

    assert left.left_on == TODAY + timedelta(days=30)
    assert uow.published[-1] == StaffLeft(
        staff_id=member.staff_id, urn="123456", left_on=left.left_on, cohort_id="oxon-2026"
    )


async def test_personal_data_is_erased_only_once_the_school_ended_long_enough_ago() -> None:
    uow = await _with_school()
    member = await register_staff(uow, RegisterStaff("123456", "Ada", "ada@cherwell.example", "teacher", TODAY))
    await withdraw_school(uow, WithdrawSchool("123456", "closing", TODAY))

    too_soon = await erase_expired_personal_data(uow, EraseExpiredPersonalData(TODAY + timedelta(days=30), 30))
    in_time = await erase_expired_personal_data(uow, EraseExpiredPersonalData(TODAY + timedelta(days=31), 30))

    assert too_soon == ([], 0)
    assert in_time == (["123456"], 1)
    erased = await uow.staff.get("123456", member.staff_id)
    assert erased is not None
    assert (erased.name, erased.email, erased.role) == (None, None, "teacher")


async def test_headteacher_name_from_an_extract_is_erased_with_staff_names_once_the_school_ended() -> None:
    uow = await _with_cohort()
    rows = tuple(
        GiasEstablishment(2 + i, urn, f"School {urn}", "Oxfordshire", "Primary", "Open", "Community school", head)
        for i, (urn, head) in enumerate((("123456", "Mrs Ada Example"), ("654321", "Mr Sam Sample")))
    )
    await import_schools(uow, ImportSchools("oxon-2026", rows, TODAY))
    await withdraw_school(uow, WithdrawSchool("123456", "closing", TODAY))

    await erase_expired_personal_data(uow, EraseExpiredPersonalData(TODAY + timedelta(days=31), 30))

    ended, active = await uow.schools.current("123456"), await uow.schools.current("654321")
    assert ended is not None
    assert active is not None
    assert (ended.status, ended.headteacher_name) == ("withdrawn", None)
    assert active.headteacher_name == "Mr Sam Sample"


async def test_active_school_keeps_its_staff_personal_data() -> None:
    uow = await _with_school()
    await register_staff(uow, RegisterStaff("123456", "Ada", "ada@cherwell.example", "teacher", TODAY))

    assert await erase_expired_personal_data(uow, EraseExpiredPersonalData(TODAY + timedelta(days=9999), 0)) == ([], 0)
