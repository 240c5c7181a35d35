"""What reporting's projections and queries need from storage."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from contracts import ModuleCompleted, SchoolEnrolled
from runtime.unit_of_work import UnitOfWork
from services.reporting.domain.progress import ReportedSchool

__all__ = ["ProgressReadModel", "ReportingUnitOfWork"]


class ProgressReadModel(Protocol):
    async def add_school(self, event: SchoolEnrolled) -> None: ...
    async def add_completion(self, event: ModuleCompleted) -> None: ...
    async def schools(self, cohort_id: str | None = None, urn: str | None = None) -> list[ReportedSchool]: ...
    async def completions(self, urns: list[str]) -> dict[str, list[tuple[UUID, int]]]: ...


class ReportingUnitOfWork(UnitOfWork, Protocol):
    @property
    def progress(self) -> ProgressReadModel: ...
