"""The event catalogue: every event the platform publishes, keyed by its subject."""

from __future__ import annotations

from contracts.events.base import Event
from contracts.events.enrolment import SchoolEnrolled
from contracts.events.learning import ModuleCompleted

__all__ = ["EVENT_TYPES", "Event", "ModuleCompleted", "SchoolEnrolled"]

EVENT_TYPES: dict[str, type[Event]] = {event.subject: event for event in (SchoolEnrolled, ModuleCompleted)}
