"""Orders the programme team gives enrolment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from contracts.events.enrolment import StaffRole

__all__ = [
    "CreateCohort",
    "EnrolSchool",
    "EraseExpiredPersonalData",
    "RecordStaffLeaving",
    "RegisterStaff",
    "WithdrawSchool",
]


@dataclass(frozen=True)
class CreateCohort:
    cohort_id: str
    name: str
    starts_on: date


@dataclass(frozen=True)
class EnrolSchool:
    urn: str
    school_name: str
    cohort_id: str
    enrolled_on: date


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
