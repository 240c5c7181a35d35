"""Learning's picture of schools and staff, and the online modules they start and complete. Pure Python, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from contracts import ModuleCompleted
from contracts.events.learning import ModuleCompletionWithdrawn, ModuleStarted
from services.learning.domain.errors import SchoolNotActive, SchoolNotEnrolled, StaffHasLeft, StaffNotRegistered

__all__ = [
    "CompletionWithdrawal",
    "EnrolledSchool",
    "Module",
    "ModuleCompletion",
    "ModuleStart",
    "SchoolStatus",
    "StaffMember",
    "learner_of",
]

SchoolStatus = Literal["active", "withdrawn", "completed"]


@dataclass(frozen=True)
class Module:
    """One of the 15 online modules in the catalogue."""

    number: int
    title: str
    summary: str
    expected_minutes: int


@dataclass(frozen=True)
class EnrolledSchool:
    """Learning's own copy of a school enrolment, kept from enrolment's events."""

    urn: str
    cohort_id: str
    status: SchoolStatus = "active"


@dataclass(frozen=True)
class StaffMember:
    """Learning's copy of one registered member of staff: ids, role and dates only (names stay in enrolment)."""

    staff_id: UUID
    urn: str
    cohort_id: str
    role: str
    starts_on: date
    left_on: date | None = None

    def had_left_by(self, day: date) -> bool:
        return self.left_on is not None and day > self.left_on

    def is_current_on(self, day: date) -> bool:
        """Counts towards the school's progress on `day`: started and not yet gone."""
        return self.starts_on <= day and not self.had_left_by(day)


@dataclass(frozen=True)
class CompletionContext:
    """What recording one completion needs to know, read in one go: the school, the staff member, and the
    completion already recorded for that person and module, if any."""

    school: EnrolledSchool | None
    member: StaffMember | None
    existing: ModuleCompletion | None


def learner_of(
    school: EnrolledSchool | None, member: StaffMember | None, urn: str, staff_id: UUID, on: date
) -> StaffMember:
    """The staff member whose learning on `on` counts, or the reason it does not.

    Only registered staff of a school active in the programme count, and only until their last day.
    """
    if school is None:
        raise SchoolNotEnrolled(urn)
    if school.status != "active":
        raise SchoolNotActive(urn, school.status)
    if member is None or member.urn != urn:
        raise StaffNotRegistered(staff_id, urn)
    if member.had_left_by(on):
        assert member.left_on is not None
        raise StaffHasLeft(staff_id, urn, member.left_on)
    return member


@dataclass(frozen=True)
class ModuleStart:
    """A staff member first started a module; later starts change nothing."""

    staff_id: UUID
    urn: str
    cohort_id: str
    module_number: int
    started_at: datetime

    def started_event(self) -> ModuleStarted:
        return ModuleStarted.of(self)


@dataclass(frozen=True)
class ModuleCompletion:
    """A staff member completed one module; a person completes each module at most once."""

    completion_id: UUID
    staff_id: UUID
    urn: str
    cohort_id: str
    module_number: int
    completed_at: datetime
    statement_id: UUID | None = None  # the xAPI statement it came from, if any

    def completed_event(self) -> ModuleCompleted:
        return ModuleCompleted.of(self)


@dataclass(frozen=True)
class CompletionWithdrawal:
    """A completion corrected away; the reason stays in learning and never travels in an event."""

    completion: ModuleCompletion
    reason: str
    withdrawn_at: datetime

    def withdrawn_event(self) -> ModuleCompletionWithdrawn:
        return ModuleCompletionWithdrawn.of(self.completion, withdrawn_at=self.withdrawn_at)
