"""A cohort's programme plan (from its CohortCreated event) as the journey keeps it."""

from __future__ import annotations

from contracts.programme import ProgrammePlan
from workflows.journey.messages import JourneyPlan, LeadershipDayDate

__all__ = ["journey_plan"]


def journey_plan(plan: ProgrammePlan) -> JourneyPlan:
    return JourneyPlan(
        leadership_days=[LeadershipDayDate(day.number, day.held_on) for day in plan.leadership_days],
        modules=plan.modules,
        circles_per_half_term=plan.circles_per_half_term,
        mentoring_sessions_per_term=plan.mentoring_sessions_per_term,
        immersion_days=plan.immersion_days,
        practitioners_to_train=plan.practitioners_to_train,
        practitioners_trained_by_month=plan.practitioners_trained_by_month,
    )
