"""Who produces and who consumes which events: the one list that both the code and NATS permissions follow."""

from __future__ import annotations

from contracts.events import (
    Event,
    ModuleCompleted,
    SchoolCompleted,
    SchoolEnrolled,
    SchoolWithdrawn,
    StaffLeft,
    StaffRegistered,
)

__all__ = ["CONSUMES", "PRODUCES", "durable_name"]

# Process -> the subject prefix it publishes on (its own stream). Reporting and the bridge publish nothing yet;
# the worker publishes the journey's decisions.
PRODUCES: dict[str, str] = {
    "enrolment": "rsp.enrolment",
    "learning": "rsp.learning",
    "circles": "rsp.circles",
    "worker": "rsp.journey",
}

# Process -> the events it consumes, each through its own durable JetStream consumer.
CONSUMES: dict[str, tuple[type[Event], ...]] = {
    "learning": (SchoolEnrolled, SchoolWithdrawn, SchoolCompleted, StaffRegistered, StaffLeft),
    "circles": (SchoolEnrolled,),
    "reporting": (SchoolEnrolled, ModuleCompleted),
    "bridge": (SchoolEnrolled, ModuleCompleted),
}


def durable_name(consumer: str, event_type: type[Event]) -> str:
    """The durable consumer through which `consumer` receives `event_type` (one NATS token: no dots)."""
    return f"{consumer}-{event_type.subject.replace('.', '-')}"
