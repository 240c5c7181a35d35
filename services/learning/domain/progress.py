"""Module progress of a staff member, a school and a cohort, counting only current staff. Pure Python, no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from contracts.events.learning import MODULE_COUNT
from services.learning.domain.model import ModuleCompletion, ModuleStart, StaffMember

__all__ = ["SchoolModuleProgress", "StaffModuleProgress", "school_progress", "staff_progress"]


@dataclass(frozen=True)
class StaffModuleProgress:
    """Which modules one staff member has started and completed."""

    staff_id: UUID
    current: bool
    started: tuple[int, ...]
    completed: tuple[int, ...]

    @property
    def completed_all(self) -> bool:
        return len(self.completed) == MODULE_COUNT


@dataclass(frozen=True)
class SchoolModuleProgress:
    """How a school's current staff stand: per module, and how many finished all 15."""

    current_staff: int
    staff_started: int
    staff_completed_all: int
    completions_by_module: dict[int, int] = field(default_factory=dict)

    @staticmethod
    def combine(schools: Iterable[SchoolModuleProgress]) -> SchoolModuleProgress:
        """The cohort's figures: the sum of its schools' (a person belongs to one school)."""
        total = SchoolModuleProgress(0, 0, 0, {n: 0 for n in range(1, MODULE_COUNT + 1)})
        for school in schools:
            total = SchoolModuleProgress(
                total.current_staff + school.current_staff,
                total.staff_started + school.staff_started,
                total.staff_completed_all + school.staff_completed_all,
                {
                    n: total.completions_by_module[n] + school.completions_by_module[n]
                    for n in total.completions_by_module
                },
            )
        return total


def staff_progress(
    member: StaffMember, starts: Iterable[ModuleStart], completions: Iterable[ModuleCompletion], today: date
) -> StaffModuleProgress:
    completed = sorted({c.module_number for c in completions if c.staff_id == member.staff_id})
    # Completing a module means it was started, even when the platform never said so.
    started = sorted({s.module_number for s in starts if s.staff_id == member.staff_id} | set(completed))
    return StaffModuleProgress(member.staff_id, member.is_current_on(today), tuple(started), tuple(completed))


def school_progress(
    staff: Iterable[StaffMember], starts: Iterable[ModuleStart], completions: Iterable[ModuleCompletion], today: date
) -> SchoolModuleProgress:
    """Figures over the staff current on `today`; leavers' learning stays recorded but no longer counts."""
    current = {member.staff_id for member in staff if member.is_current_on(today)}
    completed: dict[UUID, set[int]] = {staff_id: set() for staff_id in current}
    for completion in completions:
        if completion.staff_id in current:
            completed[completion.staff_id].add(completion.module_number)
    started = {s.staff_id for s in starts if s.staff_id in current} | {s for s, done in completed.items() if done}
    by_module = {n: sum(1 for done in completed.values() if n in done) for n in range(1, MODULE_COUNT + 1)}
    return SchoolModuleProgress(
        current_staff=len(current),
        staff_started=len(started),
        staff_completed_all=sum(1 for done in completed.values() if len(done) == MODULE_COUNT),
        completions_by_module=by_module,
    )
