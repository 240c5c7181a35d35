"""Orders the programme team gives enrolment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from contracts.events.enrolment import SchoolPhase, StaffRole
from contracts.programme import PlanTargets
from services.enrolment.domain.gias import GiasEstablishment

__all__ = [
    "ChangeUrn",
    "CompleteSchool",
    "CreateCohort",
    "EnrolSchool",
    "EraseExpiredPersonalData",
    "Headteacher",
    "ImportSchools",
    "RecordStaffLeaving",
    "RegisterStaff",
    "RescheduleLeadershipDay",
    "WithdrawSchool",
]


@dataclass(frozen=True)
class CreateCohort:
    cohort_id: str
    name: str
    local_authority: str
    starts_on: date
    targets: PlanTargets = field(default_factory=PlanTargets)
    leadership_days: tuple[date, ...] | None = None  # None: the programme's default dates


@dataclass(frozen=True)
class RescheduleLeadershipDay:
    cohort_id: str
    number: int
    held_on: date


@dataclass(frozen=True)
class Headteacher:
    name: str
    email: str


@dataclass(frozen=True)
class EnrolSchool:
    urn: str
    school_name: str
    cohort_id: str
    enrolled_on: date
    phase: SchoolPhase | None = None
    local_authority: str | None = None
    headteacher: Headteacher | None = None
    # The enrolment is recorded as of an earlier day (a cohort joined months ago; the demo).
    back_dated: bool = False


@dataclass(frozen=True)
class ImportSchools:
    """Enrol the open schools of a Get Information about Schools extract (already read into rows)."""

    cohort_id: str
    establishments: tuple[GiasEstablishment, ...]
    enrolled_on: date
    # Only say what an import would do (the console's check-your-answers page); write nothing.
    check_only: bool = False


@dataclass(frozen=True)
class CompleteSchool:
    urn: str
    completed_on: date


@dataclass(frozen=True)
class ChangeUrn:
    urn: str
    successor_urn: str
    changed_on: date


@dataclass(frozen=True)
class RegisterStaff:
    urn: str
    name: str
    email: str
    role: StaffRole
    starts_on: date


@dataclass(frozen=True)
class RecordStaffLeaving:
    urn: str
    staff_id: UUID
    left_on: date


@dataclass(frozen=True)
class WithdrawSchool:
    urn: str
    reason: str
    withdrawn_on: date


@dataclass(frozen=True)
class EraseExpiredPersonalData:
    today: date
    keep_days: int
