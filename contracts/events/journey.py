"""Events published by each school's SchoolJourney workflow (through its activities): what it decided, and why."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.events.base import Event
from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN

__all__ = [
    "JOURNEY_PHASES",
    "BackOnTrack",
    "FlaggedAtRisk",
    "JourneyCompleted",
    "JourneyPhase",
    "JourneyStarted",
    "JourneySummary",
    "JourneyWithdrawn",
    "MilestoneReached",
    "PhaseEntered",
    "ReminderIssued",
    "ReminderKind",
]

JOURNEY_PHASES = ("launch", "foundations", "deepening", "embedding", "completed")
JourneyPhase = Literal["launch", "foundations", "deepening", "embedding", "completed"]
ReminderKind = Literal["leadership_day", "mentoring_due", "circle_missing", "impact_return_late"]


class _JourneyEvent(Event):
    source: ClassVar[str] = "/rsp/journey"

    urn: str = Field(pattern=URN_PATTERN, description="The school whose journey this is")
    cohort_id: str = Field(pattern=COHORT_ID_PATTERN, description="The school's cohort")
    journey_id: str = Field(description="The SchoolJourney workflow id, `journey-<cohort>-<urn>`")

    def entity(self) -> str:
        return self.urn


class JourneyStarted(_JourneyEvent):
    """A school's journey began, with its cohort's programme plan fixed."""

    subject: ClassVar[str] = "rsp.journey.started.v1"

    enrolled_on: date = Field(description="The day the school joined")
    ends_on: date = Field(description="The last day of its 18 months")


class PhaseEntered(_JourneyEvent):
    """The journey moved into its next phase (launch, foundations, deepening, embedding)."""

    subject: ClassVar[str] = "rsp.journey.phase_entered.v1"

    phase: JourneyPhase = Field(description="The phase entered")
    entered_on: date = Field(description="The day it was entered")
    month: int = Field(ge=0, le=18, description="Months since the school joined")


class MilestoneReached(_JourneyEvent):
    """The school reached one of the programme's milestones."""

    subject: ClassVar[str] = "rsp.journey.milestone_reached.v1"

    milestone: str = Field(description="Which milestone, e.g. `half_staff_completed_modules_1_to_5`")
    description: str = Field(description="What the milestone means, in the programme's words")
    reached_on: date = Field(description="The day it was reached")


class ReminderIssued(_JourneyEvent):
    """Something is due or overdue; whoever supports the school should follow it up."""

    subject: ClassVar[str] = "rsp.journey.reminder_issued.v1"

    reminder: ReminderKind = Field(description="What the reminder is about")
    due_on: date = Field(description="When the thing is or was due")
    reason: str = Field(description="Why the reminder was issued, in plain words (no personal data)")
    issued_on: date = Field(description="The day the reminder was issued")


class FlaggedAtRisk(_JourneyEvent):
    """A phase ended with its exit criteria unmet; the journey goes on and clears the flag when it catches up."""

    subject: ClassVar[str] = "rsp.journey.flagged_at_risk.v1"

    phase: JourneyPhase = Field(description="The phase whose exit criteria were not met")
    reasons: list[str] = Field(description="Each unmet criterion, with the figures")
    flagged_on: date = Field(description="The day the school was flagged")


class BackOnTrack(_JourneyEvent):
    """A school flagged at risk caught up with every criterion it had missed."""

    subject: ClassVar[str] = "rsp.journey.back_on_track.v1"

    cleared_on: date = Field(description="The day the flag was cleared")


class JourneySummary(BaseModel):
    """What the school did over its journey, against its plan."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    staff_counted: int = Field(ge=0, description="Staff still at the school at the end")
    staff_completed_all_modules: int = Field(ge=0, description="Of them, how many completed every planned module")
    module_completions: int = Field(ge=0, description="Module completions by current staff")
    half_terms_with_circle: int = Field(ge=0, description="Half-terms in which the school held a circle")
    half_terms_expected: int = Field(ge=0, description="Half-terms that ended during the journey")
    leadership_days_attended: int = Field(ge=0, description="Leadership days the headteacher attended")
    leadership_days_held: int = Field(ge=0, description="Leadership days the cohort held")
    mentoring_sessions: int = Field(ge=0, description="Mentoring sessions held")
    immersion_days: int = Field(ge=0, description="Immersion days attended")
    immersion_days_planned: int = Field(ge=0, description="Immersion days in the plan")
    practitioners_trained: int = Field(ge=0, description="Staff trained as practitioners")
    practitioners_planned: int = Field(ge=0, description="Practitioners in the plan")
    impact_returns_received: int = Field(ge=0, description="Impact returns received (baseline and termly)")
    impact_returns_due: int = Field(ge=0, description="Impact returns due by the end")
    times_flagged_at_risk: int = Field(ge=0, description="How often the school was flagged at risk")


class JourneyCompleted(_JourneyEvent):
    """The school's 18 months are over; the summary says what was done against the plan."""

    subject: ClassVar[str] = "rsp.journey.completed.v1"

    completed_on: date = Field(description="The day the journey ended")
    at_risk: bool = Field(description="Whether it ended flagged at risk")
    summary: JourneySummary = Field(description="What was done against the plan")


class JourneyWithdrawn(_JourneyEvent):
    """The school was withdrawn; its journey ended promptly and issues nothing more."""

    subject: ClassVar[str] = "rsp.journey.withdrawn.v1"

    withdrawn_on: date = Field(description="The day it was withdrawn")
    phase: JourneyPhase = Field(description="The phase it was in")
