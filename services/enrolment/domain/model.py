"""Cohorts and school enrolments, as the programme team thinks of them. Pure Python, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from contracts import SchoolEnrolled
from services.enrolment.domain.errors import SchoolAlreadyEnrolled

__all__ = ["Cohort", "SchoolEnrolment", "enrol"]


@dataclass(frozen=True)
class Cohort:
    """A group of schools that run the 18-month programme together."""

    cohort_id: str
    name: str
    starts_on: date


@dataclass(frozen=True)
class SchoolEnrolment:
    """A school's place in a cohort; `status` is active until it is withdrawn or completes."""

    urn: str
    school_name: str
    cohort_id: str
    enrolled_on: date
    status: str = "active"

    def enrolled_event(self) -> SchoolEnrolled:
        return SchoolEnrolled(
            urn=self.urn, cohort_id=self.cohort_id, school_name=self.school_name, enrolled_on=self.enrolled_on
        )


def enrol(cohort: Cohort, urn: str, school_name: str, current: SchoolEnrolment | None, today: date) -> SchoolEnrolment:
    """Enrol a school into `cohort`; a school is in at most one active cohort at a time."""
    if current is not None and current.status == "active":
        raise SchoolAlreadyEnrolled(urn, current.cohort_id)
    return SchoolEnrolment(urn=urn, school_name=school_name, cohort_id=cohort.cohort_id, enrolled_on=today)
