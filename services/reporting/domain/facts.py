"""What reporting knows about a school, fact by fact, as the programme's events stated it. Pure data.

Facts do not depend on the order events arrive in (each event type has its own consumer), so the figures
worked out from them are the same live and after a rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

__all__ = [
    "AttendedSession",
    "CircleFact",
    "ClearingFact",
    "CompletionFact",
    "FlagFact",
    "JourneyEnding",
    "PhaseFact",
    "PractitionerFact",
    "SchoolFacts",
    "SessionKind",
    "StaffFact",
    "StartFact",
]

SessionKind = Literal["leadership_day", "mentoring", "immersion_day"]


@dataclass(frozen=True)
class StaffFact:
    """A staff member: `registered` is False while only their departure has been seen."""

    staff_id: UUID
    role: str | None
    registered: bool
    left_on: date | None


@dataclass(frozen=True)
class CompletionFact:
    """A completion learning recorded; `completed_at` is None while only its withdrawal has been seen."""

    completion_id: UUID
    staff_id: UUID
    module_number: int
    completed_at: datetime | None
    withdrawn: bool


@dataclass(frozen=True)
class CircleFact:
    circle_id: UUID
    kind: str
    held_on: date
    half_term: str | None
    participant_count: int
    fidelity: dict[str, bool] | None = None  # the checklist as answered; None when none was recorded


@dataclass(frozen=True)
class AttendedSession:
    """A leadership day, mentoring session or immersion day the school attended, and who went."""

    kind: SessionKind
    session_id: UUID
    day_number: int | None
    held_on: date
    staff_ids: tuple[UUID, ...]
    fidelity: dict[str, bool] | None = None  # a leadership day's checklist as answered, if recorded


@dataclass(frozen=True)
class StartFact:
    """A member of staff started a module (learning publishes the first start only)."""

    staff_id: UUID
    module_number: int


@dataclass(frozen=True)
class PractitionerFact:
    staff_id: UUID
    trained_on: date


@dataclass(frozen=True)
class PhaseFact:
    phase: str
    month: int
    entered_on: date


@dataclass(frozen=True)
class FlagFact:
    phase: str
    reasons: tuple[str, ...]
    flagged_on: date
    flagged_at: datetime


@dataclass(frozen=True)
class ClearingFact:
    cleared_on: date
    cleared_at: datetime


@dataclass(frozen=True)
class JourneyEnding:
    kind: Literal["completed", "withdrawn"]
    ended_on: date
    phase: str | None
    at_risk: bool | None
    summary: dict[str, Any] | None


@dataclass(frozen=True)
class SchoolFacts:
    """Everything projected about one school in its current cohort."""

    staff: tuple[StaffFact, ...] = ()
    completions: tuple[CompletionFact, ...] = ()
    starts: tuple[StartFact, ...] = ()
    circles: tuple[CircleFact, ...] = ()
    sessions: tuple[AttendedSession, ...] = ()
    practitioners: tuple[PractitionerFact, ...] = ()
    phases: tuple[PhaseFact, ...] = ()
    flags: tuple[FlagFact, ...] = ()
    clearings: tuple[ClearingFact, ...] = ()
    journey_endings: tuple[JourneyEnding, ...] = ()
    school_endings: dict[str, date] = field(default_factory=dict)
