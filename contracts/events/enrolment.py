"""Events published by the enrolment service."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field

from contracts.events.base import Event
from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN

__all__ = ["SchoolEnrolled"]


class SchoolEnrolled(Event):
    """A school joined a cohort of the programme; its 18-month journey starts."""

    subject: ClassVar[str] = "rsp.enrolment.school.enrolled.v1"
    source: ClassVar[str] = "/rsp/enrolment"

    urn: str = Field(pattern=URN_PATTERN, description="The school's six-digit URN (Get Information about Schools)")
    cohort_id: str = Field(pattern=COHORT_ID_PATTERN, description="The cohort the school joined")
    school_name: str = Field(min_length=1, description="The school's published name (not personal data)")
    enrolled_on: date = Field(description="The date the school joined the programme")

    def entity(self) -> str:
        return self.urn
