"""Circles' own copies of what enrolment decided: schools, their cohorts' dates and their staff. Pure Python.

Only a school in an active cohort may change its circles, only on dates within its programme, and only its
registered staff who have started and not yet left on the circle's date may appear in one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal
from uuid import UUID

from services.circles.domain.errors import DateOutsideProgramme, SchoolNotActive, StaffNotOnRoster

__all__ = ["CircleSchool", "CohortDates", "ProgrammeSpan", "RosterMember", "SchoolStatus", "check_on_roster"]

SchoolStatus = Literal["active", "withdrawn", "completed"]


@dataclass(frozen=True)
class CohortDates:
    """A cohort's 18 months and how many circles it expects each half-term, from CohortCreated."""

    cohort_id: str
    starts_on: date
    ends_on: date
    circles_per_half_term: int = 1


@dataclass(frozen=True)
class ProgrammeSpan:
    """The days a school is in the programme: `ends_on` None while neither its cohort's end nor its own is known."""

    starts_on: date
    ends_on: date | None

    def contains(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


@dataclass(frozen=True)
class CircleSchool:
    """Circles' own copy of a school's current enrolment, kept from enrolment's events."""

    urn: str
    cohort_id: str
    enrolled_on: date
    status: SchoolStatus = "active"
    ended_on: date | None = None

    def require_active(self) -> None:
        if self.status != "active":
            raise SchoolNotActive(self.urn, self.status, self.ended_on)

    def span(self, cohort: CohortDates | None) -> ProgrammeSpan:
        """From joining (or the cohort's start, if later) to the cohort's end or the school's own, if earlier."""
        starts_on = max(self.enrolled_on, cohort.starts_on) if cohort else self.enrolled_on
        ends = [day for day in (cohort.ends_on if cohort else None, self.ended_on) if day is not None]
        return ProgrammeSpan(starts_on, min(ends) if ends else None)

    def check_date(self, field: str, day: date, cohort: CohortDates | None) -> None:
        span = self.span(cohort)
        if not span.contains(day):
            raise DateOutsideProgramme(field, day, self.urn, span.starts_on, span.ends_on)


@dataclass(frozen=True)
class RosterMember:
    """A staff member as circles knows them: `starts_on` stays None until their registration has arrived."""

    staff_id: UUID
    urn: str
    starts_on: date | None = None
    left_on: date | None = None


def check_on_roster(
    field: str, staff_ids: Iterable[UUID], urn: str, day: date, roster: Mapping[UUID, RosterMember]
) -> None:
    """Every one of `staff_ids` is registered at school `urn` and works there on `day`."""
    for staff_id in staff_ids:
        member = roster.get(staff_id)
        if member is None or member.urn != urn or member.starts_on is None:
            raise StaffNotOnRoster(field, staff_id, f"is not registered at school {urn}")
        if day < member.starts_on:
            raise StaffNotOnRoster(
                field, staff_id, f"only starts at school {urn} on {member.starts_on}, after the circle's date {day}"
            )
        if member.left_on is not None and member.left_on < day:
            raise StaffNotOnRoster(
                field, staff_id, f"left school {urn} on {member.left_on}, before the circle's date {day}"
            )
