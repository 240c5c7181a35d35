"""Who produces and who consumes which events: the one list that both the code and NATS permissions follow."""

from __future__ import annotations

from contracts import events
from contracts.events import EVENT_TYPES, Event

__all__ = ["CONSUMES", "PRODUCES", "durable_name"]

# Process -> the subject prefix it publishes on (its own stream). The bridge publishes nothing; the worker
# publishes the journey's decisions, reporting the impact returns schools submit.
PRODUCES: dict[str, str] = {
    "enrolment": "rsp.enrolment",
    "learning": "rsp.learning",
    "circles": "rsp.circles",
    "reporting": "rsp.reporting",
    "worker": "rsp.journey",
}

# Process -> the events it consumes, each through its own durable JetStream consumer.
CONSUMES: dict[str, tuple[type[Event], ...]] = {
    "enrolment": (events.JourneyCompleted, events.JourneyWithdrawn),
    "learning": (
        events.SchoolEnrolled,
        events.SchoolWithdrawn,
        events.SchoolCompleted,
        events.StaffRegistered,
        events.StaffLeft,
        # The cohort's leadership-day dates (enrolment owns the plan): learning holds each day on its date.
        events.CohortCreated,
        events.LeadershipDayRescheduled,
    ),
    "circles": (
        events.SchoolEnrolled,
        events.SchoolWithdrawn,
        events.SchoolCompleted,
        events.SchoolUrnChanged,
        events.StaffRegistered,
        events.StaffLeft,
        events.CohortCreated,
    ),
    # Reporting follows the whole programme (read models and the live feed): every event but its own.
    "reporting": tuple(event for event in EVENT_TYPES.values() if not event.subject.startswith("rsp.reporting.")),
    # Everything a journey or a cohort's calendar follows.
    "bridge": (
        events.CohortCreated,
        events.LeadershipDayRescheduled,
        events.SchoolEnrolled,
        events.SchoolWithdrawn,
        events.SchoolUrnChanged,
        events.StaffRegistered,
        events.StaffLeft,
        events.ModuleCompleted,
        events.ModuleCompletionWithdrawn,
        events.CircleHeld,
        events.LeadershipDayHeld,
        events.MentoringSessionHeld,
        events.ImmersionDayHeld,
        events.PractitionerTrained,
        events.ImpactReturnSubmitted,
    ),
}


def durable_name(consumer: str, event_type: type[Event]) -> str:
    """The durable consumer through which `consumer` receives `event_type` (one NATS token: no dots)."""
    return f"{consumer}-{event_type.subject.replace('.', '-')}"
