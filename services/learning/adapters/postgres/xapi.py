"""Learning's xAPI tables: actors mapped to staff, and the statements received."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from runtime.rows import Columns, PostgresRepository
from services.learning.domain.xapi import StoredStatement

__all__ = ["STATEMENT_COLUMNS", "PostgresActorRepository", "PostgresStatementRepository", "statement_of"]

STATEMENT_COLUMNS = Columns(
    "statement_id",
    "fingerprint",
    "actor_key",
    "verb_id",
    "object_id",
    "object_type",
    "completes",
    "timestamp",
    "outcome",
    "staff_id",
    "module_number",
    "reason",
    "voided_by",
    "document",
)


class PostgresActorRepository(PostgresRepository):
    async def staff_of(self, actor_key: str) -> UUID | None:
        staff_id: UUID | None = await self._conn.fetchval(
            "SELECT staff_id FROM xapi_actors WHERE actor_key = $1", actor_key
        )
        return staff_id

    async def add(self, actor_key: str, staff_id: UUID) -> None:
        await self._conn.execute("INSERT INTO xapi_actors (actor_key, staff_id) VALUES ($1, $2)", actor_key, staff_id)


def statement_of(row: asyncpg.Record) -> StoredStatement:
    return STATEMENT_COLUMNS.build(StoredStatement, row, stored=row["stored_at"])


class PostgresStatementRepository(PostgresRepository):
    async def get(self, statement_id: UUID) -> StoredStatement | None:
        row = await self._conn.fetchrow(
            f"SELECT {STATEMENT_COLUMNS}, stored_at FROM xapi_statements WHERE statement_id = $1", statement_id
        )
        return None if row is None else statement_of(row)

    async def settle(self, statement: StoredStatement) -> None:
        await self._conn.execute(
            "UPDATE xapi_statements SET outcome = $2, staff_id = $3, module_number = $4, reason = $5, voided_by = $6 "
            "WHERE statement_id = $1",
            statement.statement_id,
            statement.outcome,
            statement.staff_id,
            statement.module_number,
            statement.reason,
            statement.voided_by,
        )

    async def unmatched(self, actor_key: str | None = None) -> list[StoredStatement]:
        rows = await self._conn.fetch(
            f"SELECT {STATEMENT_COLUMNS}, stored_at FROM xapi_statements WHERE outcome IN ('unknown_actor', 'refused') "
            "AND voided_by IS NULL AND ($1::text IS NULL OR actor_key = $1) ORDER BY stored_at, statement_id",
            actor_key,
        )
        return [statement_of(row) for row in rows]
