"""Orders learning takes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

__all__ = ["RecordModuleCompletion"]


@dataclass(frozen=True)
class RecordModuleCompletion:
    staff_id: UUID
    urn: str
    module_number: int
    completed_at: datetime
