"""Face-to-face sessions: leadership days, immersion days, practitioner training and mentoring. Pure Python.

A session is scheduled, may move or be cancelled while it is still ahead, and is held once its attendance is
recorded. Leadership days, immersion days and practitioner training are for a cohort (schools of the cohort
attend); mentoring is for one school. Venue and cancellation reason stay in learning; events carry ids and dates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal
from uuid import UUID

from contracts.events.base import Event
from contracts.events.learning import (
    ImmersionDayHeld,
    LeadershipDayHeld,
    MentoringSessionHeld,
    PractitionerTrained,
    SessionCancelled,
    SessionKind,
    SessionScheduled,
)
from services.learning.domain.errors import SessionConflict, SessionRefused
from services.learning.domain.model import EnrolledSchool, StaffMember

__all__ = ["MAX_LEADERSHIP_DAYS", "Session", "SessionStatus"]

SessionStatus = Literal["scheduled", "held", "cancelled"]
# Ten by default; a cohort's plan may ask for more, never this many.
MAX_LEADERSHIP_DAYS = 20


@dataclass(frozen=True)
class Session:
    """One face-to-face session and, once held, who attended: school URN -> staff ids."""

    session_id: UUID
    kind: SessionKind
    cohort_id: str
    held_on: date
    urn: str | None = None
    day_number: int | None = None
    venue: str | None = None
    status: SessionStatus = "scheduled"
    attendance: Mapping[str, tuple[UUID, ...]] = field(default_factory=dict)
    cancel_reason: str | None = None

    @staticmethod
    def plan(
        session_id: UUID,
        kind: SessionKind,
        held_on: date,
        *,
        cohort_id: str | None,
        school: EnrolledSchool | None,
        day_number: int | None,
        venue: str | None,
    ) -> Session:
        """A new scheduled session; `SessionRefused` names the field that does not fit its kind."""
        if kind == "mentoring":
            if school is None:
                raise SessionRefused("urn: mentoring is for one school; name it")
            if cohort_id is not None and cohort_id != school.cohort_id:
                raise SessionRefused(f"cohort_id: school {school.urn} is in cohort {school.cohort_id!r}")
            cohort_id = school.cohort_id
        elif school is not None:
            raise SessionRefused(f"urn: a {kind} is for a cohort, not one school; leave urn out")
        if cohort_id is None:
            raise SessionRefused(f"cohort_id: a {kind} is for a cohort; name it")
        if kind == "leadership_day":
            if day_number is None:
                raise SessionRefused("day_number: say which leadership day this is (1 to 10 by default)")
            if not 1 <= day_number <= MAX_LEADERSHIP_DAYS:
                raise SessionRefused(f"day_number: must be from 1 to {MAX_LEADERSHIP_DAYS}")
        elif day_number is not None:
            raise SessionRefused(f"day_number: only leadership days are numbered, not a {kind}")
        if school is not None and school.status != "active":
            raise SessionRefused(f"urn: school {school.urn} is {school.status}, no longer in the programme")
        urn = school.urn if school is not None else None
        return Session(session_id, kind, cohort_id, held_on, urn=urn, day_number=day_number, venue=venue)

    def require_on_plan(self, planned: Sequence[date] | None) -> None:
        """A leadership day is held on the date its cohort's plan gives it (`planned[n - 1]` for day n, None while
        the plan has not reached learning). Enrolment owns the plan: a day moves there, and learning follows."""
        if self.kind != "leadership_day":
            return
        assert self.day_number is not None
        cohort = self.cohort_id
        if planned is None:
            raise SessionConflict(
                f"cohort_id: cohort {cohort!r}'s plan has not reached learning from enrolment yet; try again shortly"
            )
        if self.day_number > len(planned):
            raise SessionRefused(f"day_number: cohort {cohort!r}'s plan has {len(planned)} leadership days")
        planned_on = planned[self.day_number - 1]
        if self.held_on != planned_on:
            raise SessionRefused(
                f"held_on: cohort {cohort!r}'s plan holds leadership day {self.day_number} on "
                f"{planned_on.isoformat()}, not {self.held_on.isoformat()}; to change the date, move the day in the "
                f"plan (enrolment: PUT /cohorts/{cohort}/leadership-days/{self.day_number}) and learning follows"
            )

    def _still_ahead(self, doing: str) -> None:
        if self.status != "scheduled":
            raise SessionConflict(f"session {self.session_id} is {self.status}; it cannot be {doing}")

    def moved_to(self, held_on: date, venue: str | None) -> Session:
        self._still_ahead("moved")
        if held_on == self.held_on and (venue is None or venue == self.venue):
            raise SessionRefused(f"held_on: the session is already on {held_on.isoformat()}")
        return replace(self, held_on=held_on, venue=venue if venue is not None else self.venue)

    def cancelled(self, reason: str) -> Session:
        self._still_ahead("cancelled")
        return replace(self, status="cancelled", cancel_reason=reason)

    def held(
        self,
        urns: Sequence[str],
        staff_ids: Sequence[UUID],
        schools: Mapping[str, EnrolledSchool],
        staff: Mapping[UUID, StaffMember],
        today: date,
    ) -> Session:
        """The session with its attendance; staff count for their own school, which is added if not named."""
        self._still_ahead("held again")
        if self.held_on > today:
            raise SessionRefused(
                f"held_on: the session is on {self.held_on.isoformat()}; record attendance on or after that day"
            )
        attendance: dict[str, list[UUID]] = {urn: [] for urn in urns}
        for staff_id in staff_ids:
            member = staff.get(staff_id)
            if member is None:
                raise SessionRefused(f"staff_ids: staff_id {staff_id} is not registered")
            if not member.is_current_on(self.held_on):
                raise SessionRefused(f"staff_ids: staff_id {staff_id} was not at school {member.urn} on that day")
            attendance.setdefault(member.urn, []).append(staff_id)
        if not attendance:
            raise SessionRefused("schools: name at least one school that attended")
        if self.kind == "practitioner_training" and not staff_ids:
            raise SessionRefused("staff_ids: name the staff trained as practitioners")
        for urn in attendance:
            school = schools.get(urn)
            if school is None:
                raise SessionRefused(f"schools: school {urn} is not enrolled in the programme")
            if self.urn is not None and urn != self.urn:
                raise SessionRefused(f"schools: this mentoring session is for school {self.urn} only, not {urn}")
            if school.cohort_id != self.cohort_id:
                raise SessionRefused(f"schools: school {urn} is not in cohort {self.cohort_id!r}")
        return replace(
            self, status="held", attendance={urn: tuple(dict.fromkeys(ids)) for urn, ids in attendance.items()}
        )

    def scheduled_event(self, rescheduled_from: date | None = None) -> SessionScheduled:
        return SessionScheduled.of(self, rescheduled_from=rescheduled_from)

    def cancelled_event(self) -> SessionCancelled:
        return SessionCancelled.of(self, was_on=self.held_on)

    def held_events(self) -> list[Event]:
        """One event per attending school (each school's journey hears its own), or per trained practitioner."""
        events: list[Event] = []
        for urn, staff_ids in sorted(self.attendance.items()):
            common = {"session_id": self.session_id, "cohort_id": self.cohort_id, "urn": urn}
            if self.kind == "leadership_day":
                assert self.day_number is not None
                events.append(
                    LeadershipDayHeld(
                        **common, held_on=self.held_on, staff_ids=list(staff_ids), day_number=self.day_number
                    )
                )
            elif self.kind == "immersion_day":
                events.append(ImmersionDayHeld(**common, held_on=self.held_on, staff_ids=list(staff_ids)))
            elif self.kind == "mentoring":
                events.append(MentoringSessionHeld(**common, held_on=self.held_on, staff_ids=list(staff_ids)))
            else:
                events.extend(PractitionerTrained(**common, staff_id=s, trained_on=self.held_on) for s in staff_ids)
        return events
