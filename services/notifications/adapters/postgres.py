"""Notifications' tables, through asyncpg."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import date, datetime
from typing import Any, cast
from uuid import UUID

import asyncpg

from runtime.database import AnyConnection
from runtime.rows import Columns, PostgresRepository
from runtime.unit_of_work import PostgresUnitOfWork
from services.notifications.domain.calendar import CalendarEntry
from services.notifications.domain.model import NewMessage, OutgoingMessage, Preferences, School, StaffRecord

__all__ = ["PostgresNotificationsUnitOfWork"]

_SCHOOL = Columns("urn", "cohort_id", "school_name", "active")
_STAFF = Columns("staff_id", "urn", "role", "left_on")
_PREFERENCES = Columns("staff_id", "weekly_digest", "non_essential_off")
_OUTGOING = "message_id, kind, audience, template_values, urn, cohort_id, staff_id, calendar, attempts"


class PostgresSchoolRepository(PostgresRepository):
    async def get(self, urn: str) -> School | None:
        row = await self._conn.fetchrow(f"SELECT {_SCHOOL} FROM schools WHERE urn = $1", urn)
        return None if row is None else _SCHOOL.build(School, row)

    async def save(self, school: School) -> None:
        await self._conn.execute(
            f"INSERT INTO schools ({_SCHOOL}) VALUES ({_SCHOOL.placeholders()}) ON CONFLICT (urn) DO UPDATE SET "
            "cohort_id = EXCLUDED.cohort_id, school_name = EXCLUDED.school_name, active = EXCLUDED.active",
            *_SCHOOL.values(school),
        )

    async def change_urn(self, predecessor_urn: str, successor_urn: str) -> None:
        await self._conn.execute(
            f"INSERT INTO schools ({_SCHOOL}) SELECT $2, cohort_id, school_name, active FROM schools WHERE urn = $1 "
            "ON CONFLICT (urn) DO NOTHING",
            predecessor_urn,
            successor_urn,
        )
        await self._conn.execute("UPDATE staff SET urn = $2 WHERE urn = $1", predecessor_urn, successor_urn)
        await self._conn.execute("DELETE FROM schools WHERE urn = $1", predecessor_urn)

    async def active_in_cohort(self, cohort_id: str) -> list[School]:
        rows = await self._conn.fetch(
            f"SELECT {_SCHOOL} FROM schools WHERE cohort_id = $1 AND active ORDER BY urn", cohort_id
        )
        return [_SCHOOL.build(School, row) for row in rows]


class PostgresStaffRepository(PostgresRepository):
    async def save(self, member: StaffRecord) -> None:
        await self._conn.execute(
            "INSERT INTO staff (staff_id, urn, role) VALUES ($1, $2, $3) "
            "ON CONFLICT (staff_id) DO UPDATE SET urn = EXCLUDED.urn, role = EXCLUDED.role",
            member.staff_id,
            member.urn,
            member.role,
        )

    async def record_leaving(self, staff_id: UUID, urn: str, left_on: date) -> None:
        await self._conn.execute(
            "INSERT INTO staff (staff_id, urn, role, left_on) VALUES ($1, $2, 'other', $3) "
            "ON CONFLICT (staff_id) DO UPDATE SET left_on = EXCLUDED.left_on",
            staff_id,
            urn,
            left_on,
        )

    async def leads_of(self, urn: str, on: date) -> list[StaffRecord]:
        rows = await self._conn.fetch(
            f"SELECT {_STAFF} FROM staff WHERE urn = $1 AND role IN ('headteacher', 'senior_leader') "
            "AND (left_on IS NULL OR left_on >= $2) ORDER BY role, staff_id",
            urn,
            on,
        )
        return [_STAFF.build(StaffRecord, row) for row in rows]


class PostgresPreferenceRepository(PostgresRepository):
    async def of(self, staff_ids: Iterable[UUID]) -> dict[UUID, Preferences]:
        rows = await self._conn.fetch(
            f"SELECT {_PREFERENCES} FROM preferences WHERE staff_id = ANY($1::uuid[])", list(staff_ids)
        )
        return {row["staff_id"]: _PREFERENCES.build(Preferences, row) for row in rows}

    async def save(self, preferences: Preferences) -> None:
        await self._conn.execute(
            f"INSERT INTO preferences ({_PREFERENCES}) VALUES ({_PREFERENCES.placeholders()}) "
            "ON CONFLICT (staff_id) DO UPDATE SET weekly_digest = EXCLUDED.weekly_digest, "
            "non_essential_off = EXCLUDED.non_essential_off, updated_at = now()",
            *_PREFERENCES.values(preferences),
        )


class PostgresCalendarRepository(PostgresRepository):
    async def next_sequence(self, session_id: UUID) -> int:
        sequence = await self._conn.fetchval(
            "INSERT INTO session_calendars (session_id, sequence) VALUES ($1, 0) "
            "ON CONFLICT (session_id) DO UPDATE SET sequence = session_calendars.sequence + 1 RETURNING sequence",
            session_id,
        )
        return int(sequence)


def _calendar_of(data: dict[str, Any] | None) -> CalendarEntry | None:
    if data is None:
        return None
    return CalendarEntry(
        uid=data["uid"],
        sequence=data["sequence"],
        method=data["method"],
        day=date.fromisoformat(data["day"]),
        summary=data["summary"],
    )


def _outgoing(row: asyncpg.Record) -> OutgoingMessage:
    return OutgoingMessage(
        message_id=row["message_id"],
        kind=row["kind"],
        audience=row["audience"],
        values=dict(row["template_values"]),
        urn=row["urn"],
        cohort_id=row["cohort_id"],
        staff_id=row["staff_id"],
        calendar=_calendar_of(row["calendar"]),
        attempts=row["attempts"],
    )


class PostgresMessageRepository(PostgresRepository):
    async def add(self, message: NewMessage) -> bool:
        calendar = None
        if message.calendar is not None:
            calendar = asdict(message.calendar) | {"day": message.calendar.day.isoformat()}
        added = await self._conn.fetchval(
            "INSERT INTO messages (message_id, dedupe_key, kind, audience, urn, cohort_id, staff_id, "
            "template_values, calendar, status, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
            "ON CONFLICT (message_id) DO NOTHING RETURNING true",
            message.message_id,
            message.dedupe_key,
            message.kind,
            message.audience,
            message.urn,
            message.cohort_id,
            message.staff_id,
            message.values,
            calendar,
            message.status,
            message.outcome,
        )
        return bool(added)

    async def take_due(self, now: datetime, limit: int) -> list[OutgoingMessage]:
        rows = await self._conn.fetch(
            "UPDATE messages SET status = 'sending', attempts = attempts + 1, updated_at = now() "
            "WHERE message_id IN (SELECT message_id FROM messages WHERE status = 'pending' AND next_attempt_at <= $1 "
            "ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED) "
            f"RETURNING {_OUTGOING}",
            now,
            limit,
        )
        return [_outgoing(row) for row in rows]

    async def mark_sent(self, message_id: UUID, route: str, now: datetime) -> None:
        await self._conn.execute(
            "UPDATE messages SET status = 'sent', route = $2, sent_at = $3, outcome = NULL, updated_at = now() "
            "WHERE message_id = $1 AND status IN ('sending', 'pending', 'in_doubt')",
            message_id,
            route,
            now,
        )

    async def mark_all_sent(self, message_ids: list[UUID], route: str, now: datetime) -> None:
        if message_ids:
            await self._conn.execute(
                "UPDATE messages SET status = 'sent', route = $2, sent_at = $3, outcome = NULL, updated_at = now() "
                "WHERE message_id = ANY($1::uuid[]) AND status IN ('sending', 'pending', 'in_doubt')",
                message_ids,
                route,
                now,
            )

    async def retry(self, message_id: UUID, at: datetime, outcome: str) -> None:
        await self._conn.execute(
            "UPDATE messages SET status = 'pending', next_attempt_at = $2, outcome = $3, updated_at = now() "
            "WHERE message_id = $1",
            message_id,
            at,
            outcome,
        )

    async def finish(self, message_id: UUID, status: str, outcome: str | None, route: str | None = None) -> None:
        await self._conn.execute(
            "UPDATE messages SET status = $2, outcome = $3, route = coalesce($4, route), updated_at = now() "
            "WHERE message_id = $1",
            message_id,
            status,
            outcome,
            route,
        )

    async def get(self, message_id: UUID) -> OutgoingMessage | None:
        row = await self._conn.fetchrow(f"SELECT {_OUTGOING} FROM messages WHERE message_id = $1", message_id)
        return None if row is None else _outgoing(row)

    async def status_of(self, message_id: UUID) -> str | None:
        return cast(
            str | None, await self._conn.fetchval("SELECT status FROM messages WHERE message_id = $1", message_id)
        )

    async def left_sending(self) -> list[tuple[UUID, str | None]]:
        rows = await self._conn.fetch("SELECT message_id, route FROM messages WHERE status = 'sending' FOR UPDATE")
        return [(row["message_id"], row["route"]) for row in rows]

    async def held_before(self, week: date) -> dict[UUID, list[OutgoingMessage]]:
        rows = await self._conn.fetch(
            f"SELECT {_OUTGOING} FROM messages WHERE status = 'held_for_digest' AND created_at < $1::date "
            "ORDER BY staff_id, created_at FOR UPDATE",
            week,
        )
        held: dict[UUID, list[OutgoingMessage]] = {}
        for row in rows:
            held.setdefault(row["staff_id"], []).append(_outgoing(row))
        return held

    async def mark_digested(self, message_ids: Iterable[UUID], digest_id: UUID) -> None:
        await self._conn.execute(
            "UPDATE messages SET status = 'digested', digest_id = $2, updated_at = now() "
            "WHERE message_id = ANY($1::uuid[])",
            list(message_ids),
            digest_id,
        )

    async def listed(self, status: str | None, urn: str | None, limit: int) -> list[dict[str, Any]]:
        rows = await self._conn.fetch(
            "SELECT message_id, kind, urn, staff_id, status, outcome, route, attempts, created_at, sent_at "
            "FROM messages WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR urn = $2) "
            "ORDER BY created_at DESC LIMIT $3",
            status,
            urn,
            limit,
        )
        return [dict(row) for row in rows]


class PostgresNotificationsUnitOfWork(PostgresUnitOfWork):
    schools: PostgresSchoolRepository
    staff: PostgresStaffRepository
    preferences: PostgresPreferenceRepository
    calendars: PostgresCalendarRepository
    messages: PostgresMessageRepository

    def _open_repositories(self, conn: AnyConnection) -> None:
        self.schools = PostgresSchoolRepository(conn)
        self.staff = PostgresStaffRepository(conn)
        self.preferences = PostgresPreferenceRepository(conn)
        self.calendars = PostgresCalendarRepository(conn)
        self.messages = PostgresMessageRepository(conn)
