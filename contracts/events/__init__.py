"""The event catalogue: every event the platform publishes, keyed by its subject."""

from __future__ import annotations

from contracts.events.base import Event
from contracts.events.enrolment import (
    CohortCreated,
    LeadershipDayRescheduled,
    SchoolCompleted,
    SchoolEnrolled,
    SchoolUrnChanged,
    SchoolWithdrawn,
    StaffLeft,
    StaffRegistered,
)
from contracts.events.learning import (
    ImmersionDayHeld,
    LeadershipDayHeld,
    MentoringSessionHeld,
    ModuleCompleted,
    ModuleCompletionWithdrawn,
    ModuleStarted,
    PractitionerTrained,
    SessionCancelled,
    SessionScheduled,
)

__all__ = [
    "EVENT_TYPES",
    "CohortCreated",
    "Event",
    "ImmersionDayHeld",
    "LeadershipDayHeld",
    "LeadershipDayRescheduled",
    "MentoringSessionHeld",
    "ModuleCompleted",
    "ModuleCompletionWithdrawn",
    "ModuleStarted",
    "PractitionerTrained",
    "SchoolCompleted",
    "SchoolEnrolled",
    "SchoolUrnChanged",
    "SchoolWithdrawn",
    "SessionCancelled",
    "SessionScheduled",
    "StaffLeft",
    "StaffRegistered",
]

EVENT_TYPES: dict[str, type[Event]] = {
    event.subject: event
    for event in (
        CohortCreated,
        LeadershipDayRescheduled,
        SchoolEnrolled,
        SchoolWithdrawn,
        SchoolCompleted,
        SchoolUrnChanged,
        StaffRegistered,
        StaffLeft,
        ModuleCompleted,
        ModuleStarted,
        ModuleCompletionWithdrawn,
        SessionScheduled,
        SessionCancelled,
        LeadershipDayHeld,
        ImmersionDayHeld,
        PractitionerTrained,
        MentoringSessionHeld,
    )
}
