"""Learning holds leadership days on the dates of its cohort's plan, which enrolment owns, and follows its moves."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from contracts import Envelope, Event, SchoolEnrolled
from contracts.events.enrolment import CohortCreated, LeadershipDayRescheduled
from contracts.events.learning import SessionScheduled
from contracts.programme import ProgrammePlan, default_leadership_days, programme_end
from runtime.errors import RetryLater
from services.learning.bootstrap import bootstrap
from services.learning.domain.errors import SessionConflict, SessionRefused
from services.learning.service_layer.commands import MoveSession, ScheduleSession
from services.learning.service_layer.sessions import move_session, schedule_session
from tests.unit.learning_fakes import FakeLearningUnitOfWork

STARTS_ON = date(2026, 9, 1)
PLAN = ProgrammePlan(leadership_days=default_leadership_days(STARTS_ON))
DAY_3 = PLAN.leadership_days[2].held_on


async def _deliver(uow: FakeLearningUnitOfWork, event: Event) -> None:
    envelope = Envelope(id=uuid4(), source=event.source, type=event.subject, time=datetime.now(UTC))
    await bootstrap(lambda: uow).handle(event, envelope)


async def _cohort(uow: FakeLearningUnitOfWork, with_plan: bool = True) -> None:
    await _deliver(uow, SchoolEnrolled(urn="123456", cohort_id="oxon-2026", school_name="A", enrolled_on=STARTS_ON))
    if with_plan:
        created = CohortCreated(
            cohort_id="oxon-2026",
            name="Oxfordshire 2026",
            local_authority="Oxfordshire",
            starts_on=STARTS_ON,
            ends_on=programme_end(STARTS_ON),
            plan=PLAN,
        )
        await _deliver(uow, created)


def _day(number: int, held_on: date) -> ScheduleSession:
    return ScheduleSession("leadership_day", held_on, "oxon-2026", None, number, None)


def _moved(previous: date, held_on: date) -> LeadershipDayRescheduled:
    return LeadershipDayRescheduled(cohort_id="oxon-2026", day_number=3, previous_date=previous, held_on=held_on)


async def test_leadership_day_on_its_plans_date_is_scheduled_and_on_another_is_refused_naming_the_plans() -> None:
    uow = FakeLearningUnitOfWork()
    await _cohort(uow)

    with pytest.raises(SessionRefused, match=rf"held_on: .* holds leadership day 3 on {DAY_3.isoformat()}"):
        await schedule_session(uow, _day(3, DAY_3 + timedelta(days=1)))
    with pytest.raises(SessionRefused, match=r"day_number: cohort 'oxon-2026'.s plan has 10 leadership days"):
        await schedule_session(uow, _day(11, DAY_3))
    assert not uow.sessions.rows
    scheduled = await schedule_session(uow, _day(3, DAY_3))

    assert scheduled.held_on == DAY_3
    with pytest.raises(SessionRefused, match="held_on"):
        await move_session(uow, MoveSession(scheduled.session_id, DAY_3 + timedelta(days=7), None))


async def test_leadership_day_waits_for_the_plan_to_reach_learning() -> None:
    uow = FakeLearningUnitOfWork()
    await _cohort(uow, with_plan=False)

    with pytest.raises(SessionConflict, match="has not reached learning"):
        await schedule_session(uow, _day(1, PLAN.leadership_days[0].held_on))


async def test_a_day_moved_in_the_plan_moves_its_scheduled_session_in_order_of_the_moves() -> None:
    uow = FakeLearningUnitOfWork()
    await _cohort(uow)
    session = await schedule_session(uow, _day(3, DAY_3))
    first, second = DAY_3 + timedelta(days=7), DAY_3 + timedelta(days=14)

    with pytest.raises(RetryLater, match="earlier move"):
        await _deliver(uow, _moved(first, second))  # the second move, arriving first, waits for the first
    await _deliver(uow, _moved(DAY_3, first))
    await _deliver(uow, _moved(first, second))

    assert (await uow.sessions.planned_leadership_days("oxon-2026") or [])[2] == second
    moved = await uow.sessions.get(session.session_id)
    assert moved is not None
    assert moved.held_on == second
    rescheduled = [e for e in uow.published if isinstance(e, SessionScheduled) and e.rescheduled_from is not None]
    assert [(e.rescheduled_from, e.held_on) for e in rescheduled] == [(DAY_3, first), (first, second)]
