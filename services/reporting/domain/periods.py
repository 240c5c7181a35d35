"""The periods an impact return covers: the baseline year before a school joined, then the terms of its 18
months. Pure Python.

An academic year runs from 1 September to 31 August and is named by the year it starts in (2025 is `2025/26`).
Its terms are taken as autumn (September to December), spring (January to March) and summer (April to August):
schools' own term dates differ by a few days, and only which term a return is for matters here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from contracts.events.reporting import RETURN_PERIODS, ReturnPeriod
from contracts.programme import programme_end
from services.reporting.domain.errors import ImpossibleReturn

__all__ = [
    "Period",
    "academic_year_label",
    "academic_year_of",
    "baseline_of",
    "check_period",
    "parse_academic_year",
    "periods_due",
]

_LABEL = re.compile(r"^([0-9]{4})/([0-9]{2})$")
_TERMS: tuple[ReturnPeriod, ...] = ("autumn", "spring", "summer")


def academic_year_of(day: date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def academic_year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def parse_academic_year(label: str) -> int:
    """`2025/26` -> 2025; `ImpossibleReturn` naming `academic_year` for anything else."""
    match = _LABEL.match(label)
    if match is None or int(match.group(2)) != (int(match.group(1)) + 1) % 100:
        raise ImpossibleReturn("academic_year", f"{label!r} is not an academic year written like 2025/26")
    return int(match.group(1))


@dataclass(frozen=True)
class Period:
    """What one impact return covers: the baseline (a whole academic year) or one term of an academic year."""

    academic_year: int
    name: ReturnPeriod

    @property
    def label(self) -> str:
        year = academic_year_label(self.academic_year)
        return f"baseline {year}" if self.name == "baseline" else f"{self.name} {year}"

    @property
    def sort_key(self) -> tuple[int, int]:
        return self.academic_year, RETURN_PERIODS.index(self.name)

    @property
    def first_day(self) -> date:
        year = self.academic_year
        return {
            "baseline": date(year, 9, 1),
            "autumn": date(year, 9, 1),
            "spring": date(year + 1, 1, 1),
            "summer": date(year + 1, 4, 1),
        }[self.name]

    @property
    def last_day(self) -> date:
        year = self.academic_year
        return {
            "baseline": date(year + 1, 8, 31),
            "autumn": date(year, 12, 31),
            "spring": date(year + 1, 3, 31),
            "summer": date(year + 1, 8, 31),
        }[self.name]


def baseline_of(enrolled_on: date) -> Period:
    """The academic year before the one the school joined in."""
    return Period(academic_year_of(enrolled_on) - 1, "baseline")


def periods_due(enrolled_on: date) -> list[Period]:
    """The baseline, then every term that overlaps the school's 18 months, in order."""
    ends_on = programme_end(enrolled_on)
    terms = [
        Period(year, term)
        for year in range(academic_year_of(enrolled_on), academic_year_of(ends_on) + 1)
        for term in _TERMS
    ]
    return [baseline_of(enrolled_on)] + [t for t in terms if t.last_day >= enrolled_on and t.first_day <= ends_on]


def check_period(period: Period, enrolled_on: date, today: date) -> None:
    """Refuse a period the school owes no return for, or a term that has not begun yet. Terms of the baseline
    year are taken too: they are the termly baseline a term of the programme is compared with, like for like."""
    due = periods_due(enrolled_on)
    if period.name != "baseline" and period.academic_year == due[0].academic_year:
        return  # a term of the baseline year: the like-for-like baseline of the same term in the programme
    if period.name == "baseline":
        if period != due[0]:
            raise ImpossibleReturn(
                "academic_year",
                f"the baseline is for {academic_year_label(due[0].academic_year)}, the academic year before the "
                f"school joined on {enrolled_on.isoformat()}, not {academic_year_label(period.academic_year)}",
            )
        return
    if period not in due:
        raise ImpossibleReturn(
            "period",
            f"{period.label} is outside the school's 18 months "
            f"({enrolled_on.isoformat()} to {programme_end(enrolled_on).isoformat()})",
        )
    if period.first_day > today:
        raise ImpossibleReturn("period", f"{period.label} has not begun yet (it starts {period.first_day.isoformat()})")
