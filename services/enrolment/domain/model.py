"""Cohorts and school enrolments, as the programme team thinks of them. Pure Python, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID

from contracts import SchoolEnrolled, SchoolWithdrawn, StaffLeft, StaffRegistered
from contracts.events.enrolment import StaffRole
from services.enrolment.domain.errors import (
    LeavingBeforeStarting,
    SchoolAlreadyEnrolled,
    SchoolNotActive,
    StaffAlreadyLeft,
)

__all__ = ["Cohort", "SchoolEnrolment", "StaffMember", "enrol", "personal_data_expired"]


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
    ended_on: date | None = None

    def enrolled_event(self) -> SchoolEnrolled:
        return SchoolEnrolled(
            urn=self.urn, cohort_id=self.cohort_id, school_name=self.school_name, enrolled_on=self.enrolled_on
        )

    def require_active(self) -> None:
        if self.status != "active":
            raise SchoolNotActive(self.urn, self.status)

    def withdraw(self, today: date) -> tuple[SchoolEnrolment, SchoolWithdrawn]:
        self.require_active()
        withdrawn = replace(self, status="withdrawn", ended_on=today)
        return withdrawn, SchoolWithdrawn(urn=self.urn, cohort_id=self.cohort_id, withdrawn_on=today)


@dataclass(frozen=True)
class StaffMember:
    """Someone at an enrolled school. Their name and email never leave enrolment; `staff_id` does."""

    staff_id: UUID
    urn: str
    name: str | None
    email: str | None
    role: StaffRole
    starts_on: date
    left_on: date | None = None

    def registered_event(self, cohort_id: str) -> StaffRegistered:
        return StaffRegistered(
            staff_id=self.staff_id, urn=self.urn, cohort_id=cohort_id, role=self.role, starts_on=self.starts_on
        )

    def leave(self, left_on: date) -> tuple[StaffMember, StaffLeft]:
        if self.left_on is not None:
            raise StaffAlreadyLeft(self.staff_id, self.left_on)
        if left_on < self.starts_on:
            raise LeavingBeforeStarting(left_on, self.starts_on)
        return replace(self, left_on=left_on), StaffLeft(staff_id=self.staff_id, urn=self.urn, left_on=left_on)


def enrol(cohort: Cohort, urn: str, school_name: str, current: SchoolEnrolment | None, today: date) -> SchoolEnrolment:
    """Enrol a school into `cohort`; a school is in at most one active cohort at a time."""
    if current is not None and current.status == "active":
        raise SchoolAlreadyEnrolled(urn, current.cohort_id)
    return SchoolEnrolment(urn=urn, school_name=school_name, cohort_id=cohort.cohort_id, enrolled_on=today)


def personal_data_expired(school: SchoolEnrolment, today: date, keep_days: int) -> bool:
    """Whether a school's staff names and emails are past keeping: it ended more than `keep_days` ago."""
    return school.status != "active" and school.ended_on is not None and (today - school.ended_on).days > keep_days
