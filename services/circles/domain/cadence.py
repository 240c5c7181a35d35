""" "At least one circle each half-term": per school, then rolled up per cohort. Pure Python.

Rules (what the issue left open, decided here):
- A school is expected to hold circles in every half-term with at least one day inside its programme span,
  from the half-term it joined in up to the one today falls in (or the one it withdrew or completed in).
- Only held circles count, towards the half-term their date falls in, last day included. A circle held in a
  holiday counts towards no half-term (the expectation is for circles in term time, with staff in school);
  the report still counts such circles, so nothing the school did is hidden.
- A half-term is `met` once enough circles were held in it (the cohort's `circles_per_half_term`, 1 by
  default); `missed` once it is over (or the school's programme ended) without them; otherwise `in_progress`,
  including on its last day, which is not over yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from contracts.calendar import HalfTerm, HalfTermCalendar
from services.circles.domain.model import ProgrammeSpan

__all__ = ["CohortHalfTerm", "HalfTermCadence", "HalfTermStatus", "SchoolCadence", "cohort_cadence", "school_cadence"]

HalfTermStatus = Literal["met", "missed", "in_progress"]


@dataclass(frozen=True)
class HalfTermCadence:
    """One half-term of one school: how many circles it held there, against how many were expected."""

    half_term: HalfTerm
    circles_held: int
    expected: int
    status: HalfTermStatus


@dataclass(frozen=True)
class SchoolCadence:
    urn: str
    half_terms: list[HalfTermCadence]
    held_in_holidays: int


def school_cadence(
    urn: str,
    calendar: HalfTermCalendar,
    span: ProgrammeSpan,
    held_on: Iterable[date],
    expected: int,
    today: date,
) -> SchoolCadence:
    """The half-terms of `urn`'s programme up to `today`, each with its circles held on the dates `held_on`."""
    last = today if span.ends_on is None else min(today, span.ends_on)
    counts: dict[str, int] = {}
    in_holidays = 0
    for day in held_on:
        if not span.contains(day):
            continue
        half_term = calendar.half_term_of(day)
        if half_term is None:
            in_holidays += 1
        else:
            counts[half_term.half_term_id] = counts.get(half_term.half_term_id, 0) + 1
    ended = span.ends_on is not None and span.ends_on < today
    rows: list[HalfTermCadence] = []
    for half_term in calendar.overlapping(span.starts_on, last) if span.starts_on <= last else []:
        held = counts.get(half_term.half_term_id, 0)
        status: HalfTermStatus
        if held >= expected:
            status = "met"
        elif half_term.ends_on < today or ended:
            status = "missed"
        else:
            status = "in_progress"
        rows.append(HalfTermCadence(half_term, held, expected, status))
    return SchoolCadence(urn, rows, in_holidays)


@dataclass(frozen=True)
class CohortHalfTerm:
    """One half-term across a cohort: which of its schools met it, missed it, or still can."""

    half_term: HalfTerm
    met: list[str]
    missed: list[str]
    in_progress: list[str]

    @property
    def schools_expected(self) -> int:
        return len(self.met) + len(self.missed) + len(self.in_progress)


def cohort_cadence(schools: Iterable[SchoolCadence]) -> list[CohortHalfTerm]:
    """Every half-term any school of the cohort was expected in, in date order, with the URNs in each state."""
    by_half_term: dict[HalfTerm, dict[HalfTermStatus, list[str]]] = {}
    for cadence in schools:
        for row in cadence.half_terms:
            states = by_half_term.setdefault(row.half_term, {"met": [], "missed": [], "in_progress": []})
            states[row.status].append(cadence.urn)
    return [
        CohortHalfTerm(half_term, sorted(s["met"]), sorted(s["missed"]), sorted(s["in_progress"]))
        for half_term, s in sorted(by_half_term.items())
    ]
