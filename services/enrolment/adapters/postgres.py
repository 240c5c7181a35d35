"""Enrolment's tables, through asyncpg."""

from __future__ import annotations

import asyncpg

from runtime.database import AnyConnection
from runtime.unit_of_work import PostgresUnitOfWork
from services.enrolment.domain.errors import SchoolAlreadyEnrolled
from services.enrolment.domain.model import Cohort, SchoolEnrolment

__all__ = ["PostgresEnrolmentUnitOfWork"]


class PostgresCohortRepository:
    def __init__(self, conn: AnyConnection) -> None:
        self._conn = conn

    async def get(self, cohort_id: str) -> Cohort | None:
        row = await self._conn.fetchrow(
            "SELECT cohort_id, name, starts_on FROM cohorts WHERE cohort_id = $1", cohort_id
        )
        return None if row is None else Cohort(row["cohort_id"], row["name"], row["starts_on"])

    async def add(self, cohort: Cohort) -> None:
        await self._conn.execute(
            "INSERT INTO cohorts (cohort_id, name, starts_on) VALUES ($1, $2, $3)",
            cohort.cohort_id,
            cohort.name,
            cohort.starts_on,
        )


class PostgresSchoolRepository:
    def __init__(self, conn: AnyConnection) -> None:
        self._conn = conn

    @staticmethod
    def _from_row(row: asyncpg.Record) -> SchoolEnrolment:
        return SchoolEnrolment(
            urn=row["urn"],
            school_name=row["school_name"],
            cohort_id=row["cohort_id"],
            enrolled_on=row["enrolled_on"],
            status=row["status"],
        )

    async def current(self, urn: str) -> SchoolEnrolment | None:
        row = await self._conn.fetchrow(
            "SELECT urn, school_name, cohort_id, enrolled_on, status FROM school_enrolments "
            "WHERE urn = $1 ORDER BY (status = 'active') DESC, enrolment_id DESC LIMIT 1",
            urn,
        )
        return None if row is None else self._from_row(row)

    async def add(self, enrolment: SchoolEnrolment) -> None:
        try:
            await self._conn.execute(
                "INSERT INTO school_enrolments (urn, school_name, cohort_id, enrolled_on, status) "
                "VALUES ($1, $2, $3, $4, $5)",
                enrolment.urn,
                enrolment.school_name,
                enrolment.cohort_id,
                enrolment.enrolled_on,
                enrolment.status,
            )
        except asyncpg.UniqueViolationError:
            # Lost a race with a concurrent enrolment of the same school.
            raise SchoolAlreadyEnrolled(enrolment.urn, enrolment.cohort_id) from None

    async def in_cohort(self, cohort_id: str) -> list[SchoolEnrolment]:
        rows = await self._conn.fetch(
            "SELECT urn, school_name, cohort_id, enrolled_on, status FROM school_enrolments "
            "WHERE cohort_id = $1 ORDER BY urn",
            cohort_id,
        )
        return [self._from_row(row) for row in rows]


class PostgresEnrolmentUnitOfWork(PostgresUnitOfWork):
    cohorts: PostgresCohortRepository
    schools: PostgresSchoolRepository

    def _open_repositories(self, conn: AnyConnection) -> None:
        self.cohorts = PostgresCohortRepository(conn)
        self.schools = PostgresSchoolRepository(conn)
