"""Notifications' handler table: each event it hears becomes messages to people, by id, in the event's transaction.

Schools and staff (ids and roles) are copied from enrolment's events so that the messages a decision makes are
known at once; addresses are not copied: the sender asks enrolment for each when it sends.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from contracts import Envelope
from contracts.events.enrolment import (
    SchoolCompleted,
    SchoolEnrolled,
    SchoolUrnChanged,
    SchoolWithdrawn,
    StaffLeft,
    StaffRegistered,
)
from contracts.events.journey import FlaggedAtRisk, ReminderIssued
from contracts.events.learning import SessionCancelled, SessionScheduled
from runtime.errors import RetryLater
from runtime.handler_table import HandlerTable, on
from services.notifications.domain.calendar import CalendarEntry
from services.notifications.domain.model import NewMessage, School, StaffRecord, status_for
from services.notifications.domain.templates import Templates
from services.notifications.service_layer.unit_of_work import NotificationsUnitOfWork

__all__ = ["EVENT_HANDLERS", "TEMPLATES"]

TEMPLATES = Templates.load()


async def note_school_enrolled(uow: NotificationsUnitOfWork, event: SchoolEnrolled, _: Envelope) -> None:
    await uow.schools.save(School(event.urn, event.cohort_id, event.school_name))


async def _end_school(uow: NotificationsUnitOfWork, urn: str) -> None:
    school = await uow.schools.get(urn)
    if school is not None:
        await uow.schools.save(School(school.urn, school.cohort_id, school.school_name, active=False))


async def note_school_withdrawn(uow: NotificationsUnitOfWork, event: SchoolWithdrawn, _: Envelope) -> None:
    await _end_school(uow, event.urn)


async def note_school_completed(uow: NotificationsUnitOfWork, event: SchoolCompleted, _: Envelope) -> None:
    await _end_school(uow, event.urn)


async def note_urn_changed(uow: NotificationsUnitOfWork, event: SchoolUrnChanged, _: Envelope) -> None:
    """The school and its staff carry on under the new URN (an academy conversion)."""
    await uow.schools.change_urn(event.predecessor_urn, event.successor_urn)


async def note_staff_registered(uow: NotificationsUnitOfWork, event: StaffRegistered, _: Envelope) -> None:
    await uow.staff.save(StaffRecord(event.staff_id, event.urn, event.role))


async def note_staff_left(uow: NotificationsUnitOfWork, event: StaffLeft, _: Envelope) -> None:
    await uow.staff.record_leaving(event.staff_id, event.urn, event.left_on)


async def _active_school(uow: NotificationsUnitOfWork, urn: str) -> School | None:
    school = await uow.schools.get(urn)
    if school is None:
        # The school's enrolment is still on its way (another stream): hear this decision again shortly.
        raise RetryLater(f"school {urn} is not known to notifications yet")
    return school if school.active else None


async def _to_leads(
    uow: NotificationsUnitOfWork,
    envelope: Envelope,
    school: School,
    kind: str,
    values: Mapping[str, object],
    on_day: date,
    calendar: CalendarEntry | None = None,
) -> None:
    """One message to each of the school's leads, each as its reader chose (essential ones always)."""
    leads = await uow.staff.leads_of(school.urn, on_day)
    chosen = await uow.preferences.of(lead.staff_id for lead in leads)
    essential = TEMPLATES.essential(kind)
    for lead in leads:
        status, outcome = status_for(kind, essential, chosen.get(lead.staff_id))
        await uow.messages.add(
            NewMessage(
                dedupe_key=f"{envelope.id}:{lead.staff_id}",
                kind=kind,
                audience="staff",
                values={"school_name": school.school_name, "urn": school.urn, **values},
                urn=school.urn,
                cohort_id=school.cohort_id,
                staff_id=lead.staff_id,
                calendar=calendar,
                status=status,
                outcome=outcome,
            )
        )


async def send_reminder(uow: NotificationsUnitOfWork, event: ReminderIssued, envelope: Envelope) -> None:
    school = await _active_school(uow, event.urn)
    if school is None:
        return
    values = {"reminder": event.reminder, "due_on": event.due_on.isoformat(), "reason": event.reason}
    await _to_leads(uow, envelope, school, "reminder", values, event.issued_on)


async def send_at_risk_notice(uow: NotificationsUnitOfWork, event: FlaggedAtRisk, envelope: Envelope) -> None:
    school = await _active_school(uow, event.urn)
    if school is None:
        return
    values = {
        "phase": event.phase,
        "reasons": "\n".join(f"- {reason}" for reason in event.reasons),
        "flagged_on": event.flagged_on.isoformat(),
        "cohort_id": event.cohort_id,
    }
    await _to_leads(uow, envelope, school, "at_risk", values, event.flagged_on)
    # The programme team's copy cannot be switched off; its address is a setting, read at the send.
    await uow.messages.add(
        NewMessage(
            dedupe_key=f"{envelope.id}:programme_team",
            kind="at_risk_programme_team",
            audience="programme_team",
            values={"school_name": school.school_name, "urn": school.urn, **values},
            urn=school.urn,
            cohort_id=school.cohort_id,
        )
    )


async def _attending(uow: NotificationsUnitOfWork, cohort_id: str, urn: str | None) -> list[School]:
    if urn is not None:  # mentoring: one school
        school = await _active_school(uow, urn)
        return [] if school is None else [school]
    return await uow.schools.active_in_cohort(cohort_id)


def _session_values(kind: str, day_number: int | None) -> dict[str, object]:
    return {"session_kind": kind, "day_number": day_number or ""}


def _summary(kind: str, day_number: int | None) -> str:
    return TEMPLATES.word("session", kind, day_number=day_number or "")


async def send_session_invitation(uow: NotificationsUnitOfWork, event: SessionScheduled, envelope: Envelope) -> None:
    schools = await _attending(uow, event.cohort_id, event.urn)
    sequence = await uow.calendars.next_sequence(event.session_id)
    entry = CalendarEntry(
        uid=f"{event.session_id}@relational-schools-programme",
        sequence=sequence,
        method="REQUEST",
        day=event.held_on,
        summary=_summary(event.kind, event.day_number),
    )
    moved = event.rescheduled_from is not None
    values = {
        **_session_values(event.kind, event.day_number),
        "held_on": event.held_on.isoformat(),
        "previous_date": event.rescheduled_from.isoformat() if event.rescheduled_from else "",
    }
    kind = "session_moved" if moved else "session_scheduled"
    for school in schools:
        await _to_leads(uow, envelope, school, kind, values, event.held_on, entry)


async def send_session_cancellation(uow: NotificationsUnitOfWork, event: SessionCancelled, envelope: Envelope) -> None:
    schools = await _attending(uow, event.cohort_id, event.urn)
    sequence = await uow.calendars.next_sequence(event.session_id)
    entry = CalendarEntry(
        uid=f"{event.session_id}@relational-schools-programme",
        sequence=sequence,
        method="CANCEL",
        day=event.was_on,
        summary=_summary(event.kind, event.day_number),
    )
    values = {**_session_values(event.kind, event.day_number), "was_on": event.was_on.isoformat()}
    for school in schools:
        await _to_leads(uow, envelope, school, "session_cancelled", values, event.was_on, entry)


EVENT_HANDLERS: HandlerTable[NotificationsUnitOfWork] = HandlerTable(
    "notifications",
    on(SchoolEnrolled, note_school_enrolled),
    on(SchoolWithdrawn, note_school_withdrawn),
    on(SchoolCompleted, note_school_completed),
    on(SchoolUrnChanged, note_urn_changed),
    on(StaffRegistered, note_staff_registered),
    on(StaffLeft, note_staff_left),
    on(ReminderIssued, send_reminder),
    on(FlaggedAtRisk, send_at_risk_notice),
    on(SessionScheduled, send_session_invitation),
    on(SessionCancelled, send_session_cancellation),
)
