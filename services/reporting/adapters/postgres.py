"""Reporting's unit of work over Postgres, and the impact returns schools submit."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from contracts.envelope import Envelope
from runtime.database import AnyConnection
from runtime.rows import Columns, PostgresRepository
from runtime.unit_of_work import PostgresUnitOfWork
from services.reporting.adapters.live_feed import PostgresLiveFeed
from services.reporting.adapters.read_models import SCHOOL_COLUMNS, PostgresReadModels, reported_school
from services.reporting.domain.impact_returns import FIGURES, ImpactFigures, ImpactReturn
from services.reporting.domain.periods import Period
from services.reporting.domain.progress import ReportedSchool

__all__ = ["PostgresReportingUnitOfWork"]


_FIGURE_COLUMNS = Columns(*FIGURES)
_RETURN_COLUMNS = (
    f"return_id, urn, cohort_id, academic_year, period, version, replaces, submitted_at, {_FIGURE_COLUMNS}"
)


def _impact_return(row: asyncpg.Record) -> ImpactReturn:
    return ImpactReturn(
        return_id=row["return_id"],
        urn=row["urn"],
        cohort_id=row["cohort_id"],
        period=Period(row["academic_year"], row["period"]),
        version=row["version"],
        replaces=row["replaces"],
        figures=_FIGURE_COLUMNS.build(ImpactFigures, row),
        submitted_at=row["submitted_at"],
    )


class PostgresImpactReturns(PostgresRepository):
    async def school_for_update(self, urn: str) -> ReportedSchool | None:
        row = await self._conn.fetchrow(f"SELECT {SCHOOL_COLUMNS} FROM schools WHERE urn = $1 FOR UPDATE", urn)
        return None if row is None else reported_school(row)

    async def versions_of(self, urn: str, cohort_id: str, period: Period) -> list[ImpactReturn]:
        rows = await self._conn.fetch(
            f"SELECT {_RETURN_COLUMNS} FROM impact_returns "
            "WHERE urn = $1 AND cohort_id = $2 AND academic_year = $3 AND period = $4 ORDER BY version",
            urn,
            cohort_id,
            period.academic_year,
            period.name,
        )
        return [_impact_return(row) for row in rows]

    async def add(self, submitted: ImpactReturn) -> None:
        placeholders = ", ".join(f"${n}" for n in range(1, 9 + len(FIGURES)))
        await self._conn.execute(
            f"INSERT INTO impact_returns ({_RETURN_COLUMNS}) VALUES ({placeholders})",
            submitted.return_id,
            submitted.urn,
            submitted.cohort_id,
            submitted.period.academic_year,
            submitted.period.name,
            submitted.version,
            submitted.replaces,
            submitted.submitted_at,
            *_FIGURE_COLUMNS.values(submitted.figures),
        )

    async def of_schools(self, urns: list[str]) -> dict[str, list[ImpactReturn]]:
        rows = await self._conn.fetch(
            f"SELECT {_RETURN_COLUMNS} FROM impact_returns WHERE urn = ANY($1::text[]) "
            "ORDER BY urn, academic_year, period, version",
            urns,
        )
        by_school: dict[str, list[ImpactReturn]] = defaultdict(list)
        for row in rows:
            by_school[row["urn"]].append(_impact_return(row))
        return by_school


class PostgresForecasts(PostgresRepository):
    async def keep(self, cohort_id: str, made_at: datetime, document: dict[str, Any]) -> None:
        await self._conn.execute(
            "INSERT INTO cohort_forecasts (cohort_id, made_at, document) VALUES ($1, $2, $3) "
            "ON CONFLICT (cohort_id) DO UPDATE SET made_at = EXCLUDED.made_at, document = EXCLUDED.document",
            cohort_id,
            made_at,
            document,  # the pool's jsonb codec encodes it
        )

    async def latest(self, cohort_id: str) -> tuple[datetime, dict[str, Any]] | None:
        row = await self._conn.fetchrow(
            "SELECT made_at, document FROM cohort_forecasts WHERE cohort_id = $1", cohort_id
        )
        return None if row is None else (row["made_at"], row["document"])


class PostgresReportingUnitOfWork(PostgresUnitOfWork):
    read_models: PostgresReadModels
    feed: PostgresLiveFeed
    impact: PostgresImpactReturns
    forecasts: PostgresForecasts
    _holding_read_models: bool

    def _open_repositories(self, conn: AnyConnection) -> None:
        self.read_models = PostgresReadModels(conn)
        self.feed = PostgresLiveFeed(conn)
        self.impact = PostgresImpactReturns(conn)
        self.forecasts = PostgresForecasts(conn)
        self._holding_read_models = False

    async def claim(self, consumer: str, envelope: Envelope) -> bool:
        # Hold the read models first (shared with other projections, exclusive while a rebuild swaps its tables
        # in), so a projection never holds an inbox row the swap is replacing. Once per transaction: a batch of
        # events claims many times under the one hold.
        await self._hold_read_models()
        return await super().claim(consumer, envelope)

    async def claim_all(self, consumer: str, envelopes: list[Envelope]) -> set[UUID]:
        await self._hold_read_models()
        return await super().claim_all(consumer, envelopes)

    async def _hold_read_models(self) -> None:
        if not self._holding_read_models:
            await self.feed.hold_read_models()
            self._holding_read_models = True

    async def _before_commit(self) -> None:
        await self.read_models.flush()
        await self.feed.flush()
