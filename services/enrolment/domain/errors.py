"""Enrolment's errors; the HTTP edge turns them into 404 and 409 answers."""

from __future__ import annotations

from runtime.errors import Conflict, NotFound, PlatformError

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
