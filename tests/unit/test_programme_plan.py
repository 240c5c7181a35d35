"""A cohort's programme plan: the programme's defaults, and plans that cannot fit 18 months."""

from __future__ import annotations

import itertools
from datetime import date

from contracts.programme import LeadershipDay, PlanTargets, ProgrammePlan, add_months, programme_end
from services.enrolment.domain.model import programme_plan

STARTS_ON = date(2026, 9, 1)


def test_default_plan_has_the_programmes_parts() -> None:
    plan = programme_plan(STARTS_ON, PlanTargets(), None)

    assert len(plan.leadership_days) == 10
    assert (plan.modules, plan.circles_per_half_term, plan.mentoring_sessions_per_term) == (15, 1, 1)
    assert (plan.immersion_days, plan.practitioners_to_train, plan.practitioners_trained_by_month) == (2, 2, 12)


def test_default_leadership_days_fall_on_school_days_inside_the_18_months_in_order() -> None:
    for starts_on in (STARTS_ON, date(2027, 1, 4), date(2026, 4, 13)):
        days = programme_plan(starts_on, PlanTargets(), None).leadership_days

        assert [day.number for day in days] == list(range(1, 11))
        assert all(starts_on <= day.held_on <= programme_end(starts_on) for day in days)
        assert all(day.held_on.weekday() < 5 and day.held_on.month != 8 for day in days)
        assert all(a.held_on < b.held_on for a, b in itertools.pairwise(days))


def test_programme_lasts_18_months_to_the_day_before() -> None:
    assert programme_end(STARTS_ON) == date(2028, 2, 29)
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)


def test_plan_with_a_leadership_day_after_the_end_names_that_day() -> None:
    days = [date(2026, 9, 10), date(2027, 1, 10), date(2028, 3, 1)]
    plan = programme_plan(STARTS_ON, PlanTargets(), days)

    problems = plan.problems(STARTS_ON)

    assert problems == ["plan.leadership_days[2]: 2028-03-01 is outside the programme (2026-09-01 to 2028-02-29)"]


def test_plan_with_days_out_of_order_names_the_day_that_goes_backwards() -> None:
    plan = programme_plan(STARTS_ON, PlanTargets(), [date(2026, 10, 1), date(2026, 9, 20), date(2026, 11, 1)])

    assert plan.problems(STARTS_ON) == ["plan.leadership_days[1]: 2026-09-20 is not after the day before it"]


def test_plan_with_days_numbered_wrongly_is_refused() -> None:
    plan = ProgrammePlan(leadership_days=[LeadershipDay(number=2, held_on=date(2026, 10, 1))])

    assert plan.problems(STARTS_ON) == ["plan.leadership_days[0]: day numbers must run 1, 2, 3, ... (found 2)"]


def test_plan_that_fits_has_no_problems() -> None:
    plan = programme_plan(STARTS_ON, PlanTargets(immersion_days=3), [date(2026, 9, 1), date(2028, 2, 29)])

    assert plan.problems(STARTS_ON) == []
    assert plan.immersion_days == 3
