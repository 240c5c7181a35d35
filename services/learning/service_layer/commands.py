"""Orders learning takes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

__all__ = ["RecordModuleCompletion", "RecordModuleStart", "WithdrawCompletion"]


@dataclass(frozen=True)
class RecordModuleCompletion:
    staff_id: UUID
    urn: str
    module_number: int
    completed_at: datetime
    statement_id: UUID | None = None


@dataclass(frozen=True)
class RecordModuleStart:
    staff_id: UUID
    urn: str
    module_number: int
    started_at: datetime


@dataclass(frozen=True)
class WithdrawCompletion:
    completion_id: UUID
    reason: str
    withdrawn_at: datetime
