"""What learning's handlers need from storage, so unit tests can hand them a fake."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from runtime.unit_of_work import UnitOfWork
from services.learning.domain.model import EnrolledSchool, ModuleCompletion

__all__ = ["CompletionRepository", "LearningUnitOfWork", "SchoolRepository"]


class SchoolRepository(Protocol):
    async def get(self, urn: str) -> EnrolledSchool | None: ...
    async def save(self, school: EnrolledSchool) -> None: ...


class CompletionRepository(Protocol):
    async def find(self, staff_id: UUID, module_number: int) -> ModuleCompletion | None: ...
    async def add(self, completion: ModuleCompletion) -> bool: ...
    async def of_school(self, urn: str) -> list[ModuleCompletion]: ...


class LearningUnitOfWork(UnitOfWork, Protocol):
    @property
    def schools(self) -> SchoolRepository: ...

    @property
    def completions(self) -> CompletionRepository: ...
