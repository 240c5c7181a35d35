"""Events published by the enrolment service."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from contracts.events.base import Event
from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN

__all__ = [
    "STAFF_ROLES",
    "SchoolEnrolled",
    "SchoolWithdrawn",
    "StaffLeft",
    "StaffRegistered",
    "StaffRole",
]


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


class SchoolWithdrawn(Event):
    """A school left the programme before its 18 months ended; its journey ends with no further reminders."""

    subject: ClassVar[str] = "rsp.enrolment.school.withdrawn.v1"
    source: ClassVar[str] = "/rsp/enrolment"

    urn: str = Field(pattern=URN_PATTERN, description="The school's six-digit URN")
    cohort_id: str = Field(pattern=COHORT_ID_PATTERN, description="The cohort it leaves")
    withdrawn_on: date = Field(description="The date it was withdrawn (the reason stays in enrolment)")

    def entity(self) -> str:
        return self.urn


STAFF_ROLES = ("headteacher", "senior_leader", "teacher", "teaching_assistant", "support_staff", "other")
StaffRole = Literal["headteacher", "senior_leader", "teacher", "teaching_assistant", "support_staff", "other"]


class StaffRegistered(Event):
    """A member of staff joined the programme at their school. Names and emails stay in enrolment."""

    subject: ClassVar[str] = "rsp.enrolment.staff.registered.v1"
    source: ClassVar[str] = "/rsp/enrolment"

    staff_id: UUID = Field(description="Pseudonymous id of the staff member, used by every other service")
    urn: str = Field(pattern=URN_PATTERN, description="Their school")
    cohort_id: str = Field(pattern=COHORT_ID_PATTERN, description="The school's cohort")
    role: StaffRole = Field(description="Their role in the school")
    starts_on: date = Field(description="The day they start counting towards the school's progress")

    def entity(self) -> str:
        return self.urn


class StaffLeft(Event):
    """A member of staff left the school; they stop counting towards its progress."""

    subject: ClassVar[str] = "rsp.enrolment.staff.left.v1"
    source: ClassVar[str] = "/rsp/enrolment"

    staff_id: UUID = Field(description="Pseudonymous id of the staff member")
    urn: str = Field(pattern=URN_PATTERN, description="The school they left")
    left_on: date = Field(description="Their last day")

    def entity(self) -> str:
        return self.urn
