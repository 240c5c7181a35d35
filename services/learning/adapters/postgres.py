"""Learning's tables, through asyncpg."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from runtime.database import AnyConnection
from runtime.unit_of_work import PostgresUnitOfWork
from services.learning.domain.model import EnrolledSchool, ModuleCompletion

__all__ = ["PostgresLearningUnitOfWork"]

_COMPLETION_COLUMNS = "completion_id, staff_id, urn, cohort_id, module_number, completed_at"


class PostgresSchoolRepository:
    def __init__(self, conn: AnyConnection) -> None:
        self._conn = conn

    async def get(self, urn: str) -> EnrolledSchool | None:
        row = await self._conn.fetchrow("SELECT urn, cohort_id FROM schools WHERE urn = $1", urn)
        return None if row is None else EnrolledSchool(urn=row["urn"], cohort_id=row["cohort_id"])

    async def save(self, school: EnrolledSchool) -> None:
        # A school re-enrolled into a later cohort moves there.
        await self._conn.execute(
            "INSERT INTO schools (urn, cohort_id) VALUES ($1, $2) "
            "ON CONFLICT (urn) DO UPDATE SET cohort_id = EXCLUDED.cohort_id",
            school.urn,
            school.cohort_id,
        )


class PostgresCompletionRepository:
    def __init__(self, conn: AnyConnection) -> None:
        self._conn = conn

    @staticmethod
    def _from_row(row: asyncpg.Record) -> ModuleCompletion:
        return ModuleCompletion(
            completion_id=row["completion_id"],
            staff_id=row["staff_id"],
            urn=row["urn"],
            cohort_id=row["cohort_id"],
            module_number=row["module_number"],
            completed_at=row["completed_at"],
        )

    async def find(self, staff_id: UUID, module_number: int) -> ModuleCompletion | None:
        row = await self._conn.fetchrow(
            f"SELECT {_COMPLETION_COLUMNS} FROM module_completions WHERE staff_id = $1 AND module_number = $2",
            staff_id,
            module_number,
        )
        return None if row is None else self._from_row(row)

    async def add(self, completion: ModuleCompletion) -> bool:
        # ON CONFLICT: a concurrent request recorded the same completion first; that one stands.
        inserted = await self._conn.fetchval(
            f"INSERT INTO module_completions ({_COMPLETION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) "
            "ON CONFLICT (staff_id, module_number) DO NOTHING RETURNING true",
            completion.completion_id,
            completion.staff_id,
            completion.urn,
            completion.cohort_id,
            completion.module_number,
            completion.completed_at,
        )
        return bool(inserted)

    async def of_school(self, urn: str) -> list[ModuleCompletion]:
        rows = await self._conn.fetch(
            f"SELECT {_COMPLETION_COLUMNS} FROM module_completions WHERE urn = $1 ORDER BY completed_at", urn
        )
        return [self._from_row(row) for row in rows]


class PostgresLearningUnitOfWork(PostgresUnitOfWork):
    schools: PostgresSchoolRepository
    completions: PostgresCompletionRepository

    def _open_repositories(self, conn: AnyConnection) -> None:
        self.schools = PostgresSchoolRepository(conn)
        self.completions = PostgresCompletionRepository(conn)
