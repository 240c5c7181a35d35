"""Events published by the learning service."""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from pydantic import AwareDatetime, Field

from contracts.events.base import Event
from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN

__all__ = ["MODULE_COUNT", "ModuleCompleted"]

# The Trauma Informed Relational Practice course has 15 pre-recorded modules.
MODULE_COUNT = 15


class ModuleCompleted(Event):
    """A member of staff completed one of the online modules."""

    subject: ClassVar[str] = "rsp.learning.module.completed.v1"
    source: ClassVar[str] = "/rsp/learning"

    completion_id: UUID = Field(description="The learning service's id for this completion")
    staff_id: UUID = Field(description="Pseudonymous id of the staff member; names stay in enrolment")
    urn: str = Field(pattern=URN_PATTERN, description="The staff member's school")
    cohort_id: str = Field(pattern=COHORT_ID_PATTERN, description="The school's cohort")
    module_number: int = Field(ge=1, le=MODULE_COUNT, description="Which of the 15 modules, 1 to 15")
    completed_at: AwareDatetime = Field(description="When the module was completed")

    def entity(self) -> str:
        return self.urn
