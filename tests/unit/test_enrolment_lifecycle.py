"""Enrolment's rules for cohorts' plans, completion, URN changes and GIAS imports, on in-memory storage."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest

from contracts import (
    CohortCreated,
    Envelope,
    Event,
    LeadershipDayRescheduled,
    SchoolCompleted,
    SchoolUrnChanged,
    SchoolWithdrawn,
    StaffRegistered,
)
from contracts.events.journey import JourneyCompleted, JourneySummary, JourneyWithdrawn
from contracts.programme import programme_end
from services.enrolment.adapters.gias_csv import read_extract
from services.enrolment.bootstrap import bootstrap
from services.enrolment.domain.errors import (
    CohortEnded,
    CohortNotOver,
    LeadershipDayNotFound,
    LeadershipDayOutOfPlace,
    PlanDoesNotFit,
    SameUrn,
    SchoolAlreadyEnrolled,
    SchoolWasInCohort,
    UnreadableExtract,
    UrnChangedBeforeEnrolment,
)
from services.enrolment.service_layer.commands import (
    ChangeUrn,
    CompleteSchool,
    CreateCohort,
    EnrolSchool,
    Headteacher,
    ImportSchools,
    RegisterStaff,
    RescheduleLeadershipDay,
    WithdrawSchool,
)
from services.enrolment.service_layer.handlers import (
    change_urn,
    complete_school,
    create_cohort,
    enrol_school,
    import_schools,
    register_staff,
    reschedule_leadership_day,
    withdraw_school,
)
from tests.unit.fakes import FakeEnrolmentUnitOfWork

STARTS_ON = date(2026, 9, 1)
TODAY = date(2026, 9, 7)
EXTRACT = Path(__file__).parents[1] / "data" / "gias_oxfordshire_extract.csv"


async def _deliver(uow: FakeEnrolmentUnitOfWork, event: Event, envelope: Envelope) -> None:
    """Hand the event to enrolment's handler table, as its consumer does (inbox claim, handler, commit)."""
    await bootstrap(lambda: uow).handle(event, envelope)


def _cohort(cohort_id: str = "oxon-2026", starts_on: date = STARTS_ON, **changes: object) -> CreateCohort:
    command = CreateCohort(cohort_id=cohort_id, name="Oxfordshire", local_authority="Oxfordshire", starts_on=starts_on)
    return replace(command, **changes)  # type: ignore[arg-type]


async def _with_school(urn: str = "123456") -> FakeEnrolmentUnitOfWork:
    uow = FakeEnrolmentUnitOfWork()
    await create_cohort(uow, _cohort())
    await enrol_school(uow, EnrolSchool(urn, "Cherwell Primary", "oxon-2026", TODAY, phase="primary"))
    return uow


async def test_created_cohort_publishes_its_plan_and_end() -> None:
    uow = FakeEnrolmentUnitOfWork()

    cohort = await create_cohort(uow, _cohort())

    [event] = uow.published
    assert isinstance(event, CohortCreated)
    assert (event.starts_on, event.ends_on, event.local_authority) == (STARTS_ON, date(2028, 2, 29), "Oxfordshire")
    assert event.plan == cohort.plan
    assert len(event.plan.leadership_days) == 10


async def test_cohort_whose_plan_does_not_fit_is_refused_and_nothing_is_written() -> None:
    uow = FakeEnrolmentUnitOfWork()

    with pytest.raises(PlanDoesNotFit, match=r"plan\.leadership_days\[1\]"):
        await create_cohort(uow, _cohort(leadership_days=(date(2026, 10, 1), date(2028, 9, 1))))

    assert (uow.published, uow.cohorts.rows, uow.commits) == ([], {}, 0)


async def test_moving_a_leadership_day_tells_the_journeys() -> None:
    uow = FakeEnrolmentUnitOfWork()
    cohort = await create_cohort(uow, _cohort())
    day_three = cohort.plan.leadership_days[2]

    moved = await reschedule_leadership_day(
        uow, RescheduleLeadershipDay("oxon-2026", 3, day_three.held_on + timedelta(days=2))
    )

    assert uow.published[-1] == LeadershipDayRescheduled(
        cohort_id="oxon-2026",
        day_number=3,
        previous_date=day_three.held_on,
        held_on=day_three.held_on + timedelta(days=2),
    )
    assert moved.plan.leadership_days[2].held_on == day_three.held_on + timedelta(days=2)
    stored = await uow.cohorts.get("oxon-2026")
    assert stored is not None
    assert stored.plan == moved.plan


async def test_moving_a_day_to_the_date_it_has_tells_no_one() -> None:
    uow = FakeEnrolmentUnitOfWork()
    cohort = await create_cohort(uow, _cohort())

    await reschedule_leadership_day(
        uow, RescheduleLeadershipDay("oxon-2026", 1, cohort.plan.leadership_days[0].held_on)
    )

    assert len(uow.published) == 1


async def test_a_day_cannot_move_past_its_neighbour_or_out_of_the_programme() -> None:
    uow = FakeEnrolmentUnitOfWork()
    cohort = await create_cohort(uow, _cohort())

    with pytest.raises(LeadershipDayOutOfPlace, match="is not before leadership day 3"):
        await reschedule_leadership_day(
            uow, RescheduleLeadershipDay("oxon-2026", 2, cohort.plan.leadership_days[2].held_on)
        )
    with pytest.raises(LeadershipDayOutOfPlace, match="held_on: 2028-03-01 is outside the programme"):
        await reschedule_leadership_day(uow, RescheduleLeadershipDay("oxon-2026", 10, date(2028, 3, 1)))
    with pytest.raises(LeadershipDayNotFound, match="1 to 10, not 11"):
        await reschedule_leadership_day(uow, RescheduleLeadershipDay("oxon-2026", 11, date(2027, 3, 1)))

    assert len(uow.published) == 1
    assert await uow.cohorts.get("oxon-2026") == cohort


async def test_headteacher_given_at_enrolment_is_registered_as_staff() -> None:
    uow = FakeEnrolmentUnitOfWork()
    await create_cohort(uow, _cohort())

    school = await enrol_school(
        uow,
        EnrolSchool(
            "123456", "Cherwell Primary", "oxon-2026", TODAY, "primary", None, Headteacher("Ada", "ada@x.example")
        ),
    )

    registered = uow.published[-1]
    assert isinstance(registered, StaffRegistered)
    assert (registered.staff_id, registered.role) == (school.headteacher_id, "headteacher")
    assert school.local_authority == "Oxfordshire"
    assert [m.name for m in await uow.staff.of_school("123456")] == ["Ada"]


async def test_school_cannot_join_a_cohort_that_has_ended() -> None:
    uow = FakeEnrolmentUnitOfWork()
    await create_cohort(uow, _cohort())
    after = programme_end(STARTS_ON) + timedelta(days=1)

    with pytest.raises(CohortEnded, match="ended on 2028-02-29"):
        await enrol_school(uow, EnrolSchool("123456", "Cherwell Primary", "oxon-2026", after, phase="primary"))


async def test_withdrawn_school_cannot_rejoin_the_same_cohort() -> None:
    uow = await _with_school()
    await withdraw_school(uow, WithdrawSchool("123456", "closing", TODAY))

    with pytest.raises(SchoolWasInCohort, match="later cohort"):
        await enrol_school(uow, EnrolSchool("123456", "Cherwell Primary", "oxon-2026", TODAY, phase="primary"))


async def test_school_completes_only_once_its_cohort_has_ended_and_can_then_join_another() -> None:
    uow = await _with_school()
    last_day = programme_end(STARTS_ON)

    with pytest.raises(CohortNotOver, match="2028-02-29"):
        await complete_school(uow, CompleteSchool("123456", last_day - timedelta(days=1)))
    completed = await complete_school(uow, CompleteSchool("123456", last_day))
    await create_cohort(uow, _cohort("oxon-2028", starts_on=last_day))
    again = await enrol_school(uow, EnrolSchool("123456", "Cherwell Primary", "oxon-2028", last_day, phase="primary"))

    assert (completed.status, completed.ended_on) == ("completed", last_day)
    assert SchoolCompleted(urn="123456", cohort_id="oxon-2026", completed_on=last_day) in uow.published
    assert again.status == "active"


async def test_new_urn_carries_the_school_its_staff_and_its_history() -> None:
    uow = await _with_school("123456")
    member = await register_staff(uow, RegisterStaff("123456", "Ada", "ada@x.example", "teacher", TODAY))

    successor = await change_urn(uow, ChangeUrn("123456", "654321", TODAY + timedelta(days=30)))

    assert (successor.urn, successor.predecessor_urn, successor.status) == ("654321", "123456", "active")
    assert successor.enrolled_on == TODAY
    predecessor = await uow.schools.current("123456")
    assert predecessor is not None
    assert (predecessor.status, predecessor.successor_urn) == ("converted", "654321")
    assert await uow.staff.get("654321", member.staff_id) is not None
    assert uow.published[-1] == SchoolUrnChanged(
        predecessor_urn="123456", successor_urn="654321", cohort_id="oxon-2026", changed_on=TODAY + timedelta(days=30)
    )


async def test_impossible_urn_changes_are_refused_and_change_nothing() -> None:
    uow = await _with_school("123456")
    await enrol_school(uow, EnrolSchool("222222", "Other", "oxon-2026", TODAY, phase="primary"))
    published = len(uow.published)

    with pytest.raises(SameUrn, match="successor_urn"):
        await change_urn(uow, ChangeUrn("123456", "123456", TODAY))
    with pytest.raises(SchoolAlreadyEnrolled, match="222222"):
        await change_urn(uow, ChangeUrn("123456", "222222", TODAY))
    with pytest.raises(UrnChangedBeforeEnrolment, match="changed_on"):
        await change_urn(uow, ChangeUrn("123456", "333333", TODAY - timedelta(days=1)))

    assert len(uow.published) == published
    current = await uow.schools.current("123456")
    assert current is not None
    assert current.status == "active"


def test_extract_is_read_from_latin_1_with_gias_columns() -> None:
    rows = read_extract(EXTRACT.read_bytes())

    assert len(rows) == 16
    assert rows[7].name == "St Thérèse's Catholic Primary School"
    assert (rows[0].urn, rows[0].local_authority, rows[0].phase, rows[0].line) == (
        "931001",
        "Oxfordshire",
        "Primary",
        2,
    )


def test_file_that_is_not_an_extract_is_refused_naming_what_is_missing() -> None:
    with pytest.raises(UnreadableExtract, match="'EstablishmentStatus \\(name\\)'"):
        read_extract(b"URN,EstablishmentName,LA (name),PhaseOfEducation (name),TypeOfEstablishment (name)\r\n")
    with pytest.raises(UnreadableExtract, match="empty"):
        read_extract(b"")


async def test_import_enrols_open_schools_reports_the_rest_and_a_rerun_changes_nothing() -> None:
    uow = FakeEnrolmentUnitOfWork()
    await create_cohort(uow, _cohort())
    command = ImportSchools("oxon-2026", read_extract(EXTRACT.read_bytes()), TODAY)

    first = await import_schools(uow, command)
    published = len(uow.published)
    second = await import_schools(uow, command)

    phases = {school.urn: school.phase for school in first.enrolled}
    assert phases == {
        "931001": "primary",
        "931002": "secondary",
        "931003": "special",
        "931004": "alternative_provision",
        "931005": "nursery",
        "931006": "all_through",
        "931008": "primary",
        "931009": "primary",
        "931012": "primary",
        "931014": "alternative_provision",
    }
    reasons = {urn: reason for _, urn, _, reason in first.skipped}
    assert reasons == {
        "931007": "EstablishmentStatus is 'Closed', not open",
        "931010": "EstablishmentStatus is 'Proposed to open', not open",
        "931011": "PhaseOfEducation '16 plus' (Further education) is not a phase the programme runs in",
        "931013": "PhaseOfEducation 'Not applicable' (Other independent school) is not a phase the programme runs in",
        "931002": "the URN appears earlier in the file",
        "93101": "URN '93101' is not six digits",
    }
    assert second.enrolled == []
    assert {(urn, reason) for _, urn, _, reason in second.skipped if urn in phases} == {
        *((urn, "already enrolled in this cohort") for urn in phases),
        ("931002", "the URN appears earlier in the file"),
    }
    assert len(uow.published) == published == 1 + len(phases)


async def test_import_skips_schools_in_another_active_cohort() -> None:
    uow = FakeEnrolmentUnitOfWork()
    await create_cohort(uow, _cohort())
    await create_cohort(uow, _cohort("oxon-2027"))
    await enrol_school(uow, EnrolSchool("931001", "Cherwell Vale", "oxon-2027", TODAY, phase="primary"))

    report = await import_schools(uow, ImportSchools("oxon-2026", read_extract(EXTRACT.read_bytes()), TODAY))

    assert (2, "931001", "Cherwell Vale Primary School", "already in active cohort 'oxon-2027'") in report.skipped


def _journey_completed(urn: str, on: date) -> tuple[JourneyCompleted, Envelope]:
    summary = JourneySummary(**dict.fromkeys(JourneySummary.model_fields, 0))
    event = JourneyCompleted(
        urn=urn,
        cohort_id="oxon-2026",
        journey_id=f"journey-oxon-2026-{urn}",
        completed_on=on,
        at_risk=False,
        summary=summary,
    )
    return event, Envelope(id=uuid4(), source=event.source, type=event.subject, time=datetime.now(UTC))


async def test_school_completes_when_its_journey_does_and_only_once() -> None:
    uow = await _with_school()
    event, envelope = _journey_completed("123456", date(2028, 3, 7))

    await _deliver(uow, event, envelope)
    await _deliver(uow, event, envelope)

    school = await uow.schools.current("123456")
    assert school is not None
    assert (school.status, school.ended_on) == ("completed", date(2028, 3, 7))
    assert [e for e in uow.published if isinstance(e, SchoolCompleted)] == [
        SchoolCompleted(urn="123456", cohort_id="oxon-2026", completed_on=date(2028, 3, 7))
    ]


async def test_withdrawn_school_stays_withdrawn_when_its_journey_ends() -> None:
    uow = await _with_school()
    await withdraw_school(uow, WithdrawSchool("123456", "closing", TODAY))

    await _deliver(uow, *_journey_completed("123456", date(2028, 3, 7)))

    school = await uow.schools.current("123456")
    assert school is not None
    assert school.status == "withdrawn"


def _journey_withdrawn(urn: str, on: date) -> tuple[JourneyWithdrawn, Envelope]:
    event = JourneyWithdrawn(
        urn=urn, cohort_id="oxon-2026", journey_id=f"journey-oxon-2026-{urn}", withdrawn_on=on, phase="launch"
    )
    return event, Envelope(id=uuid4(), source=event.source, type=event.subject, time=datetime.now(UTC))


async def test_journey_withdrawn_in_temporal_withdraws_the_school_once_and_tells_the_others() -> None:
    uow = await _with_school()

    await _deliver(uow, *_journey_withdrawn("123456", date(2026, 11, 2)))
    await _deliver(uow, *_journey_withdrawn("123456", date(2026, 11, 3)))  # a second ending changes nothing

    school = await uow.schools.current("123456")
    assert school is not None
    assert (school.status, school.ended_on) == ("withdrawn", date(2026, 11, 2))
    assert [e for e in uow.published if isinstance(e, SchoolWithdrawn)] == [
        SchoolWithdrawn(urn="123456", cohort_id="oxon-2026", withdrawn_on=date(2026, 11, 2))
    ]


async def test_journey_ending_after_enrolment_withdrew_the_school_changes_nothing() -> None:
    uow = await _with_school()
    await withdraw_school(uow, WithdrawSchool("123456", "closing", TODAY))
    published = len(uow.published)

    await _deliver(uow, *_journey_withdrawn("123456", date(2026, 11, 2)))

    school = await uow.schools.current("123456")
    assert school is not None
    assert school.ended_on == TODAY
    assert len(uow.published) == published
