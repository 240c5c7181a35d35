"""Orders learning takes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from contracts.events.learning import SessionKind

__all__ = [
    "CancelSession",
    "MoveSession",
    "RecordAttendance",
    "RecordModuleCompletion",
    "RecordModuleStart",
    "ScheduleSession",
    "WithdrawCompletion",
]


@dataclass(frozen=True)
class RecordModuleCompletion:
    staff_id: UUID
    urn: str
    module_number: int
    completed_at: datetime
    statement_id: UUID | None = None


@dataclass(frozen=True)
class RecordModuleStart:
    staff_id: UUID
    urn: str
    module_number: int
    started_at: datetime


@dataclass(frozen=True)
class WithdrawCompletion:
    completion_id: UUID
    reason: str
    withdrawn_at: datetime


@dataclass(frozen=True)
class ScheduleSession:
    kind: SessionKind
    held_on: date
    cohort_id: str | None
    urn: str | None
    day_number: int | None
    venue: str | None


@dataclass(frozen=True)
class MoveSession:
    session_id: UUID
    held_on: date
    venue: str | None


@dataclass(frozen=True)
class CancelSession:
    session_id: UUID
    reason: str


@dataclass(frozen=True)
class RecordAttendance:
    session_id: UUID
    urns: tuple[str, ...]
    staff_ids: tuple[UUID, ...]
    today: date
    fidelity: dict[str, bool] | None = None  # a leadership day's fidelity checklist, if filled in
