"""In-memory stand-in for reporting's unit of work, for handler unit tests only."""

from __future__ import annotations

from collections import defaultdict

from services.reporting.domain.facts import SchoolFacts
from services.reporting.domain.impact_returns import ImpactReturn
from services.reporting.domain.periods import Period
from services.reporting.domain.progress import ReportedSchool
from tests.unit.fakes import FakeUnitOfWork, NotFaked


class FakeImpactReturns:
    def __init__(self, schools: list[ReportedSchool]) -> None:
        self.schools = {school.urn: school for school in schools}
        self.rows: list[ImpactReturn] = []
        self.staged: list[ImpactReturn] = []

    async def school_for_update(self, urn: str) -> ReportedSchool | None:
        return self.schools.get(urn)

    async def versions_of(self, urn: str, cohort_id: str, period: Period) -> list[ImpactReturn]:
        mine = [*self.rows, *self.staged]
        return [r for r in mine if (r.urn, r.cohort_id, r.period) == (urn, cohort_id, period)]

    async def add(self, submitted: ImpactReturn) -> None:
        self.staged.append(submitted)

    async def of_schools(self, urns: list[str]) -> dict[str, list[ImpactReturn]]:
        found: dict[str, list[ImpactReturn]] = defaultdict(list)
        for row in self.rows:
            if row.urn in urns:
                found[row.urn].append(row)
        return found


class FakeReadModels(NotFaked):
    """The schools reporting knows; the projections are exercised against Postgres, not here."""

    def __init__(self, schools: list[ReportedSchool]) -> None:
        self._schools = schools

    async def schools(self, cohort_id: str | None = None, urn: str | None = None) -> list[ReportedSchool]:
        return [s for s in self._schools if cohort_id in (None, s.cohort_id) and urn in (None, s.urn)]

    async def facts(self, schools: list[ReportedSchool]) -> dict[str, SchoolFacts]:
        return {school.urn: SchoolFacts() for school in schools}

    async def cohort_names(self) -> dict[str, str]:
        return {}


class FakeLiveFeed(NotFaked):
    """The live feed is exercised against Postgres, not here."""


class FakeForecasts(NotFaked):
    """Forecasts are kept in Postgres and tested there."""


class FakeReportingUnitOfWork(FakeUnitOfWork):
    def __init__(self, schools: list[ReportedSchool]) -> None:
        super().__init__()
        self.read_models = FakeReadModels(schools)
        self.feed = FakeLiveFeed()
        self.impact = FakeImpactReturns(schools)
        self.forecasts = FakeForecasts()

    def _rollback(self) -> None:
        self.impact.staged = []

    def _apply(self) -> None:
        self.impact.rows += self.impact.staged
        self.impact.staged = []
