"""How often a school has done each part of the programme so far, learned from its journey's state.

Every rate is smoothed towards a modest prior (Laplace's rule for shares, a few pseudo-months for counts), so a
school a few weeks in is neither condemned nor acquitted by its first days; the history each rate rests on is
kept beside it, so the forecast can say what it learned from.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from workflows.journey import criteria
from workflows.journey.messages import JourneyProgress

__all__ = ["HistoryUsed", "SchoolRates", "learn_rates"]

_DAYS_PER_MONTH = 30.44
# Prior: about one module a month for each member of staff, worth two staff-months of history.
_PRIOR_MODULES, _PRIOR_STAFF_MONTHS = 1.6, 2.0


@dataclass(frozen=True)
class SchoolRates:
    """The chances and rates a school's coming months are simulated with."""

    modules_per_staff_month: float
    circle_per_half_term: float  # probability that a half-term has a circle
    mentoring_per_term: float  # probability that each planned session of a term is held
    headteacher_attends: float  # probability the headteacher attends a leadership day
    impact_return_per_term: float  # probability a term's return (or the baseline) comes in
    staff_leaving_per_month: float  # each member of staff but the headteacher; a newcomer replaces them
    immersion_days_per_month: float
    practitioners_per_month: float

    def with_completions_raised(self, percent: float) -> SchoolRates:
        return replace(self, modules_per_staff_month=self.modules_per_staff_month * (1 + percent / 100))


@dataclass(frozen=True)
class HistoryUsed:
    """What the rates were learned from."""

    months: float
    staff: int
    module_completions: int
    half_terms_ended: int
    circles_held: int
    terms_ended: int
    mentoring_sessions: int
    leadership_days_held: int
    leadership_days_attended: int
    impact_returns: int


def _months(start: date, end: date) -> float:
    return max(0.0, (end - start).days / _DAYS_PER_MONTH)


def _share(done: int, due: int) -> float:
    return min(1.0, (done + 1) / (due + 2))


def learn_rates(s: JourneyProgress, today: date) -> tuple[SchoolRates, HistoryUsed]:
    """The school's rates from everything its journey knows on `today`."""
    staff_months, leavers = 0.0, 0
    for record in s.staff.values():
        until = min(record.left_on or today, today)
        staff_months += _months(max(record.starts_on, s.enrolled_on), until)
        leavers += record.left_on is not None and record.left_on <= today
    completions = s.module_completions()
    ended_half_terms = [t.half_term_id for t in s.half_terms if s.enrolled_on <= t.ends_on < today]
    with_circle = {h for h in s.circles.values() if h}
    circles = len(with_circle & set(ended_half_terms))
    ended_terms = criteria.ended_terms(s.half_terms, s.enrolled_on, today)
    mentoring_due = len(ended_terms) * s.plan.mentoring_sessions_per_term
    returns_due = int(today >= criteria.baseline_due(s)) + len(ended_terms)
    months = _months(s.enrolled_on, today)
    rates = SchoolRates(
        modules_per_staff_month=(completions + _PRIOR_MODULES) / (staff_months + _PRIOR_STAFF_MONTHS),
        circle_per_half_term=_share(circles, len(ended_half_terms)),
        mentoring_per_term=_share(len(s.mentoring), mentoring_due),
        headteacher_attends=_share(len(s.leadership_days_attended), len(s.leadership_days_passed)),
        impact_return_per_term=_share(len(s.impact_returns), returns_due),
        staff_leaving_per_month=(leavers + 0.2) / (staff_months + 20),
        immersion_days_per_month=(len(s.immersion_days) + 0.5) / (months + 6),
        practitioners_per_month=(len(s.practitioners) + 1) / (months + 6),
    )
    history = HistoryUsed(
        months=round(months, 1),
        staff=len(s.staff),
        module_completions=completions,
        half_terms_ended=len(ended_half_terms),
        circles_held=circles,
        terms_ended=len(ended_terms),
        mentoring_sessions=len(s.mentoring),
        leadership_days_held=len(s.leadership_days_passed),
        leadership_days_attended=len(s.leadership_days_attended),
        impact_returns=len(s.impact_returns),
    )
    return rates, history
