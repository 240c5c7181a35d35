"""A batch of xAPI statements read and written set-based: a few queries whatever the batch's size.

What the batch can touch is read with four queries (`knowledge`), and its plan is written with one multi-row
statement a table (`write`). Every write says how many rows it took; fewer than planned means a concurrent
request stored the same thing first, and `BatchOutdated` sends the whole batch round again.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg

from runtime.rows import PostgresRepository
from services.learning.adapters.postgres.xapi import STATEMENT_COLUMNS as _COLUMNS
from services.learning.adapters.postgres.xapi import statement_of
from services.learning.domain.model import EnrolledSchool, ModuleCompletion, SchoolStatus, StaffMember
from services.learning.domain.xapi import VOIDED, StoredStatement
from services.learning.domain.xapi_batch import BatchKnowledge, BatchOutdated, BatchPlan

__all__ = ["PostgresStatementBatchRepository"]

_COMPLETION = "completion_id, staff_id, urn, cohort_id, module_number, completed_at, statement_id"
# The type of each column of xapi_statements, for unnest; the document travels as text.
_STATEMENT_TYPES = {
    "statement_id": "uuid", "fingerprint": "text", "actor_key": "text", "verb_id": "text", "object_id": "text",
    "object_type": "text", "completes": "boolean", "timestamp": "timestamptz", "outcome": "text",
    "staff_id": "uuid", "module_number": "smallint", "reason": "text", "voided_by": "uuid", "document": "text",
}  # fmt: skip
_INSERT_STATEMENTS = (
    f"INSERT INTO xapi_statements ({_COLUMNS}) "
    f"SELECT {', '.join(f'{name}::jsonb' if name == 'document' else name for name in _COLUMNS.names)} "
    f"FROM unnest({', '.join(f'${n}::{_STATEMENT_TYPES[name]}[]' for n, name in enumerate(_COLUMNS.names, 1))}) "
    f"AS s ({_COLUMNS}) ON CONFLICT (statement_id) DO NOTHING RETURNING statement_id"
)
_INSERT_COMPLETIONS = (
    f"INSERT INTO module_completions ({_COMPLETION}) "
    "SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::smallint[], $6::timestamptz[], "
    "$7::uuid[]) ON CONFLICT (staff_id, module_number) DO NOTHING RETURNING completion_id"
)


def _document(statement: StoredStatement) -> str | None:
    return None if statement.document is None else json.dumps(dict(statement.document))


def _completion(row: asyncpg.Record) -> ModuleCompletion:
    return ModuleCompletion(**{name: row[name] for name in _COMPLETION.split(", ")})


def _columns(rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """Rows turned into one list a column, as unnest takes them."""
    return [list(column) for column in zip(*rows, strict=True)]


class PostgresStatementBatchRepository(PostgresRepository):
    async def knowledge(
        self, statement_ids: Sequence[UUID], voided_ids: Sequence[UUID], actor_keys: Sequence[str]
    ) -> BatchKnowledge:
        rows = await self._conn.fetch(
            f"SELECT {_COLUMNS}, stored_at FROM xapi_statements WHERE statement_id = ANY($1::uuid[])",
            [*statement_ids, *voided_ids],
        )
        stored = {row["statement_id"]: statement_of(row) for row in rows}
        # The first voiding statement stored for each id, as the partial index on voiding statements finds it.
        rows = await self._conn.fetch(
            f"SELECT DISTINCT ON (object_id) {_COLUMNS}, stored_at FROM xapi_statements "
            "WHERE verb_id = $1 AND object_id = ANY($2::text[]) ORDER BY object_id, stored_at, statement_id",
            VOIDED,
            [str(statement_id) for statement_id in statement_ids],
        )
        voiders = {row["object_id"]: statement_of(row) for row in rows}
        rows = await self._conn.fetch(
            "SELECT a.actor_key, a.staff_id, m.urn, m.cohort_id, m.role, m.starts_on, m.left_on, "
            "s.cohort_id AS school_cohort_id, s.status "
            "FROM xapi_actors a LEFT JOIN staff m ON m.staff_id = a.staff_id LEFT JOIN schools s ON s.urn = m.urn "
            "WHERE a.actor_key = ANY($1::text[])",
            list(actor_keys),
        )
        staff_of = {row["actor_key"]: row["staff_id"] for row in rows}
        staff: dict[UUID, StaffMember] = {}
        schools: dict[str, EnrolledSchool] = {}
        for row in rows:
            if row["urn"] is not None:
                staff[row["staff_id"]] = StaffMember(
                    row["staff_id"], row["urn"], row["cohort_id"], row["role"], row["starts_on"], row["left_on"]
                )
            if row["status"] is not None:
                status: SchoolStatus = row["status"]
                schools[row["urn"]] = EnrolledSchool(row["urn"], row["school_cohort_id"], status)
        rows = await self._conn.fetch(
            f"SELECT {_COMPLETION} FROM module_completions WHERE staff_id = ANY($1::uuid[]) "
            f"UNION SELECT {_COMPLETION} FROM module_completions WHERE statement_id = ANY($2::uuid[])",
            list(set(staff_of.values())),
            list(voided_ids),
        )
        completions = [_completion(row) for row in rows]
        return BatchKnowledge(stored, voiders, staff_of, staff, schools, completions)

    async def write(self, plan: BatchPlan) -> set[tuple[UUID, int]]:
        """Store the plan; returns the (staff id, module) of the starts stored (the others were there already).
        `BatchOutdated` if a concurrent request stored any of the same statements or completions first."""
        try:
            await self._add_statements(plan.new_statements)
            await self._mark_voided(plan.voided)
            started = await self._add_starts(plan)
            await self._add_completions(plan)
            await self._add_withdrawals(plan)
        except asyncpg.DeadlockDetectedError:
            # Two batches sharing ids in different orders: Postgres undid one of them; it goes round again.
            raise BatchOutdated() from None
        return started

    async def _expect(self, query: str, *args: Any, planned: int) -> None:
        if planned and len(await self._conn.fetch(query, *args)) != planned:
            raise BatchOutdated()

    async def _add_statements(self, statements: Sequence[StoredStatement]) -> None:
        rows = [[_document(s) if n == "document" else getattr(s, n) for n in _COLUMNS.names] for s in statements]
        await self._expect(_INSERT_STATEMENTS, *_columns(rows), planned=len(rows))

    async def _mark_voided(self, voided: dict[UUID, UUID]) -> None:
        await self._expect(
            "UPDATE xapi_statements t SET voided_by = v.voiding FROM unnest($1::uuid[], $2::uuid[]) AS v (target, "
            "voiding) WHERE t.statement_id = v.target AND t.voided_by IS NULL RETURNING t.statement_id",
            list(voided),
            list(voided.values()),
            planned=len(voided),
        )

    async def _add_starts(self, plan: BatchPlan) -> set[tuple[UUID, int]]:
        if not plan.starts:
            return set()
        rows = [(s.staff_id, s.urn, s.cohort_id, s.module_number, s.started_at) for s in plan.starts]
        stored = await self._conn.fetch(
            "INSERT INTO module_starts (staff_id, urn, cohort_id, module_number, started_at) "
            "SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::smallint[], $5::timestamptz[]) "
            "ON CONFLICT DO NOTHING RETURNING staff_id, module_number",
            *_columns(rows),
        )
        return {(row["staff_id"], row["module_number"]) for row in stored}

    async def _add_completions(self, plan: BatchPlan) -> None:
        """Completions stored before, then new ones a round at a time: a person may complete a module, have it
        voided and complete it again in one batch, and each must find the module free as it did in the plan."""
        withdrawn = plan.withdrawn_ids
        new = {c.completion_id for c in plan.completions}
        earlier = [w.completion.completion_id for w in plan.withdrawals if w.completion.completion_id not in new]
        await self._delete_completions(earlier)
        rounds: list[list[ModuleCompletion]] = []
        seen: Counter[tuple[UUID, int]] = Counter()
        for completion in plan.completions:
            key = (completion.staff_id, completion.module_number)
            if seen[key] == len(rounds):
                rounds.append([])
            rounds[seen[key]].append(completion)
            seen[key] += 1
        for completions in rounds:
            rows = [
                (c.completion_id, c.staff_id, c.urn, c.cohort_id, c.module_number, c.completed_at, c.statement_id)
                for c in completions
            ]
            await self._expect(_INSERT_COMPLETIONS, *_columns(rows), planned=len(rows))
            await self._delete_completions([c.completion_id for c in completions if c.completion_id in withdrawn])

    async def _delete_completions(self, completion_ids: list[UUID]) -> None:
        await self._expect(
            "DELETE FROM module_completions WHERE completion_id = ANY($1::uuid[]) RETURNING completion_id",
            completion_ids,
            planned=len(completion_ids),
        )

    async def _add_withdrawals(self, plan: BatchPlan) -> None:
        if not plan.withdrawals:
            return
        rows = [
            (
                w.completion.completion_id,
                w.completion.staff_id,
                w.completion.urn,
                w.completion.cohort_id,
                w.completion.module_number,
                w.completion.completed_at,
                w.completion.statement_id,
                w.reason,
                w.withdrawn_at,
            )
            for w in plan.withdrawals
        ]
        await self._conn.execute(
            f"INSERT INTO completion_withdrawals ({_COMPLETION}, reason, withdrawn_at) "
            "SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::smallint[], "
            "$6::timestamptz[], $7::uuid[], $8::text[], $9::timestamptz[])",
            *_columns(rows),
        )
