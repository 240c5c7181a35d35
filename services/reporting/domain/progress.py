"""A school's progress through the online modules, worked out from its completions. Pure Python."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from contracts.events.learning import MODULE_COUNT

__all__ = ["ModuleProgress", "ReportedSchool", "SchoolProgress", "summarise_modules"]


@dataclass(frozen=True)
class ModuleProgress:
    """How far a school's staff are through the 15 modules."""

    module_completions: int
    staff_with_completions: int
    staff_completed_all: int
    completions_by_module: dict[int, int] = field(default_factory=dict)


def summarise_modules(completions: list[tuple[UUID, int]]) -> ModuleProgress:
    """`completions` are distinct (staff_id, module_number) pairs."""
    per_staff = Counter(staff for staff, _ in completions)
    per_module = Counter(module for _, module in completions)
    return ModuleProgress(
        module_completions=len(completions),
        staff_with_completions=len(per_staff),
        staff_completed_all=sum(1 for count in per_staff.values() if count >= MODULE_COUNT),
        completions_by_module={module: per_module.get(module, 0) for module in range(1, MODULE_COUNT + 1)},
    )


@dataclass(frozen=True)
class ReportedSchool:
    """A school as reporting knows it from enrolment's events."""

    urn: str
    cohort_id: str
    school_name: str
    enrolled_on: date


@dataclass(frozen=True)
class SchoolProgress:
    school: ReportedSchool
    modules: ModuleProgress
