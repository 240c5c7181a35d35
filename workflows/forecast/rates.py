"""How often a school has done each part of the programme so far, learned from its journey's state.

Each share is a Beta posterior (prior: nine in ten, worth two observations) and each rate a Gamma posterior (a few
pseudo-months), so a school a few weeks in is neither condemned nor acquitted by its first days. The forecast
draws each run's rates from these posteriors: what the history cannot tell apart widens the forecast's band
instead of hiding in a point estimate. The history each rate rests on is kept beside it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date

from workflows.journey import criteria
from workflows.journey.messages import JourneyProgress

__all__ = ["HistoryUsed", "SchoolRates", "learn_rates"]

_DAYS_PER_MONTH = 30.44
# Prior: about one module a month for each member of staff, worth two staff-months of history.
_PRIOR_MODULES, _PRIOR_STAFF_MONTHS = 1.6, 2.0
# Prior for shares: Beta(1.8, 0.2), nine in ten, worth two observations.
_PRIOR_DONE, _PRIOR_MISSED = 1.8, 0.2


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
    # The posteriors each field above is the mean of, in the same order: ("beta", a, b) or ("gamma", shape, rate).
    # Empty: the rates are known (synthetic schools) and every run uses them as they are.
    posteriors: tuple[tuple[str, float, float], ...] = ()
    completion_factor: float = 1.0

    def with_completions_raised(self, percent: float) -> SchoolRates:
        factor = 1 + percent / 100
        return replace(
            self,
            modules_per_staff_month=self.modules_per_staff_month * factor,
            completion_factor=self.completion_factor * factor,
        )

    def draw(self, rng: random.Random) -> SchoolRates:
        """One run's rates, drawn from the posteriors (the same rates when they are known)."""
        if not self.posteriors:
            return self
        values = [
            rng.betavariate(a, b) if kind == "beta" else rng.gammavariate(a, 1 / b) for kind, a, b in self.posteriors
        ]
        values[0] *= self.completion_factor
        return replace(self, **dict(zip(_RATE_FIELDS, values, strict=True)), posteriors=(), completion_factor=1.0)


_RATE_FIELDS = (
    "modules_per_staff_month",
    "circle_per_half_term",
    "mentoring_per_term",
    "headteacher_attends",
    "impact_return_per_term",
    "staff_leaving_per_month",
    "immersion_days_per_month",
    "practitioners_per_month",
)


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


def _beta(done: int, due: int) -> tuple[str, float, float]:
    done = min(done, due)
    return ("beta", done + _PRIOR_DONE, due - done + _PRIOR_MISSED)


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
    practitioner_pace = s.plan.practitioners_to_train / max(1, s.plan.practitioners_trained_by_month)
    posteriors = (
        ("gamma", completions + _PRIOR_MODULES, staff_months + _PRIOR_STAFF_MONTHS),
        _beta(circles, len(ended_half_terms)),
        _beta(len(s.mentoring), mentoring_due),
        _beta(len(s.leadership_days_attended), len(s.leadership_days_passed)),
        _beta(len(s.impact_returns), returns_due),
        ("gamma", leavers + 0.2, staff_months + 20),
        # Immersion days and training are scheduled by the plan more than learned from habit: the prior is the
        # plan's own pace (its days over 18 months, its practitioners by their month), worth eighteen months.
        ("gamma", len(s.immersion_days) + s.plan.immersion_days, months + 18),
        ("gamma", len(s.practitioners) + 18 * practitioner_pace, months + 18),
    )
    means = [a / (a + b) if kind == "beta" else a / b for kind, a, b in posteriors]
    rates = SchoolRates(**dict(zip(_RATE_FIELDS, means, strict=True)), posteriors=posteriors)
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
