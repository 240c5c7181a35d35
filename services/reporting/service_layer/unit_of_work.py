"""What reporting's projections, handlers and queries need from storage."""

from __future__ import annotations

from datetime import date
from typing import Protocol
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
from runtime.unit_of_work import UnitOfWork
from services.reporting.domain.facts import SchoolFacts, SessionKind
from services.reporting.domain.feed import FeedEvent
from services.reporting.domain.impact_returns import ImpactReturn
from services.reporting.domain.periods import Period
from services.reporting.domain.progress import ReportedSchool

__all__ = ["ImpactReturns", "LiveFeed", "ReadModels", "ReportingUnitOfWork"]


class ReadModels(Protocol):
    """The programme's facts, one write per kind of event, and the facts of schools read back."""

    async def add_school(self, event: SchoolEnrolled) -> None: ...
    async def add_cohort(self, event: CohortCreated) -> None: ...
    async def end_school(self, urn: str, cohort_id: str, kind: str, ended_on: date) -> None: ...
    async def register_staff(self, event: StaffRegistered) -> None: ...
    async def staff_left(self, event: StaffLeft) -> None: ...
    async def module_completed(self, event: ModuleCompleted) -> None: ...
    async def completion_withdrawn(self, event: ModuleCompletionWithdrawn) -> None: ...
    async def circle_held(self, event: CircleHeld) -> None: ...
    async def session_attended(
        self,
        kind: SessionKind,
        session_id: UUID,
        urn: str,
        cohort_id: str,
        day_number: int | None,
        held_on: date,
        staff_ids: list[UUID],
    ) -> None: ...
    async def practitioner_trained(self, event: PractitionerTrained) -> None: ...
    async def phase_entered(self, event: PhaseEntered) -> None: ...
    async def flagged_at_risk(self, event: FlaggedAtRisk, envelope: Envelope) -> None: ...
    async def back_on_track(self, urn: str, cohort_id: str, cleared_on: date, envelope: Envelope) -> None: ...
    async def journey_ended(self, event: JourneyCompleted | JourneyWithdrawn) -> None: ...
    async def schools(self, cohort_id: str | None = None, urn: str | None = None) -> list[ReportedSchool]: ...
    async def cohort_names(self) -> dict[str, str]: ...
    async def facts(self, schools: list[ReportedSchool]) -> dict[str, SchoolFacts]: ...


class LiveFeed(Protocol):
    async def hold_read_models(self) -> None:
        """Wait while a rebuild swaps the read models in; hold them until the transaction ends."""
        ...

    async def add(self, event: Event, envelope: Envelope) -> None:
        """Append the event to the live feed; its readers are told when the transaction commits."""
        ...

    async def after(self, position: int, urns: frozenset[str] | None, limit: int) -> list[FeedEvent]:
        """Events after `position`, oldest first, only about `urns` unless None."""
        ...

    async def latest_position(self) -> int: ...


class ImpactReturns(Protocol):
    async def school_for_update(self, urn: str) -> ReportedSchool | None:
        """The school, locked until the unit of work ends."""
        ...

    async def versions_of(self, urn: str, cohort_id: str, period: Period) -> list[ImpactReturn]: ...
    async def add(self, submitted: ImpactReturn) -> None: ...
    async def of_schools(self, urns: list[str]) -> dict[str, list[ImpactReturn]]:
        """Every version of every return of these schools."""
        ...


class ReportingUnitOfWork(UnitOfWork, Protocol):
    @property
    def read_models(self) -> ReadModels: ...
    @property
    def feed(self) -> LiveFeed: ...
    @property
    def impact(self) -> ImpactReturns: ...
