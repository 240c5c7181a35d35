"""What circles' handlers need from storage, so unit tests can hand them a fake."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol
from uuid import UUID

from runtime.unit_of_work import UnitOfWork
from services.circles.domain.circle import Circle
from services.circles.domain.model import CircleSchool, CohortDates, RosterMember

__all__ = [
    "CircleRepository",
    "CirclesUnitOfWork",
    "CohortRepository",
    "RosterRepository",
    "SchoolRepository",
]


class SchoolRepository(Protocol):
    async def get(self, urn: str) -> CircleSchool | None: ...
    async def save(self, school: CircleSchool) -> None: ...
    async def in_cohort(self, cohort_id: str) -> list[CircleSchool]: ...
    async def change_urn(self, predecessor_urn: str, successor_urn: str) -> None:
        """The school, its circles and its staff carry on under `successor_urn`."""
        ...


class CohortRepository(Protocol):
    async def get(self, cohort_id: str) -> CohortDates | None: ...
    async def save(self, cohort: CohortDates) -> None: ...


class RosterRepository(Protocol):
    async def find(self, staff_ids: Iterable[UUID]) -> dict[UUID, RosterMember]: ...
    async def register(self, staff_id: UUID, urn: str, starts_on: date) -> None: ...
    async def record_leaving(self, staff_id: UUID, urn: str, left_on: date) -> None: ...


class CircleRepository(Protocol):
    async def get(self, urn: str, circle_id: UUID, *, for_update: bool = False) -> Circle | None:
        """The circle; `for_update` locks it until the unit of work ends, so two changes cannot interleave."""
        ...

    async def add(self, circle: Circle) -> None: ...
    async def save(self, circle: Circle) -> None: ...
    async def of_school(self, urn: str) -> list[Circle]: ...
    async def held_on(self, cohort_id: str, urns: Iterable[str]) -> dict[str, list[date]]:
        """The dates of the held circles of each of `urns` within `cohort_id`."""
        ...


class CirclesUnitOfWork(UnitOfWork, Protocol):
    @property
    def schools(self) -> SchoolRepository: ...

    @property
    def cohorts(self) -> CohortRepository: ...

    @property
    def roster(self) -> RosterRepository: ...

    @property
    def circles(self) -> CircleRepository: ...
