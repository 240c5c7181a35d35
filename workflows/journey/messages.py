"""What the bridge sends a journey and what its queries answer. Standard library only (workflow sandbox)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["QUERY_PROGRESS", "SIGNAL_MODULE_COMPLETED", "JourneyProgress", "JourneyStart", "ModuleCompletion"]

SIGNAL_MODULE_COMPLETED = "module_completed"
QUERY_PROGRESS = "progress"


@dataclass(frozen=True)
class JourneyStart:
    """From `rsp.enrolment.school.enrolled.v1`: the school whose journey this is."""

    event_id: str
    urn: str
    cohort_id: str
    enrolled_on: str  # ISO date; kept as text so replays never depend on a converter's date handling


@dataclass(frozen=True)
class ModuleCompletion:
    """From `rsp.learning.module.completed.v1`."""

    event_id: str
    staff_id: str
    module_number: int
    completed_at: str


@dataclass
class JourneyProgress:
    """A journey's state as its query reports it."""

    urn: str
    cohort_id: str
    enrolled_on: str
    phase: str
    modules_completed: dict[str, list[int]] = field(default_factory=dict)
    module_completions: int = 0
    events_seen: int = 0
