"""The half-term calendar for England: which half-term a date falls in. Pure Python.

A half-term runs from its first to its last day of teaching, both included (weekends inside it belong to it).
The days between half-terms are holidays and belong to no half-term.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

__all__ = ["HalfTerm", "HalfTermCalendar"]


@dataclass(frozen=True, order=True)
class HalfTerm:
    """One half-term, e.g. the second half of the autumn term 2026-27 (`2026-27-autumn-2`)."""

    starts_on: date
    ends_on: date
    academic_year: str
    name: str

    @property
    def half_term_id(self) -> str:
        return f"{self.academic_year}-{self.name}"

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class HalfTermCalendar:
    """The half-terms in date order; refuses a calendar whose half-terms overlap, run backwards or repeat."""

    def __init__(self, half_terms: Iterable[HalfTerm]) -> None:
        self.half_terms: tuple[HalfTerm, ...] = tuple(sorted(half_terms))
        ids: set[str] = set()
        for half_term in self.half_terms:
            if half_term.ends_on < half_term.starts_on:
                raise ValueError(f"half-term {half_term.half_term_id} ends before it starts")
            if half_term.half_term_id in ids:
                raise ValueError(f"half-term {half_term.half_term_id} appears twice")
            ids.add(half_term.half_term_id)
        for earlier, later in zip(self.half_terms, self.half_terms[1:], strict=False):
            if later.starts_on <= earlier.ends_on:
                raise ValueError(f"half-terms {earlier.half_term_id} and {later.half_term_id} overlap")
        self._starts = [half_term.starts_on for half_term in self.half_terms]

    def half_term_of(self, day: date) -> HalfTerm | None:
        """The half-term `day` falls in, or None in a holiday (or outside the calendar)."""
        index = bisect_right(self._starts, day) - 1
        if index < 0:
            return None
        half_term = self.half_terms[index]
        return half_term if half_term.contains(day) else None

    def overlapping(self, first: date, last: date) -> list[HalfTerm]:
        """The half-terms with at least one day from `first` to `last`, both included."""
        return [term for term in self.half_terms if term.starts_on <= last and first <= term.ends_on]
