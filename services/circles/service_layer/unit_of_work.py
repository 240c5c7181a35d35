"""What circles' handlers need from storage."""

from __future__ import annotations

from typing import Protocol

from runtime.unit_of_work import UnitOfWork
from services.circles.domain.model import CircleSchool

__all__ = ["CirclesUnitOfWork", "SchoolRepository"]


class SchoolRepository(Protocol):
    async def get(self, urn: str) -> CircleSchool | None: ...
    async def save(self, school: CircleSchool) -> None: ...


class CirclesUnitOfWork(UnitOfWork, Protocol):
    @property
    def schools(self) -> SchoolRepository: ...
