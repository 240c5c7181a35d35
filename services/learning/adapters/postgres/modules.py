"""Learning's tables for schools, staff and the online modules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import cast
from uuid import UUID

import asyncpg

from runtime.rows import Columns, PostgresRepository
from services.learning.domain.model import (
    CompletionContext,
    CompletionWithdrawal,
    EnrolledSchool,
    Module,
    ModuleCompletion,
    ModuleStart,
    SchoolStatus,
    StaffMember,
)

__all__ = [
    "PostgresCompletionRepository",
    "PostgresModuleRepository",
    "PostgresSchoolRepository",
    "PostgresStaffRepository",
    "PostgresStartRepository",
]

_COMPLETION_COLUMNS = Columns(
    "completion_id", "staff_id", "urn", "cohort_id", "module_number", "completed_at", "statement_id"
)
_STAFF_COLUMNS = Columns("staff_id", "urn", "cohort_id", "role", "starts_on", "left_on")
_START_COLUMNS = Columns("staff_id", "urn", "cohort_id", "module_number", "started_at")


class PostgresModuleRepository(PostgresRepository):
    async def all(self) -> list[Module]:
        rows = await self._conn.fetch("SELECT number, title, summary, expected_minutes FROM modules ORDER BY number")
        return [Module(r["number"], r["title"], r["summary"], r["expected_minutes"]) for r in rows]


def _school(row: asyncpg.Record) -> EnrolledSchool:
    return EnrolledSchool(urn=row["urn"], cohort_id=row["cohort_id"], status=cast(SchoolStatus, row["status"]))


class PostgresSchoolRepository(PostgresRepository):
    async def get(self, urn: str) -> EnrolledSchool | None:
        row = await self._conn.fetchrow("SELECT urn, cohort_id, status FROM schools WHERE urn = $1", urn)
        return None if row is None else _school(row)

    async def save(self, school: EnrolledSchool) -> None:
        # A school re-enrolled into a later cohort moves there and is active again.
        await self._conn.execute(
            "INSERT INTO schools (urn, cohort_id, status) VALUES ($1, $2, $3) "
            "ON CONFLICT (urn) DO UPDATE SET cohort_id = EXCLUDED.cohort_id, status = EXCLUDED.status",
            school.urn,
            school.cohort_id,
            school.status,
        )

    async def end(self, urn: str, cohort_id: str, status: SchoolStatus) -> bool:
        # Only the enrolment the event is about: a school since re-enrolled elsewhere stays active.
        ended = await self._conn.fetchval(
            "UPDATE schools SET status = $3 WHERE urn = $1 AND cohort_id = $2 RETURNING true", urn, cohort_id, status
        )
        return bool(ended)

    async def in_cohort(self, cohort_id: str) -> list[EnrolledSchool]:
        rows = await self._conn.fetch(
            "SELECT urn, cohort_id, status FROM schools WHERE cohort_id = $1 ORDER BY urn", cohort_id
        )
        return [_school(row) for row in rows]


def _member(row: asyncpg.Record) -> StaffMember:
    return _STAFF_COLUMNS.build(StaffMember, row)


class PostgresStaffRepository(PostgresRepository):
    async def get(self, staff_id: UUID) -> StaffMember | None:
        row = await self._conn.fetchrow(f"SELECT {_STAFF_COLUMNS} FROM staff WHERE staff_id = $1", staff_id)
        return None if row is None else _member(row)

    async def save(self, member: StaffMember) -> None:
        await self._conn.execute(
            f"INSERT INTO staff ({_STAFF_COLUMNS}) VALUES ({_STAFF_COLUMNS.placeholders()}) ON CONFLICT (staff_id) "
            "DO UPDATE SET urn = EXCLUDED.urn, cohort_id = EXCLUDED.cohort_id, role = EXCLUDED.role, "
            "starts_on = EXCLUDED.starts_on, left_on = EXCLUDED.left_on",
            *_STAFF_COLUMNS.values(member),
        )

    async def record_leaving(self, staff_id: UUID, left_on: date) -> bool:
        left = await self._conn.fetchval(
            "UPDATE staff SET left_on = $2 WHERE staff_id = $1 RETURNING true", staff_id, left_on
        )
        return bool(left)

    async def of_school(self, urn: str) -> list[StaffMember]:
        rows = await self._conn.fetch(f"SELECT {_STAFF_COLUMNS} FROM staff WHERE urn = $1", urn)
        return [_member(row) for row in rows]


class PostgresStartRepository(PostgresRepository):
    @staticmethod
    def _from_row(row: asyncpg.Record) -> ModuleStart:
        return _START_COLUMNS.build(ModuleStart, row)

    async def add(self, start: ModuleStart) -> bool:
        added = await self._conn.fetchval(
            f"INSERT INTO module_starts ({_START_COLUMNS}) VALUES ({_START_COLUMNS.placeholders()}) "
            "ON CONFLICT DO NOTHING RETURNING true",
            *_START_COLUMNS.values(start),
        )
        return bool(added)

    async def find(self, staff_id: UUID, module_number: int) -> ModuleStart | None:
        row = await self._conn.fetchrow(
            f"SELECT {_START_COLUMNS} FROM module_starts WHERE staff_id = $1 AND module_number = $2",
            staff_id,
            module_number,
        )
        return None if row is None else self._from_row(row)

    async def of_school(self, urn: str) -> list[ModuleStart]:
        rows = await self._conn.fetch(f"SELECT {_START_COLUMNS} FROM module_starts WHERE urn = $1", urn)
        return [self._from_row(row) for row in rows]


# One round trip for a whole batch: for each (school, staff member, module) asked, in order, the school, the staff
# member and an earlier completion, each found or NULL.
_CONTEXTS_QUERY = (
    f"SELECT s.cohort_id AS school_cohort_id, s.status AS school_status, {_STAFF_COLUMNS.aliased('m', 'member_')}, "
    f"{_COMPLETION_COLUMNS.aliased('c', 'done_')} "
    "FROM unnest($1::text[], $2::uuid[], $3::smallint[]) WITH ORDINALITY AS asked (urn, staff_id, module_number, n)"
    " LEFT JOIN schools s ON s.urn = asked.urn"
    " LEFT JOIN staff m ON m.staff_id = asked.staff_id"
    " LEFT JOIN module_completions c ON c.staff_id = asked.staff_id AND c.module_number = asked.module_number"
    " ORDER BY asked.n"
)
# ON CONFLICT: a concurrent request recorded the same completion first; that one stands.
_INSERT_COMPLETIONS = (
    f"INSERT INTO module_completions ({_COMPLETION_COLUMNS}) "
    "SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::smallint[], $6::timestamptz[], "
    "$7::uuid[]) ON CONFLICT (staff_id, module_number) DO NOTHING RETURNING completion_id"
)


def _context(urn: str, row: asyncpg.Record) -> CompletionContext:
    school = (
        None
        if row["school_cohort_id"] is None
        else EnrolledSchool(urn, row["school_cohort_id"], cast(SchoolStatus, row["school_status"]))
    )
    member = None if row["member_staff_id"] is None else _STAFF_COLUMNS.build(StaffMember, row, "member_")
    done = None if row["done_completion_id"] is None else _COMPLETION_COLUMNS.build(ModuleCompletion, row, "done_")
    return CompletionContext(school, member, done)


class PostgresCompletionRepository(PostgresRepository):
    @staticmethod
    def _from_row(row: asyncpg.Record) -> ModuleCompletion:
        return _COMPLETION_COLUMNS.build(ModuleCompletion, row)

    async def context(self, urn: str, staff_id: UUID, module_number: int) -> CompletionContext:
        (known,) = await self.contexts([(urn, staff_id, module_number)])
        return known

    async def contexts(self, asked: Sequence[tuple[str, UUID, int]]) -> list[CompletionContext]:
        """`context` for each (urn, staff_id, module_number), in their order, in one round trip."""
        if not asked:
            return []
        urns, staff_ids, modules = (list(column) for column in zip(*asked, strict=True))
        rows = await self._conn.fetch(_CONTEXTS_QUERY, urns, staff_ids, modules)
        return [_context(urn, row) for urn, row in zip(urns, rows, strict=True)]

    async def _one(self, where: str, *args: object) -> ModuleCompletion | None:
        row = await self._conn.fetchrow(f"SELECT {_COMPLETION_COLUMNS} FROM module_completions WHERE {where}", *args)
        return None if row is None else self._from_row(row)

    async def find(self, staff_id: UUID, module_number: int) -> ModuleCompletion | None:
        return await self._one("staff_id = $1 AND module_number = $2", staff_id, module_number)

    async def get(self, completion_id: UUID) -> ModuleCompletion | None:
        return await self._one("completion_id = $1", completion_id)

    async def from_statement(self, statement_id: UUID) -> ModuleCompletion | None:
        return await self._one("statement_id = $1", statement_id)

    async def add(self, completion: ModuleCompletion) -> bool:
        return bool(await self.add_all([completion]))

    async def add_all(self, completions: Sequence[ModuleCompletion]) -> set[UUID]:
        """Insert every completion in one statement; the ids of those stored (the others were recorded first)."""
        if not completions:
            return set()
        columns = [list(column) for column in zip(*map(_COMPLETION_COLUMNS.values, completions), strict=True)]
        rows = await self._conn.fetch(_INSERT_COMPLETIONS, *columns)
        return {row["completion_id"] for row in rows}

    async def of_school(self, urn: str) -> list[ModuleCompletion]:
        rows = await self._conn.fetch(
            f"SELECT {_COMPLETION_COLUMNS} FROM module_completions WHERE urn = $1 ORDER BY completed_at", urn
        )
        return [self._from_row(row) for row in rows]

    async def withdraw(self, withdrawal: CompletionWithdrawal) -> None:
        c = withdrawal.completion
        await self._conn.execute("DELETE FROM module_completions WHERE completion_id = $1", c.completion_id)
        await self._conn.execute(
            f"INSERT INTO completion_withdrawals ({_COMPLETION_COLUMNS}, reason, withdrawn_at) "
            f"VALUES ({_COMPLETION_COLUMNS.placeholders()}, $8, $9)",
            *_COMPLETION_COLUMNS.values(c),
            withdrawal.reason,
            withdrawal.withdrawn_at,
        )

    async def was_withdrawn(self, completion_id: UUID) -> bool:
        return bool(
            await self._conn.fetchval("SELECT true FROM completion_withdrawals WHERE completion_id = $1", completion_id)
        )
