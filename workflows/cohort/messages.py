"""What the bridge sends a cohort's workflow and what its query answers. Standard library only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from workflows.journey.messages import JourneyPlan

__all__ = ["CohortCalendarState", "CohortStart", "SchoolJoined", "SchoolsJoined"]


@dataclass(frozen=True)
class CohortStart:
    """From `rsp.enrolment.cohort.created.v1`."""

    event_id: str
    cohort_id: str
    local_authority: str
    starts_on: date
    ends_on: date
    plan: JourneyPlan
    # What the cohort had heard when it continued as new (None at its first start).
    carried: CohortCalendarState | None = None
    # Continue as new past this many history events (or when Temporal suggests it): every journey of a large
    # cohort adds events (a join, a signal per leadership-day notice), so one run's history is kept short.
    history_limit: int = 10_000


@dataclass(frozen=True)
class SchoolJoined:
    event_id: str
    journey_id: str


@dataclass(frozen=True)
class SchoolsJoined:
    """Many schools' joins in one signal: the bridge gathers the joins that arrive while its last signal to the
    cohort is on its way, so a bulk enrolment costs the cohort a few signals, not one a school."""

    joined: list[SchoolJoined]


@dataclass
class CohortCalendarState:
    """The cohort's plan (leadership days as they are now), its journeys, and the notices already sent."""

    cohort_id: str
    local_authority: str
    starts_on: date
    ends_on: date
    plan: JourneyPlan
    journeys: list[str] = field(default_factory=list)
    notices_sent: list[str] = field(default_factory=list)
    events_seen: list[str] = field(default_factory=list)
