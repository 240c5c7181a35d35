"""Outcome figures compared like for like. Pure Python, exact fractions until shown.

A term of the programme is compared with the same term of the baseline year when the school returned it (a
termly baseline: `autumn 2025/26` for `autumn 2026/27`), and otherwise with the annual baseline, labelled as
such: suspensions and exclusions are then set against a third of the year's rate, as before, and the one-or-more
and repeat suspension rates are not compared at all (pupils suspended in a year cannot be shared out by term).

Figures, as the Department for Education defines them, per 100 pupils on roll unless said:
- suspension rate, permanent exclusion rate; one-or-more suspension rate (pupils suspended at least once);
- repeat suspensions: suspensions beyond each suspended pupil's first (suspensions - pupils suspended), and
  their rate;
- overall absence: sessions missed per 100 possible sessions;
- persistent absence: pupils missing 10% or more of their sessions per 100 pupils with absence records (DfE's
  denominator) where the school gave that count, otherwise per 100 pupils on roll, and labelled so; a change is
  given only when both sides use the same denominator.
Rates are shown to 2 decimal places and the headline absence percentages (overall and persistent) to 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal

from services.reporting.domain.impact_returns import ImpactFigures, ImpactReturn, current_returns
from services.reporting.domain.periods import Period, baseline_of
from services.reporting.domain.rates import TERMS_PER_YEAR

__all__ = [
    "ABSENCE_PERCENTS",
    "Basis",
    "Comparison",
    "Denominator",
    "OutcomeRates",
    "comparisons_of",
    "outcome_rates",
    "repeat_suspensions",
    "shown",
]

Basis = Literal["termly", "annual"]
Denominator = Literal["pupils_with_absence_records", "pupils_on_roll"]
ABSENCE_PERCENTS = ("overall_absence_percent", "persistent_absence_percent")


def shown(value: Fraction, places: int) -> float:
    """`value` rounded to `places` decimal places, halves away from zero (as DfE publishes)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def repeat_suspensions(figures: ImpactFigures) -> int:
    return figures.suspensions - figures.pupils_suspended


@dataclass(frozen=True)
class OutcomeRates:
    suspension_rate: Fraction
    one_or_more_suspension_rate: Fraction | None
    repeat_suspension_rate: Fraction | None
    permanent_exclusion_rate: Fraction
    overall_absence_percent: Fraction
    persistent_absence_percent: Fraction
    persistent_absence_denominator: Denominator


def outcome_rates(figures: ImpactFigures) -> OutcomeRates:
    pupils = figures.pupils_on_roll
    absence_pupils = figures.pupils_with_absence_records or pupils
    return OutcomeRates(
        suspension_rate=Fraction(figures.suspensions * 100, pupils),
        one_or_more_suspension_rate=Fraction(figures.pupils_suspended * 100, pupils),
        repeat_suspension_rate=Fraction(repeat_suspensions(figures) * 100, pupils),
        permanent_exclusion_rate=Fraction(figures.permanent_exclusions * 100, pupils),
        overall_absence_percent=Fraction(figures.sessions_missed * 100, figures.possible_sessions),
        persistent_absence_percent=Fraction(figures.pupils_persistently_absent * 100, absence_pupils),
        persistent_absence_denominator=(
            "pupils_with_absence_records" if figures.pupils_with_absence_records else "pupils_on_roll"
        ),
    )


def _as_a_term(year: OutcomeRates) -> OutcomeRates:
    """An annual baseline as a term is compared with it: event counts shared over three terms, pupil counts of a
    year not comparable with a term's."""
    return OutcomeRates(
        suspension_rate=year.suspension_rate / TERMS_PER_YEAR,
        one_or_more_suspension_rate=None,
        repeat_suspension_rate=None,
        permanent_exclusion_rate=year.permanent_exclusion_rate / TERMS_PER_YEAR,
        overall_absence_percent=year.overall_absence_percent,
        persistent_absence_percent=year.persistent_absence_percent,
        persistent_absence_denominator=year.persistent_absence_denominator,
    )


@dataclass(frozen=True)
class Comparison:
    """One term of the programme against its baseline. `change` is term minus baseline in percentage points,
    None where not comparable."""

    term: Period
    baseline: Period
    basis: Basis
    term_figures: ImpactFigures
    baseline_figures: ImpactFigures
    term_rates: OutcomeRates
    baseline_rates: OutcomeRates
    change: dict[str, Fraction | None]


_COMPARED = (
    "suspension_rate",
    "one_or_more_suspension_rate",
    "repeat_suspension_rate",
    "permanent_exclusion_rate",
    "overall_absence_percent",
    "persistent_absence_percent",
)


def _compare(term: Period, base: Period, basis: Basis, after: ImpactFigures, before: ImpactFigures) -> Comparison:
    term_rates = outcome_rates(after)
    base_rates = outcome_rates(before) if basis == "termly" else _as_a_term(outcome_rates(before))
    change: dict[str, Fraction | None] = {}
    for name in _COMPARED:
        a, b = getattr(term_rates, name), getattr(base_rates, name)
        change[name] = None if a is None or b is None else a - b
    if term_rates.persistent_absence_denominator != base_rates.persistent_absence_denominator:
        change["persistent_absence_percent"] = None
    return Comparison(term, base, basis, after, before, term_rates, base_rates, change)


def comparisons_of(returns: list[ImpactReturn], enrolled_on: date) -> list[Comparison]:
    """Every programme term the school returned, oldest first, each against its like-for-like baseline."""
    current = current_returns(returns)
    baseline_year = baseline_of(enrolled_on).academic_year
    annual = current.get(Period(baseline_year, "baseline"))
    found = []
    for period in sorted(current, key=lambda p: p.sort_key):
        if period.name == "baseline" or period.academic_year <= baseline_year:
            continue
        same_term = current.get(Period(baseline_year, period.name))
        if same_term is not None:
            found.append(_compare(period, same_term.period, "termly", current[period].figures, same_term.figures))
        elif annual is not None:
            found.append(_compare(period, annual.period, "annual", current[period].figures, annual.figures))
    return found
