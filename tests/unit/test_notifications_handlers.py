"""Which messages each decision makes, through the same handler table as the service, on in-memory storage."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from contracts import Envelope
from contracts.codec import envelope_of
from contracts.events import Event
from contracts.events.enrolment import SchoolEnrolled, SchoolUrnChanged, SchoolWithdrawn, StaffLeft, StaffRegistered
from contracts.events.journey import FlaggedAtRisk, ReminderIssued
from contracts.events.learning import SessionCancelled, SessionScheduled
from contracts.identifiers import journey_id
from runtime.errors import RetryLater
from services.notifications.bootstrap import bootstrap
from services.notifications.domain.model import Preferences
from tests.unit.notifications_fakes import FakeNotificationsUnitOfWork

COHORT, URN, OTHER = "oxon-2026", "123456", "654321"
HEAD, SENIOR, TEACHER, GONE = (uuid.uuid4() for _ in range(4))


async def _hear(uow: FakeNotificationsUnitOfWork, *events: Event) -> list[Envelope]:
    dispatcher = bootstrap(lambda: uow)
    envelopes = []
    for event in events:
        envelope = envelope_of(event)
        await dispatcher.handle(event, envelope)
        envelopes.append(envelope)
    return envelopes


def _school(urn: str = URN) -> SchoolEnrolled:
    return SchoolEnrolled(urn=urn, cohort_id=COHORT, school_name=f"School {urn}", enrolled_on=date(2026, 9, 1))


def _staff(staff_id: uuid.UUID, role: str, urn: str = URN) -> StaffRegistered:
    return StaffRegistered(staff_id=staff_id, urn=urn, cohort_id=COHORT, role=role, starts_on=date(2026, 9, 1))


def _reminder(urn: str = URN) -> ReminderIssued:
    return ReminderIssued(
        urn=urn, cohort_id=COHORT, journey_id=journey_id(COHORT, urn), reminder="circle_missing",
        due_on=date(2026, 12, 19), reason="No circle.", issued_on=date(2026, 12, 20),
    )  # fmt: skip


@pytest.fixture
async def uow() -> FakeNotificationsUnitOfWork:
    fake = FakeNotificationsUnitOfWork()
    await _hear(
        fake,
        _school(),
        _staff(HEAD, "headteacher"),
        _staff(SENIOR, "senior_leader"),
        _staff(TEACHER, "teacher"),
        _staff(GONE, "senior_leader"),
        StaffLeft(staff_id=GONE, urn=URN, left_on=date(2026, 10, 31), cohort_id=COHORT),
    )
    return fake


async def test_a_reminder_goes_to_each_current_lead_of_the_school_and_no_one_else(
    uow: FakeNotificationsUnitOfWork,
) -> None:
    await _hear(uow, _reminder())

    messages = list(uow.messages.rows.values())
    assert {m.staff_id for m in messages} == {HEAD, SENIOR}
    assert {m.kind for m in messages} == {"reminder"}
    assert all(m.values["school_name"] == f"School {URN}" and m.values["due_on"] == "2026-12-19" for m in messages)
    assert all(m.status == "pending" for m in messages)


async def test_the_same_decision_heard_twice_makes_no_more_messages(uow: FakeNotificationsUnitOfWork) -> None:
    event = _reminder()
    envelope = envelope_of(event)
    dispatcher = bootstrap(lambda: uow)

    await dispatcher.handle(event, envelope)
    await dispatcher.handle(event, envelope)

    assert len(uow.messages.rows) == 2


async def test_a_withdrawn_school_gets_no_reminders(uow: FakeNotificationsUnitOfWork) -> None:
    await _hear(uow, SchoolWithdrawn(urn=URN, cohort_id=COHORT, withdrawn_on=date(2026, 11, 1)), _reminder())

    assert uow.messages.rows == {}


async def test_a_decision_about_a_school_not_yet_known_waits_for_its_enrolment(
    uow: FakeNotificationsUnitOfWork,
) -> None:
    with pytest.raises(RetryLater):
        await _hear(uow, _reminder(OTHER))


async def test_an_at_risk_notice_copies_the_programme_team_whatever_the_leads_chose(
    uow: FakeNotificationsUnitOfWork,
) -> None:
    await uow.preferences.save(Preferences(HEAD, non_essential_off=True))
    flagged = FlaggedAtRisk(
        urn=URN, cohort_id=COHORT, journey_id=journey_id(COHORT, URN), phase="foundations",
        reasons=["2 of 10 staff completed modules 1 to 5"], flagged_on=date(2027, 3, 1),
    )  # fmt: skip

    await _hear(uow, flagged)

    by_reader = {(m.audience, m.staff_id): m for m in uow.messages.rows.values()}
    assert by_reader[("staff", HEAD)].status == "skipped"
    assert by_reader[("staff", SENIOR)].status == "pending"
    assert by_reader[("programme_team", None)].kind == "at_risk_programme_team"
    assert by_reader[("programme_team", None)].status == "pending"


async def test_a_cohorts_session_invites_every_active_school_and_each_change_raises_the_sequence(
    uow: FakeNotificationsUnitOfWork,
) -> None:
    head_there = uuid.uuid4()
    await _hear(uow, _school(OTHER), _staff(head_there, "headteacher", OTHER))
    session = uuid.uuid4()
    scheduled = SessionScheduled(session_id=session, kind="leadership_day", cohort_id=COHORT, day_number=3,
                                 held_on=date(2027, 1, 14))  # fmt: skip
    moved = SessionScheduled(session_id=session, kind="leadership_day", cohort_id=COHORT, day_number=3,
                             held_on=date(2027, 1, 21), rescheduled_from=date(2027, 1, 14))  # fmt: skip
    cancelled = SessionCancelled(session_id=session, kind="leadership_day", cohort_id=COHORT, day_number=3,
                                 was_on=date(2027, 1, 21))  # fmt: skip

    await _hear(uow, scheduled, moved, cancelled)

    messages = list(uow.messages.rows.values())
    assert {m.staff_id for m in messages} == {HEAD, SENIOR, head_there}
    entries = {(m.kind, m.calendar.sequence, m.calendar.method) for m in messages if m.calendar is not None}
    assert entries == {("session_scheduled", 0, "REQUEST"), ("session_moved", 1, "REQUEST"),
                       ("session_cancelled", 2, "CANCEL")}  # fmt: skip
    assert len({m.calendar.uid for m in messages if m.calendar is not None}) == 1


async def test_after_a_urn_change_reminders_reach_the_same_leads_under_the_new_urn(
    uow: FakeNotificationsUnitOfWork,
) -> None:
    change = SchoolUrnChanged(predecessor_urn=URN, successor_urn=OTHER, cohort_id=COHORT, changed_on=date(2026, 11, 1))

    await _hear(uow, change, _reminder(OTHER))

    assert {m.staff_id for m in uow.messages.rows.values()} == {HEAD, SENIOR}
    assert {m.urn for m in uow.messages.rows.values()} == {OTHER}
