"""The programme's read models in Postgres: facts written as events arrive, read back per school.

`suffix` names a set of tables: "" for the live ones, "_rebuild" for the fresh set a rebuild fills before it
swaps them in. Every write is idempotent on its own key as well, so a fact stated twice is kept once.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from contracts.envelope import Envelope
from contracts.events import (
    CircleHeld,
    CohortCreated,
    FlaggedAtRisk,
    JourneyCompleted,
    JourneyWithdrawn,
    ModuleCompleted,
    PhaseEntered,
    SchoolEnrolled,
    StaffLeft,
    StaffRegistered,
)
from contracts.events.learning import ModuleCompletionWithdrawn, PractitionerTrained
from runtime.database import AnyConnection
from services.reporting.domain.facts import (
    AttendedSession,
    CircleFact,
    ClearingFact,
    CompletionFact,
    FlagFact,
    JourneyEnding,
    PhaseFact,
    PractitionerFact,
    SchoolFacts,
    SessionKind,
    StaffFact,
)
from services.reporting.domain.progress import ReportedSchool

__all__ = ["READ_MODEL_TABLES", "PostgresReadModels", "reported_school"]

# Every table a rebuild refills from the streams (impact returns and the live feed are not projections).
READ_MODEL_TABLES = (
    "schools",
    "cohorts",
    "school_endings",
    "staff",
    "module_completion_records",
    "circles_held",
    "sessions_attended",
    "practitioners_trained",
    "journey_phases",
    "journey_flags",
    "journey_clearings",
    "journey_endings",
)


def reported_school(row: asyncpg.Record) -> ReportedSchool:
    return ReportedSchool(
        urn=row["urn"],
        cohort_id=row["cohort_id"],
        school_name=row["school_name"],
        enrolled_on=row["enrolled_on"],
        phase=row["phase"],
        local_authority=row["local_authority"],
    )


class PostgresReadModels:
    def __init__(self, conn: AnyConnection, suffix: str = "") -> None:
        self._conn = conn
        self._suffix = suffix

    def _t(self, table: str) -> str:
        return f"{table}{self._suffix}"

    # Writes, one per kind of fact.

    async def add_school(self, event: SchoolEnrolled) -> None:
        await self._conn.execute(
            f"INSERT INTO {self._t('schools')} (urn, cohort_id, school_name, enrolled_on, phase, local_authority) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (urn) DO UPDATE SET cohort_id = EXCLUDED.cohort_id, "
            "school_name = EXCLUDED.school_name, enrolled_on = EXCLUDED.enrolled_on, phase = EXCLUDED.phase, "
            "local_authority = EXCLUDED.local_authority",
            event.urn,
            event.cohort_id,
            event.school_name,
            event.enrolled_on,
            event.phase,
            event.local_authority,
        )

    async def add_cohort(self, event: CohortCreated) -> None:
        await self._conn.execute(
            f"INSERT INTO {self._t('cohorts')} (cohort_id, name, local_authority, starts_on, ends_on, plan) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (cohort_id) DO NOTHING",
            event.cohort_id,
            event.name,
            event.local_authority,
            event.starts_on,
            event.ends_on,
            event.plan.model_dump(mode="json"),
        )

    async def end_school(self, urn: str, cohort_id: str, kind: str, ended_on: date) -> None:
        await self._conn.execute(
            f"INSERT INTO {self._t('school_endings')} (urn, cohort_id, kind, ended_on) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT DO NOTHING",
            urn,
            cohort_id,
            kind,
            ended_on,
        )

    async def register_staff(self, event: StaffRegistered) -> None:
        await self._conn.execute(
            f"INSERT INTO {self._t('staff')} (staff_id, urn, cohort_id, role, starts_on, registered) "
            "VALUES ($1, $2, $3, $4, $5, true) ON CONFLICT (staff_id) DO UPDATE SET urn = EXCLUDED.urn, "
            "cohort_id = EXCLUDED.cohort_id, role = EXCLUDED.role, starts_on = EXCLUDED.starts_on, registered = true",
            event.staff_id,
            event.urn,
            event.cohort_id,
            event.role,
            event.starts_on,
        )

    async def staff_left(self, event: StaffLeft) -> None:
        await self._conn.execute(
            f"INSERT INTO {self._t('staff')} (staff_id, urn, left_on) VALUES ($1, $2, $3) "
            "ON CONFLICT (staff_id) DO UPDATE SET left_on = EXCLUDED.left_on",
            event.staff_id,
            event.urn,
            event.left_on,
        )

    async def module_completed(self, event: ModuleCompleted) -> None:
        await self._conn.execute(
            f"INSERT INTO {self._t('module_completion_records')} "
            "(completion_id, staff_id, module_number, urn, cohort_id, completed_at) VALUES ($1, $2, $3, $4, $5, $6) "
            "ON CONFLICT (completion_id) DO UPDATE SET completed_at = EXCLUDED.completed_at",
            event.completion_id,
            event.staff_id,
            event.module_number,
            event.urn,
            event.cohort_id,
            event.completed_at,
        )

    async def completion_withdrawn(self, event: ModuleCompletionWithdrawn) -> None:
        await self._conn.execute(
            f"INSERT INTO {self._t('module_completion_records')} "
            "(completion_id, staff_id, module_number, urn, cohort_id, withdrawn_at) VALUES ($1, $2, $3, $4, $5, $6) "
            "ON CONFLICT (completion_id) DO UPDATE SET withdrawn_at = EXCLUDED.withdrawn_at",
            event.completion_id,
            event.staff_id,
            event.module_number,
            event.urn,
            event.cohort_id,
            event.withdrawn_at,
        )

    async def circle_held(self, event: CircleHeld) -> None:
        await self._conn.execute(
            f"INSERT INTO {self._t('circles_held')} "
            "(circle_id, urn, cohort_id, kind, held_on, half_term, participant_count) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (circle_id) DO UPDATE SET held_on = EXCLUDED.held_on, "
            "half_term = EXCLUDED.half_term, participant_count = EXCLUDED.participant_count",
            event.circle_id,
            event.urn,
            event.cohort_id,
            event.kind,
            event.held_on,
            event.half_term,
            event.participant_count,
        )

    async def session_attended(
        self,
        kind: SessionKind,
        session_id: UUID,
        urn: str,
        cohort_id: str,
        day_number: int | None,
        held_on: date,
        staff_ids: list[UUID],
    ) -> None:
        await self._conn.execute(
            f"INSERT INTO {self._t('sessions_attended')} "
            "(kind, session_id, urn, cohort_id, day_number, held_on, staff_ids) VALUES ($1, $2, $3, $4, $5, $6, $7) "
            "ON CONFLICT (kind, session_id, urn) DO UPDATE SET held_on = EXCLUDED.held_on, "
            "staff_ids = EXCLUDED.staff_ids",
            kind,
            session_id,
            urn,
            cohort_id,
            day_number,
            held_on,
            staff_ids,
        )

    async def practitioner_trained(self, event: PractitionerTrained) -> None:
        await self._conn.execute(
            f"INSERT INTO {self._t('practitioners_trained')} (session_id, staff_id, urn, cohort_id, trained_on) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            event.session_id,
            event.staff_id,
            event.urn,
            event.cohort_id,
            event.trained_on,
        )

    async def phase_entered(self, event: PhaseEntered) -> None:
        await self._conn.execute(
            f"INSERT INTO {self._t('journey_phases')} AS t (urn, cohort_id, phase, month, entered_on) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (urn, cohort_id, phase) DO UPDATE "
            # A phase told twice (a journey's retried activity) keeps its first entry, whatever the arrival order.
            "SET month = LEAST(t.month, EXCLUDED.month), entered_on = LEAST(t.entered_on, EXCLUDED.entered_on)",
            event.urn,
            event.cohort_id,
            event.phase,
            event.month,
            event.entered_on,
        )

    async def flagged_at_risk(self, event: FlaggedAtRisk, envelope: Envelope) -> None:
        await self._conn.execute(
            f"INSERT INTO {self._t('journey_flags')} "
            "(event_id, urn, cohort_id, phase, reasons, flagged_on, flagged_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            envelope.id,
            event.urn,
            event.cohort_id,
            event.phase,
            event.reasons,
            event.flagged_on,
            envelope.time,
        )

    async def back_on_track(self, urn: str, cohort_id: str, cleared_on: date, envelope: Envelope) -> None:
        await self._conn.execute(
            f"INSERT INTO {self._t('journey_clearings')} (event_id, urn, cohort_id, cleared_on, cleared_at) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            envelope.id,
            urn,
            cohort_id,
            cleared_on,
            envelope.time,
        )

    async def journey_ended(self, event: JourneyCompleted | JourneyWithdrawn) -> None:
        values: tuple[str, date, str | None, bool | None, dict[str, Any] | None]
        if isinstance(event, JourneyCompleted):
            values = ("completed", event.completed_on, None, event.at_risk, event.summary.model_dump(mode="json"))
        else:
            values = ("withdrawn", event.withdrawn_on, event.phase, None, None)
        await self._conn.execute(
            f"INSERT INTO {self._t('journey_endings')} (urn, cohort_id, kind, ended_on, phase, at_risk, summary) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            event.urn,
            event.cohort_id,
            *values,
        )

    # Reads.

    async def schools(self, cohort_id: str | None = None, urn: str | None = None) -> list[ReportedSchool]:
        rows = await self._conn.fetch(
            f"SELECT urn, cohort_id, school_name, enrolled_on, phase, local_authority FROM {self._t('schools')} "
            "WHERE ($1::text IS NULL OR cohort_id = $1) AND ($2::text IS NULL OR urn = $2) "
            "ORDER BY cohort_id, school_name, urn",
            cohort_id,
            urn,
        )
        return [reported_school(row) for row in rows]

    async def cohort_names(self) -> dict[str, str]:
        return {row["cohort_id"]: row["name"] for row in await self._conn.fetch(f"SELECT * FROM {self._t('cohorts')}")}

    async def _of(self, table: str, schools: list[ReportedSchool], columns: str) -> dict[str, list[asyncpg.Record]]:
        """Rows of `table` about these schools in their current cohorts."""
        rows = await self._conn.fetch(
            f"SELECT t.urn, {columns} FROM {self._t(table)} t "
            "JOIN unnest($1::text[], $2::text[]) AS s(urn, cohort_id) ON s.urn = t.urn AND s.cohort_id = t.cohort_id",
            [school.urn for school in schools],
            [school.cohort_id for school in schools],
        )
        by_school: dict[str, list[asyncpg.Record]] = defaultdict(list)
        for row in rows:
            by_school[row["urn"].strip()].append(row)
        return by_school

    async def facts(self, schools: list[ReportedSchool]) -> dict[str, SchoolFacts]:
        """What is known about each of `schools` (staff by school; everything else in the school's cohort)."""
        urns = [school.urn for school in schools]
        staff: dict[str, list[StaffFact]] = defaultdict(list)
        for row in await self._conn.fetch(
            f"SELECT urn, staff_id, role, registered, left_on FROM {self._t('staff')} WHERE urn = ANY($1::text[])",
            urns,
        ):
            staff[row["urn"]].append(StaffFact(row["staff_id"], row["role"], row["registered"], row["left_on"]))
        completions = await self._of(
            "module_completion_records", schools, "completion_id, staff_id, module_number, completed_at, withdrawn_at"
        )
        circles = await self._of("circles_held", schools, "circle_id, kind, held_on, half_term, participant_count")
        sessions = await self._of("sessions_attended", schools, "kind, session_id, day_number, held_on, staff_ids")
        practitioners = await self._of("practitioners_trained", schools, "staff_id, trained_on")
        phases = await self._of("journey_phases", schools, "phase, month, entered_on")
        flags = await self._of("journey_flags", schools, "phase, reasons, flagged_on, flagged_at")
        clearings = await self._of("journey_clearings", schools, "cleared_on, cleared_at")
        journey_endings = await self._of("journey_endings", schools, "kind, ended_on, phase, at_risk, summary")
        school_endings = await self._of("school_endings", schools, "kind, ended_on")

        found = {}
        for urn in urns:
            found[urn] = SchoolFacts(
                staff=tuple(staff[urn]),
                completions=tuple(
                    CompletionFact(
                        r["completion_id"],
                        r["staff_id"],
                        r["module_number"],
                        r["completed_at"],
                        r["withdrawn_at"] is not None,
                    )
                    for r in completions[urn]
                ),
                circles=tuple(
                    CircleFact(r["circle_id"], r["kind"], r["held_on"], r["half_term"], r["participant_count"])
                    for r in circles[urn]
                ),
                sessions=tuple(
                    AttendedSession(r["kind"], r["session_id"], r["day_number"], r["held_on"], tuple(r["staff_ids"]))
                    for r in sessions[urn]
                ),
                practitioners=tuple(PractitionerFact(r["staff_id"], r["trained_on"]) for r in practitioners[urn]),
                phases=tuple(PhaseFact(r["phase"], r["month"], r["entered_on"]) for r in phases[urn]),
                flags=tuple(
                    FlagFact(r["phase"], tuple(r["reasons"]), r["flagged_on"], r["flagged_at"]) for r in flags[urn]
                ),
                clearings=tuple(ClearingFact(r["cleared_on"], r["cleared_at"]) for r in clearings[urn]),
                journey_endings=tuple(
                    JourneyEnding(r["kind"], r["ended_on"], r["phase"], r["at_risk"], r["summary"])
                    for r in journey_endings[urn]
                ),
                school_endings={r["kind"]: r["ended_on"] for r in school_endings[urn]},
            )
        return found
