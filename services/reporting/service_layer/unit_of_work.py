"""What reporting's projections, handlers and queries need from storage."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from contracts import ModuleCompleted, SchoolEnrolled
from runtime.unit_of_work import UnitOfWork
from services.reporting.domain.impact_returns import ImpactReturn
from services.reporting.domain.periods import Period
from services.reporting.domain.progress import ReportedSchool

__all__ = ["ImpactReturns", "ProgressReadModel", "ReportingUnitOfWork"]


class ProgressReadModel(Protocol):
    async def add_school(self, event: SchoolEnrolled) -> None: ...
    async def add_completion(self, event: ModuleCompleted) -> None: ...
    async def schools(self, cohort_id: str | None = None, urn: str | None = None) -> list[ReportedSchool]: ...
    async def completions(self, urns: list[str]) -> dict[str, list[tuple[UUID, int]]]: ...


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
    def progress(self) -> ProgressReadModel: ...
    @property
    def impact(self) -> ImpactReturns: ...
