"""Impact rates, change against baseline and the suspensions-halved indicator, on figures worked out by hand."""

from __future__ import annotations

from fractions import Fraction

from services.reporting.domain.impact_returns import ImpactFigures
from services.reporting.domain.rates import (
    change_against_baseline,
    pooled,
    rates_of,
    rounded,
    suspensions_halved,
    termly_baseline,
)


def figures(
    pupils: int = 400,
    suspensions: int = 0,
    suspended: int = 0,
    exclusions: int = 0,
    possible: int = 1000,
    missed: int = 0,
    persistent: int = 0,
) -> ImpactFigures:
    return ImpactFigures(pupils, suspensions, suspended, exclusions, possible, missed, persistent)


BASELINE = figures(400, 30, 12, 2, 152_000, 9_120, 60)
AUTUMN = figures(400, 5, 4, 0, 50_000, 2_500, 48)


def test_rates_follow_the_department_for_education_definitions() -> None:
    rates = rates_of(BASELINE)

    assert rates.suspension_rate == Fraction(75, 10)  # 30 / 400 x 100
    assert rates.one_or_more_suspension_rate == 3  # 12 / 400 x 100
    assert rates.permanent_exclusion_rate == Fraction(1, 2)  # 2 / 400 x 100
    assert rates.overall_absence_rate == 6  # 9,120 / 152,000 x 100
    assert rates.persistent_absence_rate == 15  # 60 / 400 x 100


def test_a_term_is_set_against_a_third_of_the_baseline_years_suspensions_and_exclusions() -> None:
    termly = termly_baseline(BASELINE)

    assert termly.suspension_rate == Fraction(5, 2)  # 7.5 / 3
    assert termly.permanent_exclusion_rate == Fraction(1, 6)  # 0.5 / 3
    assert termly.overall_absence_rate == 6  # shares of sessions compare as they are
    assert termly.persistent_absence_rate == 15


def test_change_against_baseline_is_in_percentage_points() -> None:
    change = change_against_baseline(BASELINE, AUTUMN)

    assert change.suspension_rate == Fraction(-5, 4)  # 5 / 400 x 100 = 1.25, minus 2.5
    assert change.permanent_exclusion_rate == Fraction(-1, 6)  # 0 minus 0.1666...
    assert change.overall_absence_rate == -1  # 2,500 / 50,000 x 100 = 5, minus 6
    assert change.persistent_absence_rate == -3  # 48 / 400 x 100 = 12, minus 15
    assert rounded(change.permanent_exclusion_rate) == -0.17


def test_cohort_rates_are_pupil_weighted_not_an_average_of_school_rates() -> None:
    small, large = figures(pupils=100, suspensions=10, suspended=5), figures(pupils=900, suspensions=9, suspended=9)

    cohort = rates_of(pooled([small, large]))

    assert (rates_of(small).suspension_rate + rates_of(large).suspension_rate) / 2 == Fraction(11, 2)  # 5.5
    assert cohort.suspension_rate == Fraction(19, 10)  # 19 / 1,000 x 100
    assert pooled([small, large]).pupils_on_roll == 1000


def test_suspensions_halved_counts_schools_at_half_or_less_of_their_baseline() -> None:
    exactly_half = (BASELINE, AUTUMN)  # 1.25 against 2.5
    not_quite = (figures(300, 30, 10), figures(300, 6, 5))  # 2.0 against 10 / 3 = 3.33...: halved would be 1.67
    never_suspended = (figures(200), figures(200))  # no suspensions to halve: not counted

    indicator = suspensions_halved([exactly_half, not_quite, never_suspended])

    assert (indicator.schools_counted, indicator.schools_halved) == (2, 1)
    assert indicator.share == 50


def test_no_school_to_count_gives_no_share() -> None:
    assert suspensions_halved([]).share is None


def test_rates_are_rounded_to_two_places_halves_away_from_zero() -> None:
    assert rounded(Fraction(1, 8)) == 0.13
    assert rounded(Fraction(-1, 8)) == -0.13
    assert rounded(Fraction(2, 3)) == 0.67
    assert rounded(Fraction(15)) == 15.0
