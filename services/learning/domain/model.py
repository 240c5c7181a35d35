"""Module completions. Pure Python, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from contracts import ModuleCompleted

__all__ = ["EnrolledSchool", "ModuleCompletion"]


@dataclass(frozen=True)
class EnrolledSchool:
    """Learning's own copy of a school enrolment, kept from enrolment's events."""

    urn: str
    cohort_id: str


@dataclass(frozen=True)
class ModuleCompletion:
    """A staff member completed one module; a person completes each module at most once."""

    completion_id: UUID
    staff_id: UUID
    urn: str
    cohort_id: str
    module_number: int
    completed_at: datetime

    def completed_event(self) -> ModuleCompleted:
        return ModuleCompleted(
            completion_id=self.completion_id,
            staff_id=self.staff_id,
            urn=self.urn,
            cohort_id=self.cohort_id,
            module_number=self.module_number,
            completed_at=self.completed_at,
        )
