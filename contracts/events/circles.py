"""Events published by the circles service. Ids, kinds, dates, counts and themes only: a circle's free-text
reflection never leaves circles, and circles never record anything about a named pupil."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal, get_args
from uuid import UUID

from pydantic import Field

from contracts.events.base import Event
from contracts.events.learning import MODULE_COUNT
from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN

__all__ = [
    "CIRCLE_KINDS",
    "CIRCLE_THEMES",
    "CircleCancelled",
    "CircleHeld",
    "CircleKind",
    "CircleRescheduled",
    "CircleScheduled",
    "CircleTheme",
]

CircleKind = Literal["reflective", "practice_discussion", "decision_making"]
CIRCLE_KINDS: tuple[CircleKind, ...] = get_args(CircleKind)

# The controlled list of what a circle talked about, in the programme's own words.
CircleTheme = Literal[
    "attachment",
    "regulation",
    "co_regulation",
    "shame",
    "trauma_and_adversity",
    "restorative_conversation",
    "repair_after_conflict",
    "behaviour_as_communication",
    "belonging",
    "staff_wellbeing",
    "working_with_families",
]
CIRCLE_THEMES: tuple[CircleTheme, ...] = get_args(CircleTheme)

_SOURCE = "/rsp/circles"


class _CircleEvent(Event):
    """What every circle event carries: which circle, of which school and cohort, of which kind."""

    source: ClassVar[str] = _SOURCE

    circle_id: UUID = Field(description="The circles service's id for this circle")
    urn: str = Field(pattern=URN_PATTERN, description="The school the circle belongs to")
    cohort_id: str = Field(pattern=COHORT_ID_PATTERN, description="The school's cohort")
    kind: CircleKind = Field(description="reflective, practice_discussion or decision_making")

    def entity(self) -> str:
        return self.urn


class CircleScheduled(_CircleEvent):
    """A school planned a circle for its staff on a date, with a facilitator."""

    subject: ClassVar[str] = "rsp.circles.circle.scheduled.v1"

    module_number: int | None = Field(
        default=None, ge=1, le=MODULE_COUNT, description="The module a reflective circle reflects on, if named"
    )
    scheduled_for: date = Field(description="The date the circle is planned for")
    facilitator_staff_id: UUID = Field(description="Pseudonymous id of the staff member facilitating it")


class CircleHeld(_CircleEvent):
    """A circle took place. Carries no free text: the reflection stays inside circles."""

    subject: ClassVar[str] = "rsp.circles.circle.held.v1"

    module_number: int | None = Field(
        default=None, ge=1, le=MODULE_COUNT, description="The module a reflective circle reflected on, if named"
    )
    held_on: date = Field(description="The date the circle took place")
    half_term: str | None = Field(
        description="The half-term it counts towards (e.g. `2026-27-autumn-2`); null when held in a holiday"
    )
    participant_count: int = Field(ge=1, description="How many staff took part")
    participant_staff_ids: list[UUID] = Field(
        description="Pseudonymous ids of the participants the school named (may be fewer than the count)"
    )
    facilitator_staff_id: UUID = Field(description="Pseudonymous id of the staff member who facilitated it")
    themes: list[CircleTheme] = Field(description="What it talked about, from the programme's controlled list")
    fidelity: dict[str, bool] | None = Field(
        default=None,
        description="The fidelity checklist as the facilitator answered it (item key: done or not, items from "
        "`contracts/fidelity_checklists.json`); null when none was recorded",
    )


class CircleCancelled(_CircleEvent):
    """A scheduled circle will not take place."""

    subject: ClassVar[str] = "rsp.circles.circle.cancelled.v1"

    scheduled_for: date = Field(description="The date it had been planned for")
    cancelled_on: date = Field(description="The date it was cancelled")


class CircleRescheduled(_CircleEvent):
    """A scheduled circle moved to another date."""

    subject: ClassVar[str] = "rsp.circles.circle.rescheduled.v1"

    previous_date: date = Field(description="The date it was planned for until now")
    scheduled_for: date = Field(description="The new date")
    facilitator_staff_id: UUID = Field(description="Pseudonymous id of the staff member facilitating it")
