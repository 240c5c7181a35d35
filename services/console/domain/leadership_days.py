"""A cohort's leadership days as the console proposes them: the programme's spread over 18 months, each on a
school day that is not a weekend, in August or a bank holiday of England and Wales."""

from __future__ import annotations

from datetime import date, timedelta

from contracts.programme import PROGRAMME_MONTHS, add_months, default_leadership_days

__all__ = ["bank_holidays", "leadership_days", "usable_for_a_leadership_day"]


def _easter_sunday(year: int) -> date:
    # The anonymous Gregorian algorithm (Meeus/Jones/Butcher).
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def _first_monday(year: int, month: int) -> date:
    day = date(year, month, 1)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    day = add_months(date(year, month, 1), 1) - timedelta(days=1)
    return day - timedelta(days=day.weekday())


def _substitute(day: date, taken: set[date]) -> date:
    while day.weekday() >= 5 or day in taken:
        day += timedelta(days=1)
    return day


def bank_holidays(year: int) -> set[date]:
    """England and Wales's regular bank holidays (one-off ones, such as a coronation, are announced separately)."""
    easter = _easter_sunday(year)
    days = {
        easter - timedelta(days=2),
        easter + timedelta(days=1),
        _first_monday(year, 5),
        _last_monday(year, 5),
        _last_monday(year, 8),
    }
    days.add(_substitute(date(year, 1, 1), days))
    christmas = _substitute(date(year, 12, 25), days)
    days.add(christmas)
    days.add(_substitute(date(year, 12, 26), days))
    return days


def usable_for_a_leadership_day(day: date) -> bool:
    return day.weekday() < 5 and day.month != 8 and day not in bank_holidays(day.year)


def leadership_days(starts_on: date, count: int) -> list[date]:
    """`count` days spread as the programme spreads them, each moved on to the next usable day after the one
    before it, never past the 18 months."""
    ends_on = add_months(starts_on, PROGRAMME_MONTHS) - timedelta(days=1)
    chosen: list[date] = []
    for proposed in default_leadership_days(starts_on, count):
        day = proposed.held_on
        if chosen and day <= chosen[-1]:
            day = chosen[-1] + timedelta(days=1)
        while not usable_for_a_leadership_day(day):
            day += timedelta(days=1)
        chosen.append(min(day, ends_on))
    return chosen
