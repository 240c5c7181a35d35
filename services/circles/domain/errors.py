"""Circles' errors; the HTTP edge turns them into 404, 409 and 422 answers with their message.

Every message names the field, staff id, URN or circle it is about, so the caller knows what to correct.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from runtime.errors import Conflict, Invalid, NotFound, PlatformError

__all__ = [
    "CircleNotFound",
    "CircleNotScheduled",
    "CirclesError",
    "CohortNotKnown",
    "DateOutsideProgramme",
    "HeldInTheFuture",
    "IncompleteFidelityChecklist",
    "ModuleOnlyForReflectiveCircles",
    "MoreParticipantsNamedThanCounted",
    "ParticipantNamedTwice",
    "SameDate",
    "SchoolNotActive",
    "SchoolNotKnown",
    "StaffNotOnRoster",
]


class CirclesError(PlatformError):
    """Base of circles' errors."""


class SchoolNotKnown(CirclesError, NotFound):
    def __init__(self, urn: str) -> None:
        super().__init__(f"school {urn} is not enrolled, so it cannot hold programme circles")


class CohortNotKnown(CirclesError, NotFound):
    def __init__(self, cohort_id: str) -> None:
        super().__init__(f"cohort {cohort_id!r} has no schools enrolled")


class CircleNotFound(CirclesError, NotFound):
    def __init__(self, urn: str, circle_id: UUID) -> None:
        super().__init__(f"circle {circle_id} is not one of school {urn}'s circles")


class SchoolNotActive(CirclesError, Conflict):
    def __init__(self, urn: str, status: str, ended_on: date | None) -> None:
        when = f" on {ended_on}" if ended_on else ""
        super().__init__(
            f"school {urn} was {status}{when}: it is no longer in an active cohort, so its circles cannot change"
        )


class CircleNotScheduled(CirclesError, Conflict):
    def __init__(self, circle_id: UUID, status: str, when: date | None, wanted: str) -> None:
        on = f" on {when}" if when else ""
        super().__init__(f"circle {circle_id} was already {status}{on}, so it cannot be {wanted}")


class SameDate(CirclesError, Conflict):
    def __init__(self, circle_id: UUID, day: date) -> None:
        super().__init__(f"circle {circle_id} is already scheduled for {day}")


class StaffNotOnRoster(CirclesError, Invalid):
    """A staff id the school is not allowed to name on that date: unknown there, not started yet, or left."""

    def __init__(self, field: str, staff_id: UUID, why: str) -> None:
        super().__init__(f"{field}: staff {staff_id} {why}")


class DateOutsideProgramme(CirclesError, Invalid):
    def __init__(self, field: str, day: date, urn: str, starts_on: date, ends_on: date | None) -> None:
        span = f"{starts_on} to {ends_on}" if ends_on else f"from {starts_on}"
        super().__init__(f"{field}: {day} is outside school {urn}'s programme ({span})")


class HeldInTheFuture(CirclesError, Invalid):
    def __init__(self, day: date, today: date) -> None:
        super().__init__(f"held_on: {day} is after today ({today}); a circle is recorded once it has been held")


class ModuleOnlyForReflectiveCircles(CirclesError, Invalid):
    def __init__(self, kind: str) -> None:
        super().__init__(f"module_number: only a reflective circle names a module, and this one is {kind}")


class MoreParticipantsNamedThanCounted(CirclesError, Invalid):
    def __init__(self, count: int, named: int) -> None:
        super().__init__(f"participant_count: {count} is fewer than the {named} participant_staff_ids given")


class IncompleteFidelityChecklist(CirclesError, Invalid):
    def __init__(self, why: str) -> None:
        super().__init__(f"fidelity: {why}")


class ParticipantNamedTwice(CirclesError, Invalid):
    def __init__(self, staff_id: UUID) -> None:
        super().__init__(f"participant_staff_ids: staff {staff_id} is named more than once")
