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
from contracts.events.learning import ModuleCompleted
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
    "ImpactReturnSubmitted",
    "JourneyCompleted",
    "JourneyStarted",
    "JourneyWithdrawn",
    "LeadershipDayRescheduled",
    "MilestoneReached",
    "ModuleCompleted",
    "PhaseEntered",
    "ReminderIssued",
    "SchoolCompleted",
    "SchoolEnrolled",
    "SchoolUrnChanged",
    "SchoolWithdrawn",
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
    )
}
