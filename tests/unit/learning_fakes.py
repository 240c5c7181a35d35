"""In-memory stand-ins for learning's repositories, for its handler unit tests only (no transactions needed:
the handlers under test commit or raise before anything is read back)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from services.learning.domain import model
from services.learning.domain.sessions import Session
from services.learning.domain.xapi import StoredStatement
from tests.unit.fakes import FakeTable, FakeUnitOfWork, NotFaked

__all__ = ["FakeLearningUnitOfWork"]


class FakeLearningSchools:
    def __init__(self) -> None:
        self.rows: dict[str, model.EnrolledSchool] = {}

    async def get(self, urn: str) -> model.EnrolledSchool | None:
        return self.rows.get(urn)

    async def save(self, school: model.EnrolledSchool) -> None:
        self.rows[school.urn] = school

    async def end(self, urn: str, cohort_id: str, status: model.SchoolStatus) -> bool:
        school = self.rows.get(urn)
        if school is None or school.cohort_id != cohort_id:
            return False
        self.rows[urn] = model.EnrolledSchool(urn, cohort_id, status)
        return True

    async def in_cohort(self, cohort_id: str) -> list[model.EnrolledSchool]:
        return [s for s in self.rows.values() if s.cohort_id == cohort_id]


class FakeStaff:
    def __init__(self) -> None:
        self.rows: dict[UUID, model.StaffMember] = {}

    async def get(self, staff_id: UUID) -> model.StaffMember | None:
        return self.rows.get(staff_id)

    async def save(self, member: model.StaffMember) -> None:
        self.rows[member.staff_id] = member

    async def record_leaving(self, staff_id: UUID, left_on: date) -> bool:
        member = self.rows.get(staff_id)
        if member is None:
            return False
        self.rows[staff_id] = model.StaffMember(
            member.staff_id, member.urn, member.cohort_id, member.role, member.starts_on, left_on
        )
        return True

    async def of_school(self, urn: str) -> list[model.StaffMember]:
        return [m for m in self.rows.values() if m.urn == urn]


class FakeStarts:
    def __init__(self) -> None:
        self.rows: dict[tuple[UUID, int], model.ModuleStart] = {}

    async def add(self, start: model.ModuleStart) -> bool:
        key = (start.staff_id, start.module_number)
        if key in self.rows:
            return False
        self.rows[key] = start
        return True

    async def find(self, staff_id: UUID, module_number: int) -> model.ModuleStart | None:
        return self.rows.get((staff_id, module_number))

    async def of_school(self, urn: str) -> list[model.ModuleStart]:
        return [s for s in self.rows.values() if s.urn == urn]


class FakeCompletions:
    def __init__(self, schools: FakeLearningSchools, staff: FakeStaff) -> None:
        self.rows: dict[tuple[UUID, int], model.ModuleCompletion] = {}
        self.withdrawn: dict[UUID, model.CompletionWithdrawal] = {}
        self._schools = schools
        self._staff = staff

    async def context(self, urn: str, staff_id: UUID, module_number: int) -> model.CompletionContext:
        return model.CompletionContext(
            self._schools.rows.get(urn), self._staff.rows.get(staff_id), self.rows.get((staff_id, module_number))
        )

    async def contexts(self, asked: Sequence[tuple[str, UUID, int]]) -> list[model.CompletionContext]:
        return [await self.context(*one) for one in asked]

    async def find(self, staff_id: UUID, module_number: int) -> model.ModuleCompletion | None:
        return self.rows.get((staff_id, module_number))

    async def get(self, completion_id: UUID) -> model.ModuleCompletion | None:
        return next((c for c in self.rows.values() if c.completion_id == completion_id), None)

    async def from_statement(self, statement_id: UUID) -> model.ModuleCompletion | None:
        return next((c for c in self.rows.values() if c.statement_id == statement_id), None)

    async def add(self, completion: model.ModuleCompletion) -> bool:
        key = (completion.staff_id, completion.module_number)
        if key in self.rows:
            return False
        self.rows[key] = completion
        return True

    async def add_all(self, completions: Sequence[model.ModuleCompletion]) -> set[UUID]:
        return {c.completion_id for c in completions if await self.add(c)}

    async def of_school(self, urn: str) -> list[model.ModuleCompletion]:
        return [c for c in self.rows.values() if c.urn == urn]

    async def withdraw(self, withdrawal: model.CompletionWithdrawal) -> None:
        c = withdrawal.completion
        del self.rows[(c.staff_id, c.module_number)]
        self.withdrawn[c.completion_id] = withdrawal

    async def was_withdrawn(self, completion_id: UUID) -> bool:
        return completion_id in self.withdrawn


class FakeModules:
    async def all(self) -> list[model.Module]:
        return []


class FakeActors:
    def __init__(self) -> None:
        self.rows: dict[str, UUID] = {}

    async def staff_of(self, actor_key: str) -> UUID | None:
        return self.rows.get(actor_key)

    async def add(self, actor_key: str, staff_id: UUID) -> None:
        self.rows[actor_key] = staff_id


class FakeStatements(FakeTable[UUID, StoredStatement]):
    def __init__(self) -> None:
        super().__init__(lambda statement: statement.statement_id)

    settle = FakeTable.add

    async def unmatched(self, actor_key: str | None = None) -> list[StoredStatement]:
        return [s for s in self.rows.values() if s.unmatched and actor_key in (None, s.actor_key)]


class FakeStatementBatches(NotFaked):
    """Batches of statements are set-based SQL: `plan_batch` is unit-tested alone, the writes against Postgres."""


class FakeSessions(FakeTable[UUID, Session]):
    def __init__(self) -> None:
        super().__init__(lambda session: session.session_id)
        self.plans: dict[str, list[date]] = {}

    async def planned_leadership_days(self, cohort_id: str) -> list[date] | None:
        days = self.plans.get(cohort_id)
        return None if days is None else list(days)

    async def plan_leadership_days(self, cohort_id: str, days: list[date]) -> None:
        self.plans.setdefault(cohort_id, list(days))

    async def move_planned_leadership_day(self, cohort_id: str, day_number: int, held_on: date) -> None:
        self.plans[cohort_id][day_number - 1] = held_on

    update = FakeTable.add

    async def leadership_day(self, cohort_id: str, day_number: int) -> Session | None:
        return next(
            (
                s
                for s in self.rows.values()
                if (s.cohort_id, s.day_number) == (cohort_id, day_number) and s.status != "cancelled"
            ),
            None,
        )

    async def of_cohort(self, cohort_id: str) -> list[Session]:
        return [s for s in self.rows.values() if s.cohort_id == cohort_id]

    async def of_school(self, urn: str, cohort_id: str) -> list[Session]:
        return [s for s in self.rows.values() if s.urn == urn or (s.urn is None and s.cohort_id == cohort_id)]


class FakeLearningUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.schools = FakeLearningSchools()
        self.staff = FakeStaff()
        self.starts = FakeStarts()
        self.completions = FakeCompletions(self.schools, self.staff)
        self.modules = FakeModules()
        self.actors = FakeActors()
        self.statements = FakeStatements()
        self.statement_batches = FakeStatementBatches()
        self.sessions = FakeSessions()
