"""In-memory stand-in for reporting's unit of work, for handler unit tests only."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from uuid import UUID

from contracts.envelope import Envelope
from contracts.events import (
    CircleHeld,
    CohortCreated,
    Event,
    FlaggedAtRisk,
    JourneyCompleted,
    JourneyWithdrawn,
    ModuleCompleted,
    ModuleCompletionWithdrawn,
    PhaseEntered,
    PractitionerTrained,
    SchoolEnrolled,
    StaffLeft,
    StaffRegistered,
)
from services.reporting.domain.facts import SchoolFacts, SessionKind
from services.reporting.domain.feed import FeedEvent
from services.reporting.domain.impact_returns import ImpactReturn
from services.reporting.domain.periods import Period
from services.reporting.domain.progress import ReportedSchool
from tests.unit.fakes import FakeUnitOfWork


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


class FakeReadModels:
    """The schools reporting knows; the projections are exercised against Postgres, not here."""

    def __init__(self, schools: list[ReportedSchool]) -> None:
        self._schools = schools

    async def schools(self, cohort_id: str | None = None, urn: str | None = None) -> list[ReportedSchool]:
        return [s for s in self._schools if cohort_id in (None, s.cohort_id) and urn in (None, s.urn)]

    async def facts(self, schools: list[ReportedSchool]) -> dict[str, SchoolFacts]:
        return {school.urn: SchoolFacts() for school in schools}

    async def cohort_names(self) -> dict[str, str]:
        return {}

    # Projection writes: exercised against Postgres in the integration tests, never here.
    async def add_school(self, event: SchoolEnrolled) -> None:
        raise NotImplementedError

    async def add_cohort(self, event: CohortCreated) -> None:
        raise NotImplementedError

    async def end_school(self, urn: str, cohort_id: str, kind: str, ended_on: date) -> None:
        raise NotImplementedError

    async def register_staff(self, event: StaffRegistered) -> None:
        raise NotImplementedError

    async def staff_left(self, event: StaffLeft) -> None:
        raise NotImplementedError

    async def module_completed(self, event: ModuleCompleted) -> None:
        raise NotImplementedError

    async def completion_withdrawn(self, event: ModuleCompletionWithdrawn) -> None:
        raise NotImplementedError

    async def circle_held(self, event: CircleHeld) -> None:
        raise NotImplementedError

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
        raise NotImplementedError

    async def practitioner_trained(self, event: PractitionerTrained) -> None:
        raise NotImplementedError

    async def phase_entered(self, event: PhaseEntered) -> None:
        raise NotImplementedError

    async def flagged_at_risk(self, event: FlaggedAtRisk, envelope: Envelope) -> None:
        raise NotImplementedError

    async def back_on_track(self, urn: str, cohort_id: str, cleared_on: date, envelope: Envelope) -> None:
        raise NotImplementedError

    async def journey_ended(self, event: JourneyCompleted | JourneyWithdrawn) -> None:
        raise NotImplementedError


class FakeLiveFeed:
    async def hold_read_models(self) -> None:
        raise NotImplementedError

    async def add(self, event: Event, envelope: Envelope) -> None:
        raise NotImplementedError

    async def after(self, position: int, urns: frozenset[str] | None, limit: int) -> list[FeedEvent]:
        raise NotImplementedError

    async def latest_position(self) -> int:
        raise NotImplementedError


class FakeReportingUnitOfWork(FakeUnitOfWork):
    def __init__(self, schools: list[ReportedSchool]) -> None:
        super().__init__()
        self.read_models = FakeReadModels(schools)
        self.feed = FakeLiveFeed()
        self.impact = FakeImpactReturns(schools)

    def _rollback(self) -> None:
        self.impact.staged = []

    def _apply(self) -> None:
        self.impact.rows += self.impact.staged
        self.impact.staged = []
