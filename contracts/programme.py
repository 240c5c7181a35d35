"""A cohort's programme plan: what each school is expected to do over its 18 months, and by when.

The defaults are the programme's (DESIGN.md section 1); a cohort may override any of them. Enrolment checks a
plan when a cohort is created; journeys fix it at their start.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "DEFAULT_LEADERSHIP_DAY_MONTHS",
    "PROGRAMME_MONTHS",
    "LeadershipDay",
    "PlanTargets",
    "ProgrammePlan",
    "add_months",
    "default_leadership_days",
    "programme_end",
]

PROGRAMME_MONTHS = 18
# Months after the start at which the cohort's ten leadership days fall by default: close together at launch,
# then about every other month, the last one before the end.
DEFAULT_LEADERSHIP_DAY_MONTHS = (0, 1, 3, 5, 7, 9, 11, 13, 15, 17)


def add_months(start: date, months: int) -> date:
    """The same day of the month `months` later, or that month's last day when it is shorter."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def programme_end(starts_on: date) -> date:
    """The last day of a cohort's 18 months."""
    return add_months(starts_on, PROGRAMME_MONTHS) - timedelta(days=1)


def _school_day_on_or_after(day: date) -> date:
    """`day`, or the next weekday that is not in the summer holiday (August)."""
    if day.month == 8:
        day = date(day.year, 9, 1)
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


class LeadershipDay(BaseModel):
    """One of the cohort's leadership days for headteachers."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    number: int = Field(ge=1, description="Which leadership day, counting from 1")
    held_on: date = Field(description="The date the day is held")


def default_leadership_days(starts_on: date, count: int = len(DEFAULT_LEADERSHIP_DAY_MONTHS)) -> list[LeadershipDay]:
    """`count` days spread over the 18 months (the defaults for ten), each moved off weekends and August."""
    if count == len(DEFAULT_LEADERSHIP_DAY_MONTHS):
        months = list(DEFAULT_LEADERSHIP_DAY_MONTHS)
    else:
        months = [round(i * (PROGRAMME_MONTHS - 1) / max(count - 1, 1)) for i in range(count)]
    days: list[LeadershipDay] = []
    for month in months:
        held_on = _school_day_on_or_after(add_months(starts_on, month))
        if days and held_on <= days[-1].held_on:  # August moved onto a September date already taken
            held_on = _school_day_on_or_after(days[-1].held_on + timedelta(days=1))
        days.append(LeadershipDay(number=len(days) + 1, held_on=held_on))
    return days


class PlanTargets(BaseModel):
    """How much of each part of the programme a school is expected to do; the defaults are the programme's."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    modules: int = Field(default=15, ge=0, le=15, description="Online modules every member of staff completes")
    circles_per_half_term: int = Field(default=1, ge=0, le=10, description="Circles each school holds each half-term")
    mentoring_sessions_per_term: int = Field(default=1, ge=0, le=10, description="Mentoring sessions each term")
    immersion_days: int = Field(
        default=2, ge=0, le=10, description="Immersion days at a school where practice is embedded"
    )
    practitioners_to_train: int = Field(default=2, ge=0, le=100, description="Staff trained as in-school practitioners")
    practitioners_trained_by_month: int = Field(
        default=12, ge=1, le=PROGRAMME_MONTHS, description="Month of the programme by which they are trained"
    )


class ProgrammePlan(PlanTargets):
    """A cohort's plan: the targets and the dates of its leadership days. `problems` says what does not fit."""

    leadership_days: list[LeadershipDay] = Field(
        description="The cohort's leadership days for headteachers, numbered from 1 in date order (10 by default)"
    )

    def problems(self, starts_on: date) -> list[str]:
        """What keeps this plan from fitting the 18 months from `starts_on`, each naming its field; empty if it fits."""
        ends_on = programme_end(starts_on)
        problems = []
        for index, day in enumerate(self.leadership_days):
            where = f"plan.leadership_days[{index}]"
            if day.number != index + 1:
                problems.append(f"{where}: day numbers must run 1, 2, 3, ... (found {day.number})")
            if not starts_on <= day.held_on <= ends_on:
                problems.append(f"{where}: {day.held_on} is outside the programme ({starts_on} to {ends_on})")
            elif index and day.held_on <= self.leadership_days[index - 1].held_on:
                problems.append(f"{where}: {day.held_on} is not after the day before it")
        return problems

    def leadership_day(self, number: int) -> LeadershipDay | None:
        return next((day for day in self.leadership_days if day.number == number), None)
