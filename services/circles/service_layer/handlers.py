"""Circles' handlers: plain functions over a unit of work.

Writes refuse anything impossible before touching storage, so a refused request leaves no row and no event.
"""

from __future__ import annotations

from uuid import UUID, uuid4

from contracts import Envelope, Event, SchoolEnrolled, SchoolWithdrawn, StaffLeft, StaffRegistered
from contracts.calendar import HalfTermCalendar
from contracts.events import CohortCreated, SchoolCompleted, SchoolUrnChanged
from runtime.errors import RetryLater
from runtime.handler_table import HandlerTable, on
from runtime.lookups import found
from services.circles.domain.circle import Circle, HeldRecord, plan_circle
from services.circles.domain.errors import CircleNotFound, SchoolNotKnown
from services.circles.domain.model import CircleSchool, CohortDates, check_on_roster
from services.circles.service_layer.commands import CancelCircle, RecordCircleHeld, RescheduleCircle, ScheduleCircle
from services.circles.service_layer.unit_of_work import CirclesUnitOfWork

__all__ = [
    "EVENT_HANDLERS",
    "cancel_circle",
    "note_cohort_created",
    "note_school_ended",
    "note_school_enrolled",
    "note_school_urn_changed",
    "note_staff_left",
    "note_staff_registered",
    "record_circle_held",
    "reschedule_circle",
    "schedule_circle",
]


async def _active_school(uow: CirclesUnitOfWork, urn: str) -> tuple[CircleSchool, CohortDates | None]:
    school = found(await uow.schools.get(urn), SchoolNotKnown(urn))
    school.require_active()
    return school, await uow.cohorts.get(school.cohort_id)


async def _circle(uow: CirclesUnitOfWork, urn: str, circle_id: UUID) -> Circle:
    return found(await uow.circles.get(urn, circle_id, for_update=True), CircleNotFound(urn, circle_id))


async def _keep(uow: CirclesUnitOfWork, changed: Circle, event: Event) -> Circle:
    """Store a changed circle with the event that tells of the change, and commit both."""
    await uow.circles.save(changed)
    await uow.record(event)
    await uow.commit()
    return changed


async def schedule_circle(uow: CirclesUnitOfWork, command: ScheduleCircle) -> Circle:
    async with uow:
        school, cohort = await _active_school(uow, command.urn)
        circle = plan_circle(
            uuid4(),
            school.urn,
            school.cohort_id,
            command.kind,
            command.module_number,
            command.scheduled_for,
            command.facilitator_staff_id,
        )
        school.check_date("scheduled_for", command.scheduled_for, cohort)
        facilitator = [command.facilitator_staff_id]
        roster = await uow.roster.find(facilitator)
        check_on_roster("facilitator_staff_id", facilitator, school.urn, circle.scheduled_for, roster)
        await uow.circles.add(circle)
        await uow.record(circle.scheduled_event())
        await uow.commit()
    return circle


async def record_circle_held(uow: CirclesUnitOfWork, calendar: HalfTermCalendar, command: RecordCircleHeld) -> Circle:
    async with uow:
        school, cohort = await _active_school(uow, command.urn)
        circle = await _circle(uow, command.urn, command.circle_id)
        record = HeldRecord(
            held_on=command.held_on or circle.scheduled_for,
            participant_count=command.participant_count,
            participant_staff_ids=command.participant_staff_ids,
            facilitator_staff_id=command.facilitator_staff_id or circle.facilitator_staff_id,
            themes=tuple(dict.fromkeys(command.themes)),
            reflection=command.reflection,
            fidelity=command.fidelity,
        )
        half_term = calendar.half_term_of(record.held_on)
        held, event = circle.hold(record, half_term.half_term_id if half_term else None, command.today)
        school.check_date("held_on", record.held_on, cohort)
        roster = await uow.roster.find([record.facilitator_staff_id, *record.participant_staff_ids])
        check_on_roster("facilitator_staff_id", [record.facilitator_staff_id], school.urn, record.held_on, roster)
        check_on_roster("participant_staff_ids", record.participant_staff_ids, school.urn, record.held_on, roster)
        return await _keep(uow, held, event)


async def cancel_circle(uow: CirclesUnitOfWork, command: CancelCircle) -> Circle:
    async with uow:
        await _active_school(uow, command.urn)
        circle = await _circle(uow, command.urn, command.circle_id)
        cancelled, event = circle.cancel(command.today)
        return await _keep(uow, cancelled, event)


async def reschedule_circle(uow: CirclesUnitOfWork, command: RescheduleCircle) -> Circle:
    async with uow:
        school, cohort = await _active_school(uow, command.urn)
        circle = await _circle(uow, command.urn, command.circle_id)
        moved, event = circle.reschedule(command.scheduled_for, command.facilitator_staff_id)
        school.check_date("scheduled_for", moved.scheduled_for, cohort)
        field = "facilitator_staff_id" if command.facilitator_staff_id else "scheduled_for (the facilitator)"
        roster = await uow.roster.find([moved.facilitator_staff_id])
        check_on_roster(field, [moved.facilitator_staff_id], school.urn, moved.scheduled_for, roster)
        return await _keep(uow, moved, event)


# Event handlers run inside the unit of work the inbox opened for the event (see `EVENT_HANDLERS`), which commits.


async def note_school_enrolled(uow: CirclesUnitOfWork, event: SchoolEnrolled, _: Envelope) -> None:
    """Keep circles' copy of the school's current enrolment; a school re-enrolled in a later cohort moves there."""
    await uow.schools.save(CircleSchool(event.urn, event.cohort_id, event.enrolled_on))


async def note_school_ended(uow: CirclesUnitOfWork, event: SchoolWithdrawn | SchoolCompleted, _: Envelope) -> None:
    """A withdrawn or completed school is no longer in an active cohort: its circles stop changing."""
    school = await uow.schools.get(event.urn)
    if school is None:
        # Enrolment and withdrawal arrive through separate consumers; wait for the enrolment.
        raise RetryLater(f"school {event.urn} ended before circles saw it enrolled")
    if school.cohort_id == event.cohort_id:  # else it has since moved on to a later cohort
        if isinstance(event, SchoolWithdrawn):
            ended = CircleSchool(school.urn, school.cohort_id, school.enrolled_on, "withdrawn", event.withdrawn_on)
        else:
            ended = CircleSchool(school.urn, school.cohort_id, school.enrolled_on, "completed", event.completed_on)
        await uow.schools.save(ended)


async def note_school_urn_changed(uow: CirclesUnitOfWork, event: SchoolUrnChanged, _: Envelope) -> None:
    """An academy conversion: the school, its circles and its staff carry on under the successor URN."""
    if await uow.schools.get(event.predecessor_urn) is None:
        raise RetryLater(f"school {event.predecessor_urn} changed URN before circles saw it enrolled")
    await uow.schools.change_urn(event.predecessor_urn, event.successor_urn)


async def note_cohort_created(uow: CirclesUnitOfWork, event: CohortCreated, _: Envelope) -> None:
    """Keep the cohort's dates (circles outside them are refused) and how many circles it expects."""
    cohort = CohortDates(event.cohort_id, event.starts_on, event.ends_on, event.plan.circles_per_half_term)
    await uow.cohorts.save(cohort)


async def note_staff_registered(uow: CirclesUnitOfWork, event: StaffRegistered, _: Envelope) -> None:
    await uow.roster.register(event.staff_id, event.urn, event.starts_on)


async def note_staff_left(uow: CirclesUnitOfWork, event: StaffLeft, _: Envelope) -> None:
    """Kept even if the registration has not arrived yet (separate consumers): the two meet in one row."""
    await uow.roster.record_leaving(event.staff_id, event.urn, event.left_on)


# What circles does with each event it consumes; the runtime claims each in the inbox of the same transaction.
EVENT_HANDLERS: HandlerTable[CirclesUnitOfWork] = HandlerTable(
    "circles",
    on(SchoolEnrolled, note_school_enrolled),
    on(SchoolWithdrawn, note_school_ended),
    on(SchoolCompleted, note_school_ended),
    on(SchoolUrnChanged, note_school_urn_changed),
    on(CohortCreated, note_cohort_created),
    on(StaffRegistered, note_staff_registered),
    on(StaffLeft, note_staff_left),
)
