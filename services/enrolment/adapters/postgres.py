"""Enrolment's tables, through asyncpg."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from contracts.programme import PlanTargets, ProgrammePlan
from runtime.database import AnyConnection
from runtime.rows import Columns, PostgresRepository
from runtime.unit_of_work import PostgresUnitOfWork
from services.enrolment.domain.errors import CohortAlreadyExists, SchoolAlreadyEnrolled, StaffAlreadyRegistered
from services.enrolment.domain.model import Cohort, SchoolEnrolment, StaffMember, programme_plan

__all__ = ["PostgresEnrolmentUnitOfWork"]


_COHORT_COLUMNS = "cohort_id, name, local_authority, starts_on, plan"
_SCHOOL_COLUMNS = Columns(
    "urn",
    "school_name",
    "cohort_id",
    "enrolled_on",
    "phase",
    "local_authority",
    "status",
    "ended_on",
    "headteacher_id",
    "predecessor_urn",
    "successor_urn",
    "headteacher_name",
)
_STAFF_COLUMNS = Columns("staff_id", "urn", "name", "email", "role", "starts_on", "left_on")


class PostgresCohortRepository(PostgresRepository):
    @staticmethod
    def _from_row(row: asyncpg.Record) -> Cohort:
        starts_on = row["starts_on"]
        # Cohorts created before plans were kept run to the programme's defaults.
        plan = (
            ProgrammePlan.model_validate(row["plan"])
            if row["plan"] is not None
            else programme_plan(starts_on, PlanTargets(), None)
        )
        return Cohort(row["cohort_id"], row["name"], row["local_authority"] or "", starts_on, plan)

    async def get(self, cohort_id: str) -> Cohort | None:
        row = await self._conn.fetchrow(f"SELECT {_COHORT_COLUMNS} FROM cohorts WHERE cohort_id = $1", cohort_id)
        return None if row is None else self._from_row(row)

    async def all(self) -> list[Cohort]:
        rows = await self._conn.fetch(f"SELECT {_COHORT_COLUMNS} FROM cohorts ORDER BY starts_on, cohort_id")
        return [self._from_row(row) for row in rows]

    async def add(self, cohort: Cohort) -> None:
        try:
            await self._conn.execute(
                f"INSERT INTO cohorts ({_COHORT_COLUMNS}) VALUES ($1, $2, $3, $4, $5)",
                cohort.cohort_id,
                cohort.name,
                cohort.local_authority,
                cohort.starts_on,
                cohort.plan.model_dump(mode="json"),
            )
        except asyncpg.UniqueViolationError:
            raise CohortAlreadyExists(cohort.cohort_id) from None

    async def save_plan(self, cohort: Cohort) -> None:
        await self._conn.execute(
            "UPDATE cohorts SET plan = $1 WHERE cohort_id = $2", cohort.plan.model_dump(mode="json"), cohort.cohort_id
        )


class PostgresSchoolRepository(PostgresRepository):
    @staticmethod
    def _from_row(row: asyncpg.Record) -> SchoolEnrolment:
        return _SCHOOL_COLUMNS.build(SchoolEnrolment, row)

    async def current(self, urn: str) -> SchoolEnrolment | None:
        row = await self._conn.fetchrow(
            f"SELECT {_SCHOOL_COLUMNS} FROM school_enrolments "
            "WHERE urn = $1 ORDER BY (status = 'active') DESC, enrolment_id DESC LIMIT 1",
            urn,
        )
        return None if row is None else self._from_row(row)

    async def history(self, urn: str) -> list[SchoolEnrolment]:
        rows = await self._conn.fetch(
            f"SELECT {_SCHOOL_COLUMNS} FROM school_enrolments WHERE urn = $1 ORDER BY enrolment_id", urn
        )
        return [self._from_row(row) for row in rows]

    async def add(self, enrolment: SchoolEnrolment) -> None:
        try:
            await self._conn.execute(
                f"INSERT INTO school_enrolments ({_SCHOOL_COLUMNS}) VALUES ({_SCHOOL_COLUMNS.placeholders()})",
                *_SCHOOL_COLUMNS.values(enrolment),
            )
        except asyncpg.UniqueViolationError:
            # Lost a race with a concurrent enrolment of the same school.
            raise SchoolAlreadyEnrolled(enrolment.urn, enrolment.cohort_id) from None

    async def end(self, enrolment: SchoolEnrolment, reason: str | None) -> None:
        await self._conn.execute(
            "UPDATE school_enrolments SET status = $1, ended_on = $2, end_reason = $3, successor_urn = $4 "
            "WHERE urn = $5 AND cohort_id = $6 AND status = 'active'",
            enrolment.status,
            enrolment.ended_on,
            reason,
            enrolment.successor_urn,
            enrolment.urn,
            enrolment.cohort_id,
        )

    async def ended(self) -> list[SchoolEnrolment]:
        rows = await self._conn.fetch(f"SELECT {_SCHOOL_COLUMNS} FROM school_enrolments WHERE status <> 'active'")
        return [self._from_row(row) for row in rows]

    async def in_cohort(self, cohort_id: str) -> list[SchoolEnrolment]:
        rows = await self._conn.fetch(
            f"SELECT {_SCHOOL_COLUMNS} FROM school_enrolments WHERE cohort_id = $1 ORDER BY urn, enrolment_id",
            cohort_id,
        )
        return [self._from_row(row) for row in rows]

    async def erase_headteacher_names(self, urns: list[str]) -> None:
        await self._conn.execute(
            "UPDATE school_enrolments SET headteacher_name = NULL "
            "WHERE urn = ANY($1::text[]) AND headteacher_name IS NOT NULL",
            urns,
        )


class PostgresStaffRepository(PostgresRepository):
    @staticmethod
    def _from_row(row: asyncpg.Record) -> StaffMember:
        return _STAFF_COLUMNS.build(StaffMember, row)

    async def add(self, member: StaffMember) -> None:
        try:
            await self._conn.execute(
                f"INSERT INTO staff ({_STAFF_COLUMNS}) VALUES ({_STAFF_COLUMNS.placeholders()})",
                *_STAFF_COLUMNS.values(member),
            )
        except asyncpg.UniqueViolationError:
            raise StaffAlreadyRegistered(member.urn) from None

    async def get(self, urn: str, staff_id: UUID) -> StaffMember | None:
        row = await self._conn.fetchrow(
            f"SELECT {_STAFF_COLUMNS} FROM staff WHERE urn = $1 AND staff_id = $2", urn, staff_id
        )
        return None if row is None else self._from_row(row)

    async def of_school(self, urn: str) -> list[StaffMember]:
        rows = await self._conn.fetch(f"SELECT {_STAFF_COLUMNS} FROM staff WHERE urn = $1 ORDER BY registered_at", urn)
        return [self._from_row(row) for row in rows]

    async def record_leaving(self, member: StaffMember) -> None:
        await self._conn.execute("UPDATE staff SET left_on = $1 WHERE staff_id = $2", member.left_on, member.staff_id)

    async def erase_personal_data(self, urns: list[str]) -> int:
        erased = await self._conn.fetchval(
            "WITH erased AS (UPDATE staff SET name = NULL, email = NULL, erased_on = current_date "
            "WHERE urn = ANY($1::text[]) AND erased_on IS NULL RETURNING 1) SELECT count(*) FROM erased",
            urns,
        )
        return int(erased)

    async def move_school(self, predecessor_urn: str, successor_urn: str) -> None:
        await self._conn.execute("UPDATE staff SET urn = $1 WHERE urn = $2", successor_urn, predecessor_urn)


class PostgresEnrolmentUnitOfWork(PostgresUnitOfWork):
    cohorts: PostgresCohortRepository
    schools: PostgresSchoolRepository
    staff: PostgresStaffRepository

    def _open_repositories(self, conn: AnyConnection) -> None:
        self.cohorts = PostgresCohortRepository(conn)
        self.schools = PostgresSchoolRepository(conn)
        self.staff = PostgresStaffRepository(conn)
