"""Reporting's read-model tables, through asyncpg."""

from __future__ import annotations

from collections import defaultdict
from uuid import UUID

from contracts import ModuleCompleted, SchoolEnrolled
from runtime.database import AnyConnection
from runtime.unit_of_work import PostgresUnitOfWork
from services.reporting.domain.progress import ReportedSchool

__all__ = ["PostgresReportingUnitOfWork"]


class PostgresProgressReadModel:
    def __init__(self, conn: AnyConnection) -> None:
        self._conn = conn

    async def add_school(self, event: SchoolEnrolled) -> None:
        await self._conn.execute(
            "INSERT INTO schools (urn, cohort_id, school_name, enrolled_on) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (urn) DO UPDATE SET cohort_id = EXCLUDED.cohort_id, "
            "school_name = EXCLUDED.school_name, enrolled_on = EXCLUDED.enrolled_on",
            event.urn,
            event.cohort_id,
            event.school_name,
            event.enrolled_on,
        )

    async def add_completion(self, event: ModuleCompleted) -> None:
        await self._conn.execute(
            "INSERT INTO module_completions (staff_id, module_number, urn, cohort_id, completed_at) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (staff_id, module_number) DO NOTHING",
            event.staff_id,
            event.module_number,
            event.urn,
            event.cohort_id,
            event.completed_at,
        )

    async def schools(self, cohort_id: str | None = None, urn: str | None = None) -> list[ReportedSchool]:
        rows = await self._conn.fetch(
            "SELECT urn, cohort_id, school_name, enrolled_on FROM schools "
            "WHERE ($1::text IS NULL OR cohort_id = $1) AND ($2::text IS NULL OR urn = $2) "
            "ORDER BY cohort_id, school_name",
            cohort_id,
            urn,
        )
        return [
            ReportedSchool(
                urn=row["urn"],
                cohort_id=row["cohort_id"],
                school_name=row["school_name"],
                enrolled_on=row["enrolled_on"],
            )
            for row in rows
        ]

    async def completions(self, urns: list[str]) -> dict[str, list[tuple[UUID, int]]]:
        rows = await self._conn.fetch(
            "SELECT urn, staff_id, module_number FROM module_completions WHERE urn = ANY($1::text[])", urns
        )
        by_school: dict[str, list[tuple[UUID, int]]] = defaultdict(list)
        for row in rows:
            by_school[row["urn"]].append((row["staff_id"], row["module_number"]))
        return by_school


class PostgresReportingUnitOfWork(PostgresUnitOfWork):
    progress: PostgresProgressReadModel

    def _open_repositories(self, conn: AnyConnection) -> None:
        self.progress = PostgresProgressReadModel(conn)
