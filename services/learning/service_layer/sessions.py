"""Learning's handlers for the face-to-face programme: schedule, move, cancel and hold sessions."""

from __future__ import annotations

from uuid import UUID, uuid4

from contracts import Envelope
from contracts.events.enrolment import CohortCreated, LeadershipDayRescheduled
from runtime.errors import RetryLater
from runtime.lookups import found
from services.learning.domain.errors import CohortNotKnown, SchoolNotEnrolled, SessionConflict, SessionNotFound
from services.learning.domain.sessions import Session
from services.learning.service_layer.commands import CancelSession, MoveSession, RecordAttendance, ScheduleSession
from services.learning.service_layer.unit_of_work import LearningUnitOfWork

__all__ = [
    "cancel_session",
    "follow_leadership_day_moved",
    "move_session",
    "note_cohort_plan",
    "record_attendance",
    "schedule_session",
]


async def schedule_session(uow: LearningUnitOfWork, command: ScheduleSession) -> Session:
    async with uow:
        school = None
        if command.urn is not None:
            school = found(await uow.schools.get(command.urn), SchoolNotEnrolled(command.urn))
        elif command.cohort_id is not None and not await uow.schools.in_cohort(command.cohort_id):
            raise CohortNotKnown(command.cohort_id)
        session = Session.plan(
            uuid4(),
            command.kind,
            command.held_on,
            cohort_id=command.cohort_id,
            school=school,
            day_number=command.day_number,
            venue=command.venue,
        )
        session.require_on_plan(await uow.sessions.planned_leadership_days(session.cohort_id))
        if session.day_number is not None:
            taken = await uow.sessions.leadership_day(session.cohort_id, session.day_number)
            if taken is not None:
                raise SessionConflict(
                    f"day_number: leadership day {session.day_number} of cohort {session.cohort_id!r} is already "
                    f"scheduled (session {taken.session_id}); move that one instead"
                )
        await uow.sessions.add(session)
        await uow.record(session.scheduled_event())
        await uow.commit()
    return session


async def _session(uow: LearningUnitOfWork, session_id: UUID) -> Session:
    return found(await uow.sessions.get(session_id), SessionNotFound(session_id))


async def move_session(uow: LearningUnitOfWork, command: MoveSession) -> Session:
    async with uow:
        session = await _session(uow, command.session_id)
        moved = session.moved_to(command.held_on, command.venue)
        moved.require_on_plan(await uow.sessions.planned_leadership_days(moved.cohort_id))
        await uow.sessions.update(moved)
        if moved.held_on != session.held_on:
            await uow.record(moved.scheduled_event(rescheduled_from=session.held_on))
        await uow.commit()
    return moved


async def cancel_session(uow: LearningUnitOfWork, command: CancelSession) -> Session:
    async with uow:
        cancelled = (await _session(uow, command.session_id)).cancelled(command.reason)
        await uow.sessions.update(cancelled)
        await uow.record(cancelled.cancelled_event())
        await uow.commit()
    return cancelled


async def record_attendance(uow: LearningUnitOfWork, command: RecordAttendance) -> Session:
    async with uow:
        session = await _session(uow, command.session_id)
        # Checked again when held: a session scheduled before learning followed the plan may be on another day.
        session.require_on_plan(await uow.sessions.planned_leadership_days(session.cohort_id))
        staff = {s: m for s in command.staff_ids if (m := await uow.staff.get(s)) is not None}
        urns = set(command.urns) | {m.urn for m in staff.values()}
        schools = {u: school for u in urns if (school := await uow.schools.get(u)) is not None}
        held = session.held(command.urns, command.staff_ids, schools, staff, command.today)
        await uow.sessions.update(held)
        for event in held.held_events():
            await uow.record(event)
        await uow.commit()
    return held


# Event handlers run inside the unit of work the inbox opened for the event, which commits.


async def note_cohort_plan(uow: LearningUnitOfWork, event: CohortCreated, _: Envelope) -> None:
    """Keep the cohort's leadership-day dates as enrolment planned them: leadership days are held on them."""
    await uow.sessions.plan_leadership_days(event.cohort_id, [day.held_on for day in event.plan.leadership_days])


async def follow_leadership_day_moved(uow: LearningUnitOfWork, event: LeadershipDayRescheduled, _: Envelope) -> None:
    """Enrolment moved a leadership day in the plan: learning's copy moves, and so does its session if it is still
    ahead (published as moved, so reporting and the schools see the new date)."""
    planned = await uow.sessions.planned_leadership_days(event.cohort_id)
    if planned is None or len(planned) < event.day_number:
        raise RetryLater(f"cohort {event.cohort_id}'s leadership day moved before learning saw its plan")
    if planned[event.day_number - 1] != event.previous_date:
        # Each move names the date it moved from: an earlier move of the same day is still on its way.
        raise RetryLater(f"an earlier move of leadership day {event.day_number} has not reached learning yet")
    await uow.sessions.move_planned_leadership_day(event.cohort_id, event.day_number, event.held_on)
    session = await uow.sessions.leadership_day(event.cohort_id, event.day_number)
    if session is not None and session.status == "scheduled" and session.held_on != event.held_on:
        moved = session.moved_to(event.held_on, None)
        await uow.sessions.update(moved)
        await uow.record(moved.scheduled_event(rescheduled_from=session.held_on))
