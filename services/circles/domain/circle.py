"""A circle: scheduled, then held or cancelled, possibly moved in between. Pure Python.

A circle records staff ids, counts and themes, never anything about a named pupil. Its free-text reflection is
kept here for the school and the programme team only; no event carries it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Literal
from uuid import UUID

from contracts.events.circles import (
    CircleCancelled,
    CircleHeld,
    CircleKind,
    CircleRescheduled,
    CircleScheduled,
    CircleTheme,
)
from contracts.fidelity import check_fidelity
from services.circles.domain.errors import (
    CircleNotScheduled,
    HeldInTheFuture,
    IncompleteFidelityChecklist,
    ModuleOnlyForReflectiveCircles,
    MoreParticipantsNamedThanCounted,
    ParticipantNamedTwice,
    SameDate,
)

__all__ = ["Circle", "CircleStatus", "HeldRecord", "plan_circle"]

CircleStatus = Literal["scheduled", "held", "cancelled"]


@dataclass(frozen=True)
class HeldRecord:
    """What the school recorded once the circle took place."""

    held_on: date
    participant_count: int
    participant_staff_ids: tuple[UUID, ...]
    facilitator_staff_id: UUID
    themes: tuple[CircleTheme, ...]
    reflection: str | None = None
    fidelity: dict[str, bool] | None = None  # the fidelity checklist as the facilitator answered it

    def check(self, today: date) -> None:
        if self.held_on > today:
            raise HeldInTheFuture(self.held_on, today)
        if self.fidelity is not None:
            problem = check_fidelity("circle", self.fidelity)
            if problem is not None:
                raise IncompleteFidelityChecklist(problem)
        seen: set[UUID] = set()
        for staff_id in self.participant_staff_ids:
            if staff_id in seen:
                raise ParticipantNamedTwice(staff_id)
            seen.add(staff_id)
        if self.participant_count < len(self.participant_staff_ids):
            raise MoreParticipantsNamedThanCounted(self.participant_count, len(self.participant_staff_ids))


@dataclass(frozen=True)
class Circle:
    """One circle of one school's staff."""

    circle_id: UUID
    urn: str
    cohort_id: str
    kind: CircleKind
    module_number: int | None
    scheduled_for: date
    facilitator_staff_id: UUID
    status: CircleStatus = "scheduled"
    held: HeldRecord | None = None
    cancelled_on: date | None = None

    def _require_scheduled(self, wanted: str) -> None:
        if self.status == "held":
            raise CircleNotScheduled(self.circle_id, "held", self.held.held_on if self.held else None, wanted)
        if self.status == "cancelled":
            raise CircleNotScheduled(self.circle_id, "cancelled", self.cancelled_on, wanted)

    def scheduled_event(self) -> CircleScheduled:
        return CircleScheduled.of(self)

    def hold(self, record: HeldRecord, half_term: str | None, today: date) -> tuple[Circle, CircleHeld]:
        """Record that it took place; `half_term` is the one `record.held_on` falls in (None in a holiday)."""
        self._require_scheduled("recorded as held")
        record.check(today)
        held = replace(self, status="held", held=record)
        about = {"circle_id": self.circle_id, "urn": self.urn, "cohort_id": self.cohort_id, "kind": self.kind}
        return held, CircleHeld.of(record, **about, module_number=self.module_number, half_term=half_term)

    def cancel(self, today: date) -> tuple[Circle, CircleCancelled]:
        self._require_scheduled("cancelled")
        cancelled = replace(self, status="cancelled", cancelled_on=today)
        return cancelled, CircleCancelled.of(cancelled)

    def reschedule(self, new_date: date, facilitator_staff_id: UUID | None) -> tuple[Circle, CircleRescheduled]:
        self._require_scheduled("moved")
        facilitator = facilitator_staff_id or self.facilitator_staff_id
        if new_date == self.scheduled_for and facilitator == self.facilitator_staff_id:
            raise SameDate(self.circle_id, new_date)
        moved = replace(self, scheduled_for=new_date, facilitator_staff_id=facilitator)
        return moved, CircleRescheduled.of(moved, previous_date=self.scheduled_for)


def plan_circle(
    circle_id: UUID,
    urn: str,
    cohort_id: str,
    kind: CircleKind,
    module_number: int | None,
    scheduled_for: date,
    facilitator_staff_id: UUID,
) -> Circle:
    """A new scheduled circle; only a reflective one may name the module it reflects on."""
    if module_number is not None and kind != "reflective":
        raise ModuleOnlyForReflectiveCircles(kind)
    return Circle(circle_id, urn, cohort_id, kind, module_number, scheduled_for, facilitator_staff_id)
