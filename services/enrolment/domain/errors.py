"""Enrolment's errors; the HTTP edge turns them into 404 and 409 answers."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from runtime.errors import Conflict, Invalid, NotFound, PlatformError

__all__ = [
    "CohortAlreadyExists",
    "CohortEnded",
    "CohortNotFound",
    "CohortNotOver",
    "EnrolmentDateRefused",
    "EnrolmentError",
    "LeadershipDayNotFound",
    "LeadershipDayOutOfPlace",
    "LeavingBeforeStarting",
    "PlanDoesNotFit",
    "SameUrn",
    "SchoolAlreadyEnrolled",
    "SchoolNotActive",
    "SchoolNotFound",
    "SchoolWasInCohort",
    "StaffAlreadyLeft",
    "StaffAlreadyRegistered",
    "StaffNotFound",
    "UnreadableExtract",
    "UrnChangedBeforeEnrolment",
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


class PlanDoesNotFit(EnrolmentError, Invalid):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("the programme plan does not fit the cohort's 18 months: " + "; ".join(problems))
        self.problems = problems


class LeadershipDayNotFound(EnrolmentError, NotFound):
    def __init__(self, cohort_id: str, number: int, count: int) -> None:
        super().__init__(f"cohort {cohort_id!r} has leadership days 1 to {count}, not {number}")


class CohortEnded(EnrolmentError, Conflict):
    def __init__(self, cohort_id: str, ended_on: date) -> None:
        super().__init__(f"cohort {cohort_id!r} ended on {ended_on.isoformat()}; enrol the school in a later cohort")


class CohortNotOver(EnrolmentError, Conflict):
    def __init__(self, urn: str, cohort_id: str, ends_on: date) -> None:
        super().__init__(f"school {urn} cannot complete before cohort {cohort_id!r} ends on {ends_on.isoformat()}")


class SameUrn(EnrolmentError, Invalid):
    def __init__(self, urn: str) -> None:
        super().__init__(f"successor_urn: {urn} is the school's current URN")


class SchoolWasInCohort(EnrolmentError, Conflict):
    def __init__(self, urn: str, cohort_id: str, status: str) -> None:
        super().__init__(
            f"school {urn} was already in cohort {cohort_id!r} ({status}); it can join a later cohort instead"
        )


class UnreadableExtract(EnrolmentError, Invalid):
    def __init__(self, problem: str) -> None:
        super().__init__(f"not a Get Information about Schools extract: {problem}")


class UrnChangedBeforeEnrolment(EnrolmentError, Invalid):
    def __init__(self, changed_on: date, enrolled_on: date) -> None:
        super().__init__(
            f"changed_on: {changed_on.isoformat()} is before the school enrolled on {enrolled_on.isoformat()}"
        )


class LeadershipDayOutOfPlace(EnrolmentError, Invalid):
    def __init__(self, held_on: date, problem: str) -> None:
        super().__init__(f"held_on: {held_on.isoformat()} {problem}")


class EnrolmentDateRefused(EnrolmentError, Invalid):
    """A back-dated enrolment on a day it could not have happened."""

    def __init__(self, enrolled_on: date, reason: str) -> None:
        super().__init__(f"enrolled_on: {enrolled_on} {reason}")
