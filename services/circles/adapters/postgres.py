"""Circles' tables, through asyncpg."""

from __future__ import annotations

from runtime.database import AnyConnection
from runtime.unit_of_work import PostgresUnitOfWork
from services.circles.domain.model import CircleSchool

__all__ = ["PostgresCirclesUnitOfWork"]


class PostgresSchoolRepository:
    def __init__(self, conn: AnyConnection) -> None:
        self._conn = conn

    async def get(self, urn: str) -> CircleSchool | None:
        row = await self._conn.fetchrow("SELECT urn, cohort_id, enrolled_on FROM schools WHERE urn = $1", urn)
        return None if row is None else CircleSchool(row["urn"], row["cohort_id"], row["enrolled_on"])

    async def save(self, school: CircleSchool) -> None:
        await self._conn.execute(
            "INSERT INTO schools (urn, cohort_id, enrolled_on) VALUES ($1, $2, $3) ON CONFLICT (urn) "
            "DO UPDATE SET cohort_id = EXCLUDED.cohort_id, enrolled_on = EXCLUDED.enrolled_on",
            school.urn,
            school.cohort_id,
            school.enrolled_on,
        )


class PostgresCirclesUnitOfWork(PostgresUnitOfWork):
    schools: PostgresSchoolRepository

    def _open_repositories(self, conn: AnyConnection) -> None:
        self.schools = PostgresSchoolRepository(conn)
