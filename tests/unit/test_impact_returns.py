"""Impact returns: what cannot be true is refused naming the field, and only the periods a school owes are taken."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from services.reporting.domain.errors import ImpossibleReturn
from services.reporting.domain.impact_returns import ImpactFigures, check_figures
from services.reporting.domain.periods import Period, baseline_of, check_period, parse_academic_year, periods_due

GOOD = ImpactFigures(
    pupils_on_roll=400,
    suspensions=30,
    pupils_suspended=12,
    permanent_exclusions=2,
    possible_sessions=152_000,
    sessions_missed=9_120,
    pupils_persistently_absent=60,
)


def test_believable_figures_pass() -> None:
    check_figures(GOOD)
    check_figures(replace(GOOD, suspensions=0, pupils_suspended=0, sessions_missed=0, pupils_persistently_absent=0))


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"suspensions": -1}, "suspensions", "negative"),
        ({"sessions_missed": -5}, "sessions_missed", "negative"),
        ({"pupils_on_roll": 0}, "pupils_on_roll", "at least 1"),
        ({"possible_sessions": 0, "sessions_missed": 0}, "possible_sessions", "at least 1"),
        ({"pupils_suspended": 401, "suspensions": 500}, "pupils_suspended", "more than the 400 pupils on roll"),
        ({"pupils_suspended": 31}, "pupils_suspended", "more than the 30 suspensions"),
        ({"pupils_suspended": 0}, "pupils_suspended", "cannot be 0 when there were 30 suspensions"),
        ({"permanent_exclusions": 401}, "permanent_exclusions", "more than the 400 pupils on roll"),
        ({"sessions_missed": 152_001}, "sessions_missed", "more than the 152000 possible sessions"),
        ({"pupils_persistently_absent": 401}, "pupils_persistently_absent", "more than the 400 pupils on roll"),
        ({"sessions_missed": 0}, "pupils_persistently_absent", "no sessions were missed"),
        ({"pupils_with_absence_records": 0}, "pupils_with_absence_records", "at least 1, or left out"),
        ({"pupils_with_absence_records": -3}, "pupils_with_absence_records", "negative"),
        ({"pupils_with_absence_records": 10}, "pupils_persistently_absent", "more than the 10 pupils with absence"),
    ],
)
def test_figures_that_cannot_be_true_are_refused_naming_the_field(
    change: dict[str, int], field: str, says: str
) -> None:
    with pytest.raises(ImpossibleReturn) as refused:
        check_figures(replace(GOOD, **change))

    assert refused.value.field == field
    assert refused.value.message.startswith(f"{field}: ")
    assert says in refused.value.message


def test_a_school_joining_in_november_owes_the_previous_year_and_six_terms() -> None:
    enrolled_on = date(2026, 11, 22)  # its 18 months end on 21 May 2028

    due = [period.label for period in periods_due(enrolled_on)]

    assert due == [
        "baseline 2025/26",
        "autumn 2026/27",
        "spring 2026/27",
        "summer 2026/27",
        "autumn 2027/28",
        "spring 2027/28",
        "summer 2027/28",
    ]


def test_a_school_joining_on_the_first_of_september_has_no_summer_term_in_its_second_year() -> None:
    due = periods_due(date(2026, 9, 1))  # 18 months end on 29 February 2028

    assert due[0] == baseline_of(date(2026, 9, 1)) == Period(2025, "baseline")
    assert due[-1] == Period(2027, "spring")
    assert Period(2027, "summer") not in due


def test_a_school_joining_in_july_owes_the_summer_term_it_joined_in() -> None:
    due = periods_due(date(2026, 7, 6))

    assert due[:2] == [Period(2024, "baseline"), Period(2025, "summer")]


ENROLLED = date(2026, 11, 22)
TODAY = date(2027, 2, 1)


@pytest.mark.parametrize(
    ("period", "field", "says"),
    [
        (Period(2024, "baseline"), "academic_year", "the baseline is for 2025/26"),
        (Period(2028, "autumn"), "period", "outside the school's 18 months (2026-11-22 to 2028-05-21)"),
        (Period(2024, "summer"), "period", "outside the school's 18 months"),
        (Period(2026, "summer"), "period", "has not begun yet"),
    ],
)
def test_periods_the_school_owes_nothing_for_are_refused(period: Period, field: str, says: str) -> None:
    with pytest.raises(ImpossibleReturn) as refused:
        check_period(period, ENROLLED, TODAY)

    assert refused.value.field == field
    assert says in refused.value.message


def test_the_baseline_and_begun_terms_are_taken() -> None:
    for period in (Period(2025, "baseline"), Period(2026, "autumn"), Period(2026, "spring"), Period(2025, "summer")):
        check_period(period, ENROLLED, TODAY)


@pytest.mark.parametrize("label", ["2025/27", "2025-26", "25/26", "2025/2026"])
def test_academic_years_are_written_like_2025_26(label: str) -> None:
    with pytest.raises(ImpossibleReturn, match="academic_year"):
        parse_academic_year(label)
    assert parse_academic_year("2099/00") == 2099
