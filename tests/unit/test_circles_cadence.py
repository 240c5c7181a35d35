"""Half-term cadence: which half-term a circle counts towards, and which half-terms a school met or missed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from contracts.calendar import HalfTerm, HalfTermCalendar
from runtime.calendar_file import load_half_terms
from runtime.errors import ConfigurationError
from services.circles.domain.cadence import cohort_cadence, school_cadence
from services.circles.domain.model import ProgrammeSpan

# Oxfordshire 2026-27 (autumn and spring), as in the service's default file.
AUTUMN_1 = HalfTerm(date(2026, 9, 2), date(2026, 10, 23), "2026-27", "autumn-1")
AUTUMN_2 = HalfTerm(date(2026, 11, 2), date(2026, 12, 18), "2026-27", "autumn-2")
SPRING_1 = HalfTerm(date(2027, 1, 4), date(2027, 2, 12), "2026-27", "spring-1")
CALENDAR = HalfTermCalendar([SPRING_1, AUTUMN_1, AUTUMN_2])
FROM_SEPTEMBER = ProgrammeSpan(date(2026, 9, 1), None)


@pytest.mark.parametrize(
    ("day", "half_term"),
    [
        (date(2026, 9, 2), AUTUMN_1),  # first day
        (date(2026, 10, 23), AUTUMN_1),  # last day
        (date(2026, 10, 24), None),  # the Saturday after: holiday
        (date(2026, 10, 28), None),  # October half-term holiday
        (date(2026, 11, 1), None),  # the Sunday before the next one starts
        (date(2026, 11, 2), AUTUMN_2),
        (date(2026, 11, 7), AUTUMN_2),  # a weekend inside a half-term belongs to it
        (date(2026, 12, 25), None),  # Christmas holiday
        (date(2026, 8, 15), None),  # before the calendar
        (date(2027, 3, 1), None),  # after the calendar
    ],
)
def test_a_date_falls_in_its_half_term_boundaries_included_and_holidays_in_none(
    day: date, half_term: HalfTerm | None
) -> None:
    assert CALENDAR.half_term_of(day) == half_term


def test_circle_on_the_last_day_of_a_half_term_meets_it() -> None:
    cadence = school_cadence("123456", CALENDAR, FROM_SEPTEMBER, [date(2026, 10, 23)], 1, today=date(2026, 11, 20))

    assert [(row.half_term, row.circles_held, row.status) for row in cadence.half_terms] == [
        (AUTUMN_1, 1, "met"),
        (AUTUMN_2, 0, "in_progress"),
    ]


def test_circle_in_a_holiday_counts_towards_no_half_term_but_is_reported() -> None:
    cadence = school_cadence("123456", CALENDAR, FROM_SEPTEMBER, [date(2026, 10, 28)], 1, today=date(2026, 11, 20))

    assert [(row.half_term, row.status) for row in cadence.half_terms] == [
        (AUTUMN_1, "missed"),
        (AUTUMN_2, "in_progress"),
    ]
    assert cadence.held_in_holidays == 1


def test_half_term_without_a_circle_is_in_progress_on_its_last_day_and_missed_the_day_after() -> None:
    on_last_day = school_cadence("123456", CALENDAR, FROM_SEPTEMBER, [], 1, today=date(2026, 10, 23))
    day_after = school_cadence("123456", CALENDAR, FROM_SEPTEMBER, [], 1, today=date(2026, 10, 24))

    assert [row.status for row in on_last_day.half_terms] == ["in_progress"]
    assert [row.status for row in day_after.half_terms] == ["missed"]


def test_school_is_expected_only_from_the_half_term_it_joined_in() -> None:
    joined_mid_autumn_2 = ProgrammeSpan(date(2026, 11, 20), None)

    cadence = school_cadence("123456", CALENDAR, joined_mid_autumn_2, [], 1, today=date(2027, 1, 10))

    assert [(row.half_term, row.status) for row in cadence.half_terms] == [
        (AUTUMN_2, "missed"),
        (SPRING_1, "in_progress"),
    ]


def test_school_that_joined_in_a_holiday_is_first_expected_in_the_next_half_term() -> None:
    cadence = school_cadence("123456", CALENDAR, ProgrammeSpan(date(2026, 10, 26), None), [], 1, date(2026, 11, 3))

    assert [row.half_term for row in cadence.half_terms] == [AUTUMN_2]


def test_withdrawn_school_is_not_expected_after_it_withdrew_and_its_open_half_term_is_missed() -> None:
    withdrawn_mid_autumn_2 = ProgrammeSpan(date(2026, 9, 1), date(2026, 11, 10))

    cadence = school_cadence("123456", CALENDAR, withdrawn_mid_autumn_2, [date(2026, 9, 30)], 1, date(2027, 1, 20))

    assert [(row.half_term, row.status) for row in cadence.half_terms] == [(AUTUMN_1, "met"), (AUTUMN_2, "missed")]


def test_circles_outside_the_programme_span_do_not_count() -> None:
    joined_in_autumn_2 = ProgrammeSpan(date(2026, 11, 2), None)

    cadence = school_cadence("123456", CALENDAR, joined_in_autumn_2, [date(2026, 10, 1)], 1, date(2026, 11, 5))

    assert [(row.half_term, row.circles_held) for row in cadence.half_terms] == [(AUTUMN_2, 0)]
    assert cadence.held_in_holidays == 0


def test_cohort_expecting_two_circles_a_half_term_needs_two() -> None:
    one = school_cadence("123456", CALENDAR, FROM_SEPTEMBER, [date(2026, 9, 10)], 2, today=date(2026, 10, 30))
    two_dates = [date(2026, 9, 10), date(2026, 10, 1)]
    two = school_cadence("123456", CALENDAR, FROM_SEPTEMBER, two_dates, 2, today=date(2026, 10, 30))

    assert [row.status for row in one.half_terms] == ["missed"]
    assert [row.status for row in two.half_terms] == ["met"]


def test_cohort_roll_up_lists_per_half_term_which_schools_met_missed_or_still_can() -> None:
    today = date(2026, 11, 20)
    early = school_cadence("100001", CALENDAR, FROM_SEPTEMBER, [date(2026, 9, 15), date(2026, 11, 4)], 1, today)
    idle = school_cadence("100002", CALENDAR, FROM_SEPTEMBER, [], 1, today)
    late = school_cadence("100003", CALENDAR, ProgrammeSpan(date(2026, 11, 2), None), [], 1, today)

    rows = cohort_cadence([late, idle, early])

    assert [(r.half_term, r.met, r.missed, r.in_progress, r.schools_expected) for r in rows] == [
        (AUTUMN_1, ["100001"], ["100002"], [], 2),
        (AUTUMN_2, ["100001"], [], ["100002", "100003"], 3),
    ]


@pytest.mark.parametrize(
    ("half_terms", "problem"),
    [
        ([HalfTerm(date(2026, 9, 2), date(2026, 9, 1), "2026-27", "autumn-1")], "ends before it starts"),
        ([AUTUMN_1, HalfTerm(date(2026, 10, 23), date(2026, 12, 18), "2026-27", "autumn-2")], "overlap"),
        ([AUTUMN_1, HalfTerm(date(2026, 11, 2), date(2026, 12, 18), "2026-27", "autumn-1")], "twice"),
    ],
)
def test_calendar_refuses_backwards_overlapping_or_repeated_half_terms(
    half_terms: list[HalfTerm], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        HalfTermCalendar(half_terms)


def test_default_calendar_has_six_half_terms_for_each_year_2025_26_to_2028_29() -> None:
    calendar = load_half_terms()

    years = sorted({half_term.academic_year for half_term in calendar.half_terms})
    assert years == ["2025-26", "2026-27", "2027-28", "2028-29"]
    assert len(calendar.half_terms) == 24
    assert calendar.half_term_of(date(2026, 10, 23)) == AUTUMN_1
    assert calendar.half_term_of(date(2026, 12, 18)) == AUTUMN_2
    assert calendar.half_term_of(date(2027, 8, 10)) is None  # summer holiday


def test_a_calendar_file_can_replace_the_default(tmp_path: Path) -> None:
    own = tmp_path / "half_terms.json"
    own.write_text(
        '{"academic_years": [{"academic_year": "2026-27", "half_terms": ['
        '{"name": "autumn-1", "starts_on": "2026-09-07", "ends_on": "2026-10-16"}]}]}'
    )

    calendar = load_half_terms(own)

    assert [h.half_term_id for h in calendar.half_terms] == ["2026-27-autumn-1"]
    assert calendar.half_term_of(date(2026, 10, 20)) is None


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "cannot be read"),
        ('{"academic_years": [{"academic_year": "2026", "half_terms": []}]}', "academic_year"),
        (
            '{"academic_years": [{"academic_year": "2026-27", "half_terms": ['
            '{"name": "a", "starts_on": "2026-09-07", "ends_on": "2026-10-16"},'
            '{"name": "b", "starts_on": "2026-10-01", "ends_on": "2026-12-16"}]}]}',
            "overlap",
        ),
    ],
)
def test_a_bad_calendar_file_stops_the_service_saying_why(tmp_path: Path, content: str | None, problem: str) -> None:
    path = tmp_path / "half_terms.json"
    if content is not None:
        path.write_text(content)

    with pytest.raises(ConfigurationError, match=problem):
        load_half_terms(path)
