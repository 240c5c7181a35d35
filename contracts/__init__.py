"""Wire contracts shared by every part of the platform: events, their envelope, subjects and streams.

This package imports nothing else from the repository, so services, workflows and tests can all depend on it.
"""

from __future__ import annotations

from contracts.envelope import Envelope, InvalidEnvelope
from contracts.events import (
    EVENT_TYPES,
    CohortCreated,
    Event,
    LeadershipDayRescheduled,
    ModuleCompleted,
    SchoolCompleted,
    SchoolEnrolled,
    SchoolUrnChanged,
    SchoolWithdrawn,
    StaffLeft,
    StaffRegistered,
)
from contracts.identifiers import URN_PATTERN, journey_id
from contracts.streams import ALL_STREAMS, DEAD_LETTER, StreamSpec, stream_for

__all__ = [
    "ALL_STREAMS",
    "DEAD_LETTER",
    "EVENT_TYPES",
    "URN_PATTERN",
    "CohortCreated",
    "Envelope",
    "Event",
    "InvalidEnvelope",
    "LeadershipDayRescheduled",
    "ModuleCompleted",
    "SchoolCompleted",
    "SchoolEnrolled",
    "SchoolUrnChanged",
    "SchoolWithdrawn",
    "StaffLeft",
    "StaffRegistered",
    "StreamSpec",
    "journey_id",
    "stream_for",
]
