"""The programme's read models in Postgres: facts written as events arrive, read back per school.

`suffix` names a set of tables: "" for the live ones, "_rebuild" for the fresh set a rebuild fills before it
swaps them in. Every write is idempotent on its own key as well, so a fact stated twice is kept once.

Writes are held back and sent together by `flush` (the unit of work flushes before it commits, and every read
flushes first): a batch of events becomes one pipelined `executemany` per kind of row instead of a round trip per
event. Regrouping by kind is safe because every projection commutes with every other: each kind of event writes
its own columns or its own rows (the streams are replayed side by side on a rebuild for the same reason).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import asyncpg

from contracts import events
from contracts.envelope import Envelope
from runtime.database import AnyConnection
from runtime.rows import Columns
from services.reporting.domain import facts as domain
from services.reporting.domain.progress import ReportedSchool

__all__ = ["READ_MODEL_TABLES", "SCHOOL_COLUMNS", "PostgresReadModels", "reported_school"]

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


# The columns both a completion and its withdrawal write, from the event that states them.
_COMPLETION_RECORD = ("completion_id", "staff_id", "module_number", "urn", "cohort_id")


def _fields(event: events.Event, *names: str) -> dict[str, Any]:
    """A row's columns taken from the event's fields of the same names."""
    return {name: getattr(event, name) for name in names}


def _replace(key: str, *columns: str) -> str:
    """The ON CONFLICT clause by which a row already on `key` takes `columns` from the new one."""
    return f"({key}) DO UPDATE SET " + ", ".join(f"{column} = EXCLUDED.{column}" for column in columns)


SCHOOL_COLUMNS = Columns("urn", "cohort_id", "school_name", "enrolled_on", "phase", "local_authority")


def reported_school(row: asyncpg.Record) -> ReportedSchool:
    return SCHOOL_COLUMNS.build(ReportedSchool, row)


class PostgresReadModels:
    def __init__(self, conn: AnyConnection, suffix: str = "") -> None:
        self._conn = conn
        self._suffix = suffix
        # Statement -> the rows waiting for it, in the order their events were applied.
        self._held: dict[str, list[tuple[Any, ...]]] = {}

    def _t(self, table: str) -> str:
        return f"{table}{self._suffix}"

    async def _insert(self, table: str, row: dict[str, Any], on_conflict: str = "DO NOTHING") -> None:
        """Write one row into this set's `table`; `on_conflict` says what becomes of a row already on its key."""
        placeholders = ", ".join(f"${number}" for number in range(1, len(row) + 1))
        statement = (
            f"INSERT INTO {self._t(table)} AS t ({', '.join(row)}) VALUES ({placeholders}) ON CONFLICT {on_conflict}"
        )
        self._held.setdefault(statement, []).append(tuple(row.values()))

    async def flush(self) -> None:
        """Write every held row: one pipelined round trip per statement, rows in the order they were stated."""
        held, self._held = self._held, {}
        for statement, rows in held.items():
            if len(rows) == 1:
                await self._conn.execute(statement, *rows[0])
            else:
                await self._conn.executemany(statement, rows)

    # Writes, one per kind of fact.

    async def add_school(self, event: events.SchoolEnrolled) -> None:
        school = _fields(event, *SCHOOL_COLUMNS.names)
        await self._insert("schools", school, _replace("urn", *list(school)[1:]))

    async def add_cohort(self, event: events.CohortCreated) -> None:
        cohort = _fields(event, "cohort_id", "name", "local_authority", "starts_on", "ends_on")
        await self._insert("cohorts", {**cohort, "plan": event.plan.model_dump(mode="json")}, "(cohort_id) DO NOTHING")

    async def end_school(self, urn: str, cohort_id: str, kind: str, ended_on: date) -> None:
        await self._insert("school_endings", {"urn": urn, "cohort_id": cohort_id, "kind": kind, "ended_on": ended_on})

    async def register_staff(self, event: events.StaffRegistered) -> None:
        staff = {**_fields(event, "staff_id", "urn", "cohort_id", "role", "starts_on"), "registered": True}
        await self._insert("staff", staff, _replace("staff_id", *list(staff)[1:]))

    async def staff_left(self, event: events.StaffLeft) -> None:
        await self._insert("staff", _fields(event, "staff_id", "urn", "left_on"), _replace("staff_id", "left_on"))

    async def module_completed(self, event: events.ModuleCompleted) -> None:
        record = _fields(event, *_COMPLETION_RECORD, "completed_at")
        await self._insert("module_completion_records", record, _replace("completion_id", "completed_at"))

    async def completion_withdrawn(self, event: events.ModuleCompletionWithdrawn) -> None:
        record = _fields(event, *_COMPLETION_RECORD, "withdrawn_at")
        await self._insert("module_completion_records", record, _replace("completion_id", "withdrawn_at"))

    async def circle_held(self, event: events.CircleHeld) -> None:
        circle = _fields(event, "circle_id", "urn", "cohort_id", "kind", "held_on", "half_term", "participant_count")
        await self._insert("circles_held", circle, _replace("circle_id", "held_on", "half_term", "participant_count"))

    async def session_attended(self, urn: str, cohort_id: str, session: domain.AttendedSession) -> None:
        attended = {
            "kind": session.kind,
            "session_id": session.session_id,
            "urn": urn,
            "cohort_id": cohort_id,
            "day_number": session.day_number,
            "held_on": session.held_on,
            "staff_ids": list(session.staff_ids),
        }
        await self._insert("sessions_attended", attended, _replace("kind, session_id, urn", "held_on", "staff_ids"))

    async def practitioner_trained(self, event: events.PractitionerTrained) -> None:
        await self._insert(
            "practitioners_trained", _fields(event, "session_id", "staff_id", "urn", "cohort_id", "trained_on")
        )

    async def phase_entered(self, event: events.PhaseEntered) -> None:
        await self._insert(
            "journey_phases",
            _fields(event, "urn", "cohort_id", "phase", "month", "entered_on"),
            # A phase told twice (a journey's retried activity) keeps its first entry, whatever the arrival order.
            "(urn, cohort_id, phase) DO UPDATE "
            "SET month = LEAST(t.month, EXCLUDED.month), entered_on = LEAST(t.entered_on, EXCLUDED.entered_on)",
        )

    async def flagged_at_risk(self, event: events.FlaggedAtRisk, envelope: Envelope) -> None:
        flag = _fields(event, "urn", "cohort_id", "phase", "reasons", "flagged_on")
        await self._insert("journey_flags", {"event_id": envelope.id, **flag, "flagged_at": envelope.time})

    async def back_on_track(self, urn: str, cohort_id: str, cleared_on: date, envelope: Envelope) -> None:
        await self._insert(
            "journey_clearings",
            {
                "event_id": envelope.id,
                "urn": urn,
                "cohort_id": cohort_id,
                "cleared_on": cleared_on,
                "cleared_at": envelope.time,
            },
        )

    async def journey_ended(self, event: events.JourneyCompleted | events.JourneyWithdrawn) -> None:
        values: tuple[str, date, str | None, bool | None, dict[str, Any] | None]
        if isinstance(event, events.JourneyCompleted):
            values = ("completed", event.completed_on, None, event.at_risk, event.summary.model_dump(mode="json"))
        else:
            values = ("withdrawn", event.withdrawn_on, event.phase, None, None)
        ending = dict(zip(("kind", "ended_on", "phase", "at_risk", "summary"), values, strict=True))
        await self._insert("journey_endings", {**_fields(event, "urn", "cohort_id"), **ending})

    # Reads.

    async def schools(self, cohort_id: str | None = None, urn: str | None = None) -> list[ReportedSchool]:
        await self.flush()
        rows = await self._conn.fetch(
            f"SELECT {SCHOOL_COLUMNS} FROM {self._t('schools')} "
            "WHERE ($1::text IS NULL OR cohort_id = $1) AND ($2::text IS NULL OR urn = $2) "
            "ORDER BY cohort_id, school_name, urn",
            cohort_id,
            urn,
        )
        return [reported_school(row) for row in rows]

    async def cohort_names(self) -> dict[str, str]:
        await self.flush()
        return {row["cohort_id"]: row["name"] for row in await self._conn.fetch(f"SELECT * FROM {self._t('cohorts')}")}

    async def _of(self, table: str, schools: list[ReportedSchool], columns: str) -> dict[str, list[asyncpg.Record]]:
        """Rows of `table` about these schools in their current cohorts."""
        await self.flush()
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

    async def facts(self, schools: list[ReportedSchool]) -> dict[str, domain.SchoolFacts]:
        """What is known about each of `schools` (staff by school; everything else in the school's cohort)."""
        await self.flush()
        urns = [school.urn for school in schools]
        staff: dict[str, list[domain.StaffFact]] = defaultdict(list)
        for row in await self._conn.fetch(
            f"SELECT urn, staff_id, role, registered, left_on FROM {self._t('staff')} WHERE urn = ANY($1::text[])",
            urns,
        ):
            staff[row["urn"]].append(domain.StaffFact(row["staff_id"], row["role"], row["registered"], row["left_on"]))
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
            found[urn] = domain.SchoolFacts(
                staff=tuple(staff[urn]),
                completions=tuple(
                    domain.CompletionFact(
                        r["completion_id"],
                        r["staff_id"],
                        r["module_number"],
                        r["completed_at"],
                        r["withdrawn_at"] is not None,
                    )
                    for r in completions[urn]
                ),
                circles=tuple(
                    domain.CircleFact(r["circle_id"], r["kind"], r["held_on"], r["half_term"], r["participant_count"])
                    for r in circles[urn]
                ),
                sessions=tuple(
                    domain.AttendedSession(
                        r["kind"], r["session_id"], r["day_number"], r["held_on"], tuple(r["staff_ids"])
                    )
                    for r in sessions[urn]
                ),
                practitioners=tuple(
                    domain.PractitionerFact(r["staff_id"], r["trained_on"]) for r in practitioners[urn]
                ),
                phases=tuple(domain.PhaseFact(r["phase"], r["month"], r["entered_on"]) for r in phases[urn]),
                flags=tuple(
                    domain.FlagFact(r["phase"], tuple(r["reasons"]), r["flagged_on"], r["flagged_at"])
                    for r in flags[urn]
                ),
                clearings=tuple(domain.ClearingFact(r["cleared_on"], r["cleared_at"]) for r in clearings[urn]),
                journey_endings=tuple(
                    domain.JourneyEnding(r["kind"], r["ended_on"], r["phase"], r["at_risk"], r["summary"])
                    for r in journey_endings[urn]
                ),
                school_endings={r["kind"]: r["ended_on"] for r in school_endings[urn]},
            )
        return found
