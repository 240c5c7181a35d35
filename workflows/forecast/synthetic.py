"""Synthetic schools for the benchmark and the calibration test: journeys on day one, with known rates."""

from __future__ import annotations

from datetime import date

from contracts.programme import PlanTargets, add_months
from runtime.calendar_file import load_half_terms
from services.enrolment.domain.model import programme_plan
from workflows.forecast.journey import new_progress
from workflows.forecast.rates import SchoolRates
from workflows.journey import lifecycle
from workflows.journey.messages import HalfTermSpan, JourneyProgress, StaffJoined
from workflows.journey.plan import journey_plan

__all__ = ["synthetic_school", "typical_rates"]


def typical_rates(modules_per_staff_month: float = 1.0, keen: float = 0.85) -> SchoolRates:
    """Rates of a school that mostly keeps up; `keen` is the chance of each termly or half-termly part."""
    return SchoolRates(
        modules_per_staff_month=modules_per_staff_month,
        circle_per_half_term=keen,
        mentoring_per_term=keen,
        headteacher_attends=keen,
        impact_return_per_term=keen,
        staff_leaving_per_month=0.01,
        immersion_days_per_month=0.12,
        practitioners_per_month=0.18,
    )


def synthetic_school(urn: str, enrolled_on: date, staff: int = 30, cohort_id: str = "synthetic") -> JourneyProgress:
    """A journey's state on its first day: the default plan, the real half-term calendar, `staff` registered."""
    half_terms = [
        HalfTermSpan(t.half_term_id, t.starts_on, t.ends_on)
        for t in load_half_terms().overlapping(enrolled_on, add_months(enrolled_on, 18))
    ]
    plan = journey_plan(programme_plan(enrolled_on, PlanTargets(), None))
    s = new_progress(urn, cohort_id, enrolled_on, plan, half_terms)
    for n in range(staff):
        role = "headteacher" if n == 0 else "teacher"
        lifecycle.register_staff(s, StaffJoined("", f"{urn}-staff-{n}", role, enrolled_on))
    return s
