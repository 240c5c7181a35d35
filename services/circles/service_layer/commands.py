"""Orders circles takes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from contracts.events.circles import CircleKind, CircleTheme

__all__ = ["CancelCircle", "RecordCircleHeld", "RescheduleCircle", "ScheduleCircle"]


@dataclass(frozen=True)
class ScheduleCircle:
    urn: str
    kind: CircleKind
    module_number: int | None
    scheduled_for: date
    facilitator_staff_id: UUID


@dataclass(frozen=True)
class RecordCircleHeld:
    urn: str
    circle_id: UUID
    held_on: date | None  # None: on the date it was scheduled for
    participant_count: int
    participant_staff_ids: tuple[UUID, ...]
    themes: tuple[CircleTheme, ...]
    reflection: str | None
    facilitator_staff_id: UUID | None  # None: the facilitator it was scheduled with
    today: date
    fidelity: dict[str, bool] | None = None  # the fidelity checklist, if the facilitator filled it in


@dataclass(frozen=True)
class CancelCircle:
    urn: str
    circle_id: UUID
    today: date


@dataclass(frozen=True)
class RescheduleCircle:
    urn: str
    circle_id: UUID
    scheduled_for: date
    facilitator_staff_id: UUID | None  # None: keep the facilitator
