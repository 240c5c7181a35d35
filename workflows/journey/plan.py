"""A cohort's programme plan (from its CohortCreated event) as the journey keeps it."""

from __future__ import annotations

from contracts.programme import ProgrammePlan
from workflows.journey.messages import JourneyPlan, LeadershipDayDate

__all__ = ["journey_plan"]


def journey_plan(plan: ProgrammePlan) -> JourneyPlan:
    # The targets carry over by name: a target added to the contract and not to JourneyPlan fails here, loudly.
    targets = plan.model_dump(exclude={"leadership_days"})
    return JourneyPlan([LeadershipDayDate(day.number, day.held_on) for day in plan.leadership_days], **targets)
