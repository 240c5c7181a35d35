"""Circles' tables, through asyncpg."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, cast
from uuid import UUID

import asyncpg

from contracts.events.circles import CircleKind, CircleTheme
from runtime.database import AnyConnection
from runtime.rows import Columns, PostgresRepository
from runtime.unit_of_work import PostgresUnitOfWork
from services.circles.domain.circle import Circle, CircleStatus, HeldRecord
from services.circles.domain.model import CircleSchool, CohortDates, RosterMember

__all__ = ["PostgresCirclesUnitOfWork"]


_SCHOOL_COLUMNS = Columns("urn", "cohort_id", "enrolled_on", "status", "ended_on")


class PostgresSchoolRepository(PostgresRepository):
    @staticmethod
    def _from_row(row: asyncpg.Record) -> CircleSchool:
        return _SCHOOL_COLUMNS.build(CircleSchool, row)

    async def get(self, urn: str) -> CircleSchool | None:
        row = await self._conn.fetchrow(f"SELECT {_SCHOOL_COLUMNS} FROM schools WHERE urn = $1", urn)
        return None if row is None else self._from_row(row)

    async def save(self, school: CircleSchool) -> None:
        await self._conn.execute(
            f"INSERT INTO schools ({_SCHOOL_COLUMNS}) VALUES ({_SCHOOL_COLUMNS.placeholders()}) "
            "ON CONFLICT (urn) DO UPDATE SET cohort_id = EXCLUDED.cohort_id, enrolled_on = EXCLUDED.enrolled_on, "
            "status = EXCLUDED.status, ended_on = EXCLUDED.ended_on",
            *_SCHOOL_COLUMNS.values(school),
        )

    async def in_cohort(self, cohort_id: str) -> list[CircleSchool]:
        rows = await self._conn.fetch(
            f"SELECT {_SCHOOL_COLUMNS} FROM schools WHERE cohort_id = $1 ORDER BY urn", cohort_id
        )
        return [self._from_row(row) for row in rows]

    async def change_urn(self, predecessor_urn: str, successor_urn: str) -> None:
        await self._conn.execute(
            f"INSERT INTO schools ({_SCHOOL_COLUMNS}) "
            "SELECT $2, cohort_id, enrolled_on, status, ended_on FROM schools WHERE urn = $1",
            predecessor_urn,
            successor_urn,
        )
        await self._conn.execute("UPDATE circles SET urn = $2 WHERE urn = $1", predecessor_urn, successor_urn)
        await self._conn.execute("UPDATE staff SET urn = $2 WHERE urn = $1", predecessor_urn, successor_urn)
        await self._conn.execute("DELETE FROM schools WHERE urn = $1", predecessor_urn)


_COHORT_COLUMNS = Columns("cohort_id", "starts_on", "ends_on", "circles_per_half_term")


class PostgresCohortRepository(PostgresRepository):
    async def get(self, cohort_id: str) -> CohortDates | None:
        row = await self._conn.fetchrow(f"SELECT {_COHORT_COLUMNS} FROM cohorts WHERE cohort_id = $1", cohort_id)
        return None if row is None else _COHORT_COLUMNS.build(CohortDates, row)

    async def save(self, cohort: CohortDates) -> None:
        await self._conn.execute(
            f"INSERT INTO cohorts ({_COHORT_COLUMNS}) VALUES ({_COHORT_COLUMNS.placeholders()}) "
            "ON CONFLICT (cohort_id) DO UPDATE SET starts_on = EXCLUDED.starts_on, ends_on = EXCLUDED.ends_on, "
            "circles_per_half_term = EXCLUDED.circles_per_half_term",
            *_COHORT_COLUMNS.values(cohort),
        )


_ROSTER_COLUMNS = Columns("staff_id", "urn", "starts_on", "left_on")


class PostgresRosterRepository(PostgresRepository):
    async def find(self, staff_ids: Iterable[UUID]) -> dict[UUID, RosterMember]:
        rows = await self._conn.fetch(
            f"SELECT {_ROSTER_COLUMNS} FROM staff WHERE staff_id = ANY($1::uuid[])", list(staff_ids)
        )
        return {row["staff_id"]: _ROSTER_COLUMNS.build(RosterMember, row) for row in rows}

    async def register(self, staff_id: UUID, urn: str, starts_on: date) -> None:
        await self._conn.execute(
            "INSERT INTO staff (staff_id, urn, starts_on) VALUES ($1, $2, $3) "
            "ON CONFLICT (staff_id) DO UPDATE SET urn = EXCLUDED.urn, starts_on = EXCLUDED.starts_on",
            staff_id,
            urn,
            starts_on,
        )

    async def record_leaving(self, staff_id: UUID, urn: str, left_on: date) -> None:
        await self._conn.execute(
            "INSERT INTO staff (staff_id, urn, left_on) VALUES ($1, $2, $3) "
            "ON CONFLICT (staff_id) DO UPDATE SET left_on = EXCLUDED.left_on",
            staff_id,
            urn,
            left_on,
        )


_CIRCLE_COLUMNS = (
    "circle_id, urn, cohort_id, kind, module_number, scheduled_for, facilitator_staff_id, status, held_on, "
    "participant_count, participant_staff_ids, themes, reflection, cancelled_on, fidelity"
)


def _circle_from_row(row: asyncpg.Record) -> Circle:
    held = None
    if row["held_on"] is not None:
        held = HeldRecord(
            held_on=row["held_on"],
            participant_count=row["participant_count"],
            participant_staff_ids=tuple(row["participant_staff_ids"]),
            facilitator_staff_id=row["facilitator_staff_id"],
            themes=tuple(cast(list[CircleTheme], row["themes"])),
            reflection=row["reflection"],
            fidelity=row["fidelity"],
        )
    return Circle(
        circle_id=row["circle_id"],
        urn=row["urn"],
        cohort_id=row["cohort_id"],
        kind=cast(CircleKind, row["kind"]),
        module_number=row["module_number"],
        scheduled_for=row["scheduled_for"],
        facilitator_staff_id=row["facilitator_staff_id"],
        status=cast(CircleStatus, row["status"]),
        held=held,
        cancelled_on=row["cancelled_on"],
    )


def _circle_values(circle: Circle) -> tuple[Any, ...]:
    held = circle.held
    return (
        circle.circle_id,
        circle.urn,
        circle.cohort_id,
        circle.kind,
        circle.module_number,
        circle.scheduled_for,
        # Who actually facilitated, once held (it may differ from who was scheduled).
        held.facilitator_staff_id if held else circle.facilitator_staff_id,
        circle.status,
        held.held_on if held else None,
        held.participant_count if held else None,
        list(held.participant_staff_ids) if held else [],
        list(held.themes) if held else [],
        held.reflection if held else None,
        circle.cancelled_on,
        held.fidelity if held else None,
    )


class PostgresCircleRepository(PostgresRepository):
    async def get(self, urn: str, circle_id: UUID, *, for_update: bool = False) -> Circle | None:
        lock = " FOR UPDATE" if for_update else ""
        row = await self._conn.fetchrow(
            f"SELECT {_CIRCLE_COLUMNS} FROM circles WHERE circle_id = $1 AND urn = $2{lock}", circle_id, urn
        )
        return None if row is None else _circle_from_row(row)

    async def add(self, circle: Circle) -> None:
        await self._conn.execute(
            f"INSERT INTO circles ({_CIRCLE_COLUMNS}) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            *_circle_values(circle),
        )

    async def save(self, circle: Circle) -> None:
        _, _, _, _, _, *changed = _circle_values(circle)
        await self._conn.execute(
            "UPDATE circles SET scheduled_for = $2, facilitator_staff_id = $3, status = $4, held_on = $5, "
            "participant_count = $6, participant_staff_ids = $7, themes = $8, reflection = $9, cancelled_on = $10, "
            "fidelity = $11, changed_at = now() WHERE circle_id = $1",
            circle.circle_id,
            *changed,
        )

    async def of_school(self, urn: str) -> list[Circle]:
        rows = await self._conn.fetch(
            f"SELECT {_CIRCLE_COLUMNS} FROM circles WHERE urn = $1 ORDER BY scheduled_for, recorded_at", urn
        )
        return [_circle_from_row(row) for row in rows]

    async def held_on(self, cohort_id: str, urns: Iterable[str]) -> dict[str, list[date]]:
        rows = await self._conn.fetch(
            "SELECT urn, held_on FROM circles WHERE status = 'held' AND cohort_id = $1 AND urn = ANY($2::text[]) "
            "ORDER BY held_on",
            cohort_id,
            list(urns),
        )
        held: dict[str, list[date]] = {}
        for row in rows:
            held.setdefault(row["urn"], []).append(row["held_on"])
        return held


class PostgresCirclesUnitOfWork(PostgresUnitOfWork):
    schools: PostgresSchoolRepository
    cohorts: PostgresCohortRepository
    roster: PostgresRosterRepository
    circles: PostgresCircleRepository

    def _open_repositories(self, conn: AnyConnection) -> None:
        self.schools = PostgresSchoolRepository(conn)
        self.cohorts = PostgresCohortRepository(conn)
        self.roster = PostgresRosterRepository(conn)
        self.circles = PostgresCircleRepository(conn)
