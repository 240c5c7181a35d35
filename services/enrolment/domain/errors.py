"""Enrolment's errors; the HTTP edge turns them into 404 and 409 answers."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from runtime.errors import Conflict, Invalid, NotFound, PlatformError

__all__ = [
    "CohortAlreadyExists",
    "CohortNotFound",
    "EnrolmentError",
    "SchoolAlreadyEnrolled",
    "SchoolNotFound",
]


class EnrolmentError(PlatformError):
    """Base of enrolment's errors."""


class CohortNotFound(EnrolmentError, NotFound):
    def __init__(self, cohort_id: str) -> None:
        super().__init__(f"cohort {cohort_id!r} does not exist")


class CohortAlreadyExists(EnrolmentError, Conflict):
    def __init__(self, cohort_id: str) -> None:
        super().__init__(f"cohort {cohort_id!r} already exists")


class SchoolNotFound(EnrolmentError, NotFound):
    def __init__(self, urn: str) -> None:
        super().__init__(f"school {urn} is not enrolled")


class SchoolAlreadyEnrolled(EnrolmentError, Conflict):
    def __init__(self, urn: str, cohort_id: str) -> None:
        super().__init__(f"school {urn} is already enrolled in active cohort {cohort_id!r}")


class SchoolNotActive(EnrolmentError, Conflict):
    def __init__(self, urn: str, status: str) -> None:
        super().__init__(f"school {urn} is {status}, not active in the programme")


class StaffNotFound(EnrolmentError, NotFound):
    def __init__(self, staff_id: UUID) -> None:
        super().__init__(f"staff member {staff_id} is not registered at this school")


class StaffAlreadyLeft(EnrolmentError, Conflict):
    def __init__(self, staff_id: UUID, left_on: date) -> None:
        super().__init__(f"staff member {staff_id} already left on {left_on.isoformat()}")


class LeavingBeforeStarting(EnrolmentError, Invalid):
    def __init__(self, left_on: date, starts_on: date) -> None:
        super().__init__(f"left_on {left_on.isoformat()} is before the start date {starts_on.isoformat()}")


class StaffAlreadyRegistered(EnrolmentError, Conflict):
    def __init__(self, urn: str) -> None:
        super().__init__(f"a staff member with this email is already registered at school {urn}")
