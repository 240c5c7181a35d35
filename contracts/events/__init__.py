"""The event catalogue: every event the platform publishes, keyed by its subject."""

from __future__ import annotations

from contracts.events.base import Event
from contracts.events.enrolment import SchoolEnrolled, SchoolWithdrawn, StaffLeft, StaffRegistered
from contracts.events.learning import ModuleCompleted

__all__ = [
    "EVENT_TYPES",
    "Event",
    "ModuleCompleted",
    "SchoolEnrolled",
    "SchoolWithdrawn",
    "StaffLeft",
    "StaffRegistered",
]

EVENT_TYPES: dict[str, type[Event]] = {
    event.subject: event for event in (SchoolEnrolled, SchoolWithdrawn, StaffRegistered, StaffLeft, ModuleCompleted)
}
