"""In-memory stand-ins for learning's repositories, for its handler unit tests only (no transactions needed:
the handlers under test commit or raise before anything is read back)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from services.learning.domain.model import (
    CompletionWithdrawal,
    EnrolledSchool,
    ModuleCompletion,
    ModuleStart,
    SchoolStatus,
    StaffMember,
)
from tests.unit.fakes import FakeUnitOfWork

__all__ = ["FakeLearningUnitOfWork"]


class FakeLearningSchools:
    def __init__(self) -> None:
        self.rows: dict[str, EnrolledSchool] = {}

    async def get(self, urn: str) -> EnrolledSchool | None:
        return self.rows.get(urn)

    async def save(self, school: EnrolledSchool) -> None:
        self.rows[school.urn] = school

    async def end(self, urn: str, cohort_id: str, status: SchoolStatus) -> bool:
        school = self.rows.get(urn)
        if school is None or school.cohort_id != cohort_id:
            return False
        self.rows[urn] = EnrolledSchool(urn, cohort_id, status)
        return True

    async def in_cohort(self, cohort_id: str) -> list[EnrolledSchool]:
        return [s for s in self.rows.values() if s.cohort_id == cohort_id]


class FakeStaff:
    def __init__(self) -> None:
        self.rows: dict[UUID, StaffMember] = {}

    async def get(self, staff_id: UUID) -> StaffMember | None:
        return self.rows.get(staff_id)

    async def save(self, member: StaffMember) -> None:
        self.rows[member.staff_id] = member

    async def record_leaving(self, staff_id: UUID, left_on: date) -> bool:
        member = self.rows.get(staff_id)
        if member is None:
            return False
        self.rows[staff_id] = StaffMember(
            member.staff_id, member.urn, member.cohort_id, member.role, member.starts_on, left_on
        )
        return True

    async def of_school(self, urn: str) -> list[StaffMember]:
        return [m for m in self.rows.values() if m.urn == urn]


class FakeStarts:
    def __init__(self) -> None:
        self.rows: dict[tuple[UUID, int], ModuleStart] = {}

    async def add(self, start: ModuleStart) -> bool:
        key = (start.staff_id, start.module_number)
        if key in self.rows:
            return False
        self.rows[key] = start
        return True

    async def find(self, staff_id: UUID, module_number: int) -> ModuleStart | None:
        return self.rows.get((staff_id, module_number))

    async def of_school(self, urn: str) -> list[ModuleStart]:
        return [s for s in self.rows.values() if s.urn == urn]


class FakeCompletions:
    def __init__(self) -> None:
        self.rows: dict[tuple[UUID, int], ModuleCompletion] = {}
        self.withdrawn: dict[UUID, CompletionWithdrawal] = {}

    async def find(self, staff_id: UUID, module_number: int) -> ModuleCompletion | None:
        return self.rows.get((staff_id, module_number))

    async def get(self, completion_id: UUID) -> ModuleCompletion | None:
        return next((c for c in self.rows.values() if c.completion_id == completion_id), None)

    async def from_statement(self, statement_id: UUID) -> ModuleCompletion | None:
        return next((c for c in self.rows.values() if c.statement_id == statement_id), None)

    async def add(self, completion: ModuleCompletion) -> bool:
        key = (completion.staff_id, completion.module_number)
        if key in self.rows:
            return False
        self.rows[key] = completion
        return True

    async def of_school(self, urn: str) -> list[ModuleCompletion]:
        return [c for c in self.rows.values() if c.urn == urn]

    async def withdraw(self, withdrawal: CompletionWithdrawal) -> None:
        c = withdrawal.completion
        del self.rows[(c.staff_id, c.module_number)]
        self.withdrawn[c.completion_id] = withdrawal

    async def was_withdrawn(self, completion_id: UUID) -> bool:
        return completion_id in self.withdrawn


class FakeLearningUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.schools = FakeLearningSchools()
        self.staff = FakeStaff()
        self.starts = FakeStarts()
        self.completions = FakeCompletions()
