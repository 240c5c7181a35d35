"""Learning's tables for face-to-face sessions and their attendance."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import asyncpg

from runtime.rows import Columns, PostgresRepository
from services.learning.domain.sessions import Session

__all__ = ["PostgresSessionRepository"]

_COLUMNS = Columns(
    "session_id", "kind", "cohort_id", "urn", "day_number", "held_on", "venue", "status", "cancel_reason"
)


class PostgresSessionRepository(PostgresRepository):
    async def _many(self, rows: list[asyncpg.Record]) -> list[Session]:
        ids = [row["session_id"] for row in rows]
        attended: dict[UUID, dict[str, tuple[UUID, ...]]] = {session_id: {} for session_id in ids}
        for a in await self._conn.fetch(
            "SELECT session_id, urn, staff_ids FROM session_attendance WHERE session_id = ANY($1::uuid[])", ids
        ):
            attended[a["session_id"]][a["urn"]] = tuple(a["staff_ids"])
        return [_COLUMNS.build(Session, row, attendance=attended[row["session_id"]]) for row in rows]

    async def get(self, session_id: UUID) -> Session | None:
        rows = await self._conn.fetch(f"SELECT {_COLUMNS} FROM sessions WHERE session_id = $1", session_id)
        found = await self._many(list(rows))
        return found[0] if found else None

    async def add(self, session: Session) -> None:
        await self._conn.execute(
            f"INSERT INTO sessions ({_COLUMNS}) VALUES ({_COLUMNS.placeholders()})", *_COLUMNS.values(session)
        )

    async def update(self, session: Session) -> None:
        await self._conn.execute(
            "UPDATE sessions SET held_on = $2, venue = $3, status = $4, cancel_reason = $5 WHERE session_id = $1",
            session.session_id,
            session.held_on,
            session.venue,
            session.status,
            session.cancel_reason,
        )
        await self._conn.executemany(
            "INSERT INTO session_attendance (session_id, urn, staff_ids) VALUES ($1, $2, $3) "
            "ON CONFLICT (session_id, urn) DO UPDATE SET staff_ids = EXCLUDED.staff_ids",
            [(session.session_id, urn, list(staff_ids)) for urn, staff_ids in session.attendance.items()],
        )

    async def leadership_day(self, cohort_id: str, day_number: int) -> Session | None:
        rows = await self._conn.fetch(
            f"SELECT {_COLUMNS} FROM sessions WHERE kind = 'leadership_day' AND status <> 'cancelled' "
            "AND cohort_id = $1 AND day_number = $2",
            cohort_id,
            day_number,
        )
        found = await self._many(list(rows))
        return found[0] if found else None

    async def of_cohort(self, cohort_id: str) -> list[Session]:
        rows = await self._conn.fetch(
            f"SELECT {_COLUMNS} FROM sessions WHERE cohort_id = $1 ORDER BY held_on, session_id", cohort_id
        )
        return await self._many(list(rows))

    async def of_school(self, urn: str, cohort_id: str) -> list[Session]:
        # The school's mentoring, and its cohort's shared sessions.
        rows = await self._conn.fetch(
            f"SELECT {_COLUMNS} FROM sessions WHERE urn = $1 OR (urn IS NULL AND cohort_id = $2) "
            "ORDER BY held_on, session_id",
            urn,
            cohort_id,
        )
        return await self._many(list(rows))

    # Each cohort's leadership-day dates, as enrolment planned them: day n is element n of the array.

    async def planned_leadership_days(self, cohort_id: str) -> list[date] | None:
        days = await self._conn.fetchval("SELECT leadership_days FROM cohort_plans WHERE cohort_id = $1", cohort_id)
        return None if days is None else list(days)

    async def plan_leadership_days(self, cohort_id: str, days: list[date]) -> None:
        await self._conn.execute(
            "INSERT INTO cohort_plans (cohort_id, leadership_days) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            cohort_id,
            days,
        )

    async def move_planned_leadership_day(self, cohort_id: str, day_number: int, held_on: date) -> None:
        await self._conn.execute(
            "UPDATE cohort_plans SET leadership_days[$2] = $3 WHERE cohort_id = $1", cohort_id, day_number, held_on
        )
