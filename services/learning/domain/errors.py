"""Learning's errors; the HTTP edge turns them into 400, 404, 409 and 422 answers."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from runtime.errors import Conflict, Invalid, NotFound, PlatformError

__all__ = [
    "ActorAlreadyMapped",
    "BatchTooLarge",
    "CohortNotKnown",
    "CompletionAlreadyWithdrawn",
    "CompletionNotFound",
    "LearningError",
    "MalformedStatement",
    "SchoolNotActive",
    "SchoolNotEnrolled",
    "SessionConflict",
    "SessionNotFound",
    "SessionRefused",
    "StaffHasLeft",
    "StaffNotRegistered",
    "StatementConflict",
    "StatementNotFound",
    "StatementsBusy",
]


class LearningError(PlatformError):
    """Base of learning's errors."""


class SchoolNotEnrolled(LearningError, NotFound):
    def __init__(self, urn: str) -> None:
        super().__init__(f"school {urn} is not enrolled in the programme")


class SchoolNotActive(LearningError, Conflict):
    def __init__(self, urn: str, status: str) -> None:
        super().__init__(f"school {urn} is {status}, no longer active in the programme")


class CohortNotKnown(LearningError, NotFound):
    def __init__(self, cohort_id: str) -> None:
        super().__init__(f"cohort {cohort_id!r} has no schools enrolled")


class StaffNotRegistered(LearningError, Invalid):
    def __init__(self, staff_id: UUID, urn: str | None = None) -> None:
        at = f" at school {urn}" if urn else ""
        super().__init__(f"staff_id {staff_id} is not registered{at} (register them in enrolment first)")


class StaffHasLeft(LearningError, Invalid):
    def __init__(self, staff_id: UUID, urn: str, left_on: date) -> None:
        super().__init__(
            f"staff_id {staff_id} left school {urn} on {left_on.isoformat()}; later learning does not count"
        )


class CompletionNotFound(LearningError, NotFound):
    def __init__(self, completion_id: UUID) -> None:
        super().__init__(f"completion {completion_id} is not recorded")


class CompletionAlreadyWithdrawn(LearningError, Conflict):
    def __init__(self, completion_id: UUID) -> None:
        super().__init__(f"completion {completion_id} was already withdrawn")


class MalformedStatement(LearningError):
    """An xAPI request that does not follow the specification: HTTP 400, as xAPI requires."""


class BatchTooLarge(MalformedStatement):
    """More statements in one request than learning takes at once: HTTP 413."""

    def __init__(self, count: int, limit: int) -> None:
        super().__init__(f"the batch has {count} statements; send at most {limit} per request, in several requests")


class StatementConflict(LearningError, Conflict):
    def __init__(self, statement_id: UUID) -> None:
        super().__init__(f"statement {statement_id} is already stored with different content")


class StatementsBusy(LearningError, Conflict):
    def __init__(self) -> None:
        super().__init__(
            "other requests kept storing the same statements or completions while this batch was written; "
            "nothing of it was kept: send it again"
        )


class StatementNotFound(LearningError, NotFound):
    def __init__(self, statement_id: UUID, *, voided: bool) -> None:
        which = "voided statement" if voided else "statement (that is not voided)"
        super().__init__(f"no {which} {statement_id} is stored")


class ActorAlreadyMapped(LearningError, Conflict):
    def __init__(self, staff_id: UUID) -> None:
        super().__init__(f"this actor is already mapped to staff_id {staff_id}")


class SessionNotFound(LearningError, NotFound):
    def __init__(self, session_id: UUID) -> None:
        super().__init__(f"session {session_id} does not exist")


class SessionRefused(LearningError, Invalid):
    """A session cannot be scheduled, moved, held or cancelled as asked; the message names the field."""


class SessionConflict(LearningError, Conflict):
    """The session's state forbids the change (cancelled, already held, day already scheduled)."""
