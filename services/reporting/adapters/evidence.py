"""Reporting's evidence in Postgres: adaptations, survey instruments and tallies, feedback, and the unit of work
the evidence API runs in (beside the read models and impact returns it reads).

Survey tallies are written with one UPDATE of the running sums under the row's lock: no answer, staff id or time
ever reaches a table, a log or a trace (asyncpg's spans carry the statement, never its arguments).
"""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

import asyncpg

from contracts.programme import ProgrammePlan
from runtime.database import AnyConnection
from runtime.rows import PostgresRepository
from runtime.unit_of_work import PostgresUnitOfWork
from services.reporting.adapters.postgres import PostgresImpactReturns
from services.reporting.adapters.read_models import PostgresReadModels
from services.reporting.domain.adaptations import Adaptation, AdaptedPart
from services.reporting.domain.early_indicators import Feedback, FeedbackOccasion, QuoteStatus
from services.reporting.domain.surveys import Instrument, Tally, Wave, instrument_from

__all__ = ["PostgresEvidence", "PostgresEvidenceUnitOfWork"]

_ADAPTATION = "adaptation_id, urn, cohort_id, part, what_changed, reason, decided_on, recorded_at"
_FEEDBACK = "feedback_id, cohort_id, urn, occasion, occasion_id, impacts, quote, consent_to_publish, quote_status"


def _adaptation(row: asyncpg.Record) -> Adaptation:
    return Adaptation(
        adaptation_id=row["adaptation_id"],
        urn=row["urn"],
        cohort_id=row["cohort_id"],
        part=cast(AdaptedPart, row["part"]),
        what_changed=row["what_changed"],
        reason=row["reason"],
        decided_on=row["decided_on"],
        recorded_at=row["recorded_at"],
    )


def _feedback(row: asyncpg.Record) -> Feedback:
    return Feedback(
        feedback_id=row["feedback_id"],
        cohort_id=row["cohort_id"],
        urn=row["urn"],
        occasion=cast(FeedbackOccasion, row["occasion"]),
        occasion_id=row["occasion_id"],
        impacts=tuple(row["impacts"]),
        quote=row["quote"],
        consent_to_publish=row["consent_to_publish"],
        quote_status=cast(QuoteStatus, row["quote_status"]),
    )


class PostgresEvidence(PostgresRepository):
    async def cohort(self, cohort_id: str) -> tuple[str, ProgrammePlan] | None:
        row = await self._conn.fetchrow("SELECT name, plan FROM cohorts WHERE cohort_id = $1", cohort_id)
        return None if row is None else (row["name"], ProgrammePlan.model_validate(row["plan"]))

    async def add_adaptation(self, adaptation: Adaptation) -> None:
        await self._conn.execute(
            f"INSERT INTO adaptations ({_ADAPTATION}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            adaptation.adaptation_id,
            adaptation.urn,
            adaptation.cohort_id,
            adaptation.part,
            adaptation.what_changed,
            adaptation.reason,
            adaptation.decided_on,
            adaptation.recorded_at,
        )

    async def adaptations(self, urns: list[str]) -> list[Adaptation]:
        rows = await self._conn.fetch(
            f"SELECT {_ADAPTATION} FROM adaptations WHERE urn = ANY($1::text[]) ORDER BY decided_on, recorded_at",
            urns,
        )
        return [_adaptation(row) for row in rows]

    async def instruments(self) -> list[Instrument]:
        rows = await self._conn.fetch("SELECT definition FROM survey_instruments ORDER BY instrument_id")
        return [instrument_from(row["definition"]) for row in rows]

    async def add_instrument(self, instrument: Instrument) -> bool:
        """False when an instrument of that id is already loaded (it is never replaced: tallies depend on it)."""
        done = await self._conn.execute(
            "INSERT INTO survey_instruments (instrument_id, definition) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            instrument.instrument_id,
            instrument.as_data(),
        )
        return bool(done.endswith(" 1"))

    async def tallies_for_update(self, instrument_id: str, urn: str, cohort_id: str, wave: Wave) -> tuple[Tally, Tally]:
        """(pending, released), locked until the unit of work ends."""
        key = (instrument_id, urn, cohort_id, wave)
        await self._conn.execute(
            "INSERT INTO survey_tallies (instrument_id, urn, cohort_id, wave, released, respondents, points) "
            "SELECT $1, $2, $3, $4, released, 0, '{}'::jsonb FROM (VALUES (false), (true)) AS r(released) "
            "ON CONFLICT DO NOTHING",
            *key,
        )
        rows = await self._conn.fetch(
            "SELECT released, respondents, points FROM survey_tallies "
            "WHERE instrument_id = $1 AND urn = $2 AND cohort_id = $3 AND wave = $4 FOR UPDATE",
            *key,
        )
        found = {row["released"]: Tally(row["respondents"], row["points"]) for row in rows}
        return found[False], found[True]

    async def save_tallies(
        self, instrument_id: str, urn: str, cohort_id: str, wave: Wave, pending: Tally, released: Tally
    ) -> None:
        await self._conn.executemany(
            "UPDATE survey_tallies SET respondents = $6, points = $7 "
            "WHERE instrument_id = $1 AND urn = $2 AND cohort_id = $3 AND wave = $4 AND released = $5",
            [
                (instrument_id, urn, cohort_id, wave, False, pending.respondents, dict(pending.points)),
                (instrument_id, urn, cohort_id, wave, True, released.respondents, dict(released.points)),
            ],
        )

    async def released_tallies(
        self, instrument_id: str, urns: list[str], cohort_id: str
    ) -> dict[tuple[str, str], Tally]:
        """Released tallies of these schools in the cohort, by (urn, wave)."""
        rows = await self._conn.fetch(
            "SELECT urn, wave, respondents, points FROM survey_tallies "
            "WHERE instrument_id = $1 AND urn = ANY($2::text[]) AND cohort_id = $3 AND released",
            instrument_id,
            urns,
            cohort_id,
        )
        return {(row["urn"].strip(), row["wave"]): Tally(row["respondents"], row["points"]) for row in rows}

    async def add_feedback(self, feedback: Feedback) -> None:
        values: list[Any] = [
            feedback.feedback_id,
            feedback.cohort_id,
            feedback.urn,
            feedback.occasion,
            feedback.occasion_id,
            list(feedback.impacts),
            feedback.quote,
            feedback.consent_to_publish,
            feedback.quote_status,
        ]
        await self._conn.execute(
            f"INSERT INTO feedback ({_FEEDBACK}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", *values
        )

    async def feedback_of(self, cohort_id: str) -> list[Feedback]:
        rows = await self._conn.fetch(f"SELECT {_FEEDBACK} FROM feedback WHERE cohort_id = $1", cohort_id)
        return [_feedback(row) for row in rows]

    async def feedback_for_update(self, feedback_id: UUID) -> Feedback | None:
        row = await self._conn.fetchrow(
            f"SELECT {_FEEDBACK} FROM feedback WHERE feedback_id = $1 FOR UPDATE", feedback_id
        )
        return None if row is None else _feedback(row)

    async def set_quote_status(self, feedback_id: UUID, status: QuoteStatus) -> None:
        await self._conn.execute("UPDATE feedback SET quote_status = $2 WHERE feedback_id = $1", feedback_id, status)


class PostgresEvidenceUnitOfWork(PostgresUnitOfWork):
    """The evidence API's unit of work: the read models and impact returns it reads, and its own tables."""

    read_models: PostgresReadModels
    impact: PostgresImpactReturns
    evidence: PostgresEvidence

    def _open_repositories(self, conn: AnyConnection) -> None:
        self.read_models = PostgresReadModels(conn)
        self.impact = PostgresImpactReturns(conn)
        self.evidence = PostgresEvidence(conn)
