"""Reporting's read-model tables, through asyncpg."""

from __future__ import annotations

from collections import defaultdict
from uuid import UUID

import asyncpg

from contracts import ModuleCompleted, SchoolEnrolled
from runtime.database import AnyConnection
from runtime.unit_of_work import PostgresUnitOfWork
from services.reporting.domain.impact_returns import FIGURES, ImpactFigures, ImpactReturn
from services.reporting.domain.periods import Period
from services.reporting.domain.progress import ReportedSchool

__all__ = ["PostgresReportingUnitOfWork"]


def _school(row: asyncpg.Record) -> ReportedSchool:
    return ReportedSchool(
        urn=row["urn"], cohort_id=row["cohort_id"], school_name=row["school_name"], enrolled_on=row["enrolled_on"]
    )


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
        return [_school(row) for row in rows]

    async def completions(self, urns: list[str]) -> dict[str, list[tuple[UUID, int]]]:
        rows = await self._conn.fetch(
            "SELECT urn, staff_id, module_number FROM module_completions WHERE urn = ANY($1::text[])", urns
        )
        by_school: dict[str, list[tuple[UUID, int]]] = defaultdict(list)
        for row in rows:
            by_school[row["urn"]].append((row["staff_id"], row["module_number"]))
        return by_school


_RETURN_COLUMNS = "return_id, urn, cohort_id, academic_year, period, version, replaces, submitted_at, " + ", ".join(
    FIGURES
)


def _impact_return(row: asyncpg.Record) -> ImpactReturn:
    return ImpactReturn(
        return_id=row["return_id"],
        urn=row["urn"],
        cohort_id=row["cohort_id"],
        period=Period(row["academic_year"], row["period"]),
        version=row["version"],
        replaces=row["replaces"],
        figures=ImpactFigures(**{name: row[name] for name in FIGURES}),
        submitted_at=row["submitted_at"],
    )


class PostgresImpactReturns:
    def __init__(self, conn: AnyConnection) -> None:
        self._conn = conn

    async def school_for_update(self, urn: str) -> ReportedSchool | None:
        row = await self._conn.fetchrow(
            "SELECT urn, cohort_id, school_name, enrolled_on FROM schools WHERE urn = $1 FOR UPDATE", urn
        )
        return None if row is None else _school(row)

    async def versions_of(self, urn: str, cohort_id: str, period: Period) -> list[ImpactReturn]:
        rows = await self._conn.fetch(
            f"SELECT {_RETURN_COLUMNS} FROM impact_returns "
            "WHERE urn = $1 AND cohort_id = $2 AND academic_year = $3 AND period = $4 ORDER BY version",
            urn,
            cohort_id,
            period.academic_year,
            period.name,
        )
        return [_impact_return(row) for row in rows]

    async def add(self, submitted: ImpactReturn) -> None:
        placeholders = ", ".join(f"${n}" for n in range(1, 9 + len(FIGURES)))
        await self._conn.execute(
            f"INSERT INTO impact_returns ({_RETURN_COLUMNS}) VALUES ({placeholders})",
            submitted.return_id,
            submitted.urn,
            submitted.cohort_id,
            submitted.period.academic_year,
            submitted.period.name,
            submitted.version,
            submitted.replaces,
            submitted.submitted_at,
            *(getattr(submitted.figures, name) for name in FIGURES),
        )

    async def of_schools(self, urns: list[str]) -> dict[str, list[ImpactReturn]]:
        rows = await self._conn.fetch(
            f"SELECT {_RETURN_COLUMNS} FROM impact_returns WHERE urn = ANY($1::text[]) "
            "ORDER BY urn, academic_year, period, version",
            urns,
        )
        by_school: dict[str, list[ImpactReturn]] = defaultdict(list)
        for row in rows:
            by_school[row["urn"]].append(_impact_return(row))
        return by_school


class PostgresReportingUnitOfWork(PostgresUnitOfWork):
    progress: PostgresProgressReadModel
    impact: PostgresImpactReturns

    def _open_repositories(self, conn: AnyConnection) -> None:
        self.progress = PostgresProgressReadModel(conn)
        self.impact = PostgresImpactReturns(conn)
