"""The event catalogue: every event the platform publishes, keyed by its subject."""

from __future__ import annotations

from contracts.events.base import Event
from contracts.events.circles import CircleCancelled, CircleHeld, CircleRescheduled, CircleScheduled
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
from contracts.events.journey import (
    BackOnTrack,
    FlaggedAtRisk,
    JourneyCompleted,
    JourneyStarted,
    JourneyWithdrawn,
    MilestoneReached,
    PhaseEntered,
    ReminderIssued,
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
from contracts.events.notifications import MessageUndeliverable
from contracts.events.reporting import ImpactReturnSubmitted

__all__ = [
    "EVENT_TYPES",
    "BackOnTrack",
    "CircleCancelled",
    "CircleHeld",
    "CircleRescheduled",
    "CircleScheduled",
    "CohortCreated",
    "Event",
    "FlaggedAtRisk",
    "ImmersionDayHeld",
    "ImpactReturnSubmitted",
    "JourneyCompleted",
    "JourneyStarted",
    "JourneyWithdrawn",
    "LeadershipDayHeld",
    "LeadershipDayRescheduled",
    "MentoringSessionHeld",
    "MessageUndeliverable",
    "MilestoneReached",
    "ModuleCompleted",
    "ModuleCompletionWithdrawn",
    "ModuleStarted",
    "PhaseEntered",
    "PractitionerTrained",
    "ReminderIssued",
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
        ModuleStarted,
        ModuleCompleted,
        ModuleCompletionWithdrawn,
        SessionScheduled,
        SessionCancelled,
        LeadershipDayHeld,
        ImmersionDayHeld,
        MentoringSessionHeld,
        PractitionerTrained,
        CircleScheduled,
        CircleHeld,
        CircleCancelled,
        CircleRescheduled,
        ImpactReturnSubmitted,
        JourneyStarted,
        PhaseEntered,
        MilestoneReached,
        ReminderIssued,
        FlaggedAtRisk,
        BackOnTrack,
        JourneyCompleted,
        JourneyWithdrawn,
        MessageUndeliverable,
    )
}
