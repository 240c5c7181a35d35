"""What enrolment's handlers need from storage, so unit tests can hand them a fake."""

from __future__ import annotations

from typing import Protocol

from runtime.unit_of_work import UnitOfWork
from services.enrolment.domain.model import Cohort, SchoolEnrolment

__all__ = ["CohortRepository", "EnrolmentUnitOfWork", "SchoolRepository"]


class CohortRepository(Protocol):
    async def get(self, cohort_id: str) -> Cohort | None: ...
    async def add(self, cohort: Cohort) -> None: ...


class SchoolRepository(Protocol):
    async def current(self, urn: str) -> SchoolEnrolment | None: ...
    async def add(self, enrolment: SchoolEnrolment) -> None: ...
    async def in_cohort(self, cohort_id: str) -> list[SchoolEnrolment]: ...


class EnrolmentUnitOfWork(UnitOfWork, Protocol):
    @property
    def cohorts(self) -> CohortRepository: ...

    @property
    def schools(self) -> SchoolRepository: ...
