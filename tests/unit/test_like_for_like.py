"""Outcome figures like for like, worked out by hand: a term against the same term of the baseline year, the
annual baseline as a labelled fallback, one-or-more and repeat suspensions, and persistent absence over DfE's
denominator."""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction
from uuid import uuid4

from services.reporting.domain.impact_returns import ImpactFigures, ImpactReturn
from services.reporting.domain.like_for_like import comparisons_of, shown
from services.reporting.domain.periods import Period

ENROLLED = date(2026, 9, 1)  # baseline year 2025/26


def _return(period: Period, figures: ImpactFigures) -> ImpactReturn:
    return ImpactReturn(uuid4(), "123456", "oxon-2026", period, 1, None, figures, datetime(2027, 5, 1, tzinfo=UTC))


BASELINE_AUTUMN = ImpactFigures(400, 12, 8, 1, 60_000, 3_000, 40, pupils_with_absence_records=410)
AUTUMN = ImpactFigures(420, 6, 5, 0, 63_000, 2_835, 30, pupils_with_absence_records=430)
BASELINE_YEAR = ImpactFigures(400, 30, 18, 3, 180_000, 10_800, 50)
SPRING = ImpactFigures(420, 7, 6, 1, 60_000, 3_300, 35)


def _shown(change: Fraction | None, places: int) -> float | None:
    return None if change is None else shown(change, places)


def test_a_term_is_compared_with_the_same_term_of_the_baseline_year() -> None:
    returns = [
        _return(Period(2025, "autumn"), BASELINE_AUTUMN),
        _return(Period(2025, "baseline"), BASELINE_YEAR),
        _return(Period(2026, "autumn"), AUTUMN),
    ]

    [autumn] = comparisons_of(returns, ENROLLED)

    assert (autumn.basis, autumn.baseline) == ("termly", Period(2025, "autumn"))
    before, after = autumn.baseline_rates, autumn.term_rates
    assert [shown(getattr(before, name), 2) for name in ("suspension_rate", "one_or_more_suspension_rate")] == [
        3.0,
        2.0,
    ]
    assert shown(before.repeat_suspension_rate or Fraction(0), 2) == 1.0
    assert (shown(after.suspension_rate, 2), shown(after.repeat_suspension_rate or Fraction(0), 2)) == (1.43, 0.24)
    assert (shown(before.persistent_absence_percent, 1), shown(after.persistent_absence_percent, 1)) == (9.8, 7.0)
    assert after.persistent_absence_denominator == "pupils_with_absence_records"
    change = autumn.change
    assert _shown(change["suspension_rate"], 2) == -1.57
    assert _shown(change["one_or_more_suspension_rate"], 2) == -0.81
    assert _shown(change["repeat_suspension_rate"], 2) == -0.76
    assert _shown(change["permanent_exclusion_rate"], 2) == -0.25
    assert _shown(change["overall_absence_percent"], 1) == -0.5
    assert _shown(change["persistent_absence_percent"], 1) == -2.8


def test_without_a_termly_baseline_the_annual_one_is_used_and_labelled() -> None:
    returns = [_return(Period(2025, "baseline"), BASELINE_YEAR), _return(Period(2026, "spring"), SPRING)]

    [spring] = comparisons_of(returns, ENROLLED)

    assert (spring.basis, spring.baseline) == ("annual", Period(2025, "baseline"))
    # 30 / 400 x 100 = 7.5 a year, 2.5 a term; 7 / 420 x 100 = 1.666...
    assert _shown(spring.change["suspension_rate"], 2) == -0.83
    assert _shown(spring.change["permanent_exclusion_rate"], 2) == -0.01
    assert _shown(spring.change["overall_absence_percent"], 1) == -0.5
    # Both over pupils on roll: 35 / 420 = 8.33..% against 50 / 400 = 12.5%.
    assert _shown(spring.change["persistent_absence_percent"], 1) == -4.2
    # Pupils suspended in a year cannot be shared out by term.
    assert spring.change["one_or_more_suspension_rate"] is None
    assert spring.change["repeat_suspension_rate"] is None


def test_persistent_absence_over_different_denominators_is_not_compared() -> None:
    returns = [_return(Period(2025, "autumn"), BASELINE_AUTUMN), _return(Period(2026, "autumn"), SPRING)]

    [autumn] = comparisons_of(returns, ENROLLED)

    assert autumn.change["persistent_absence_percent"] is None
    assert autumn.change["suspension_rate"] is not None
