"""Orders the programme team gives enrolment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["CreateCohort", "EnrolSchool"]


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
