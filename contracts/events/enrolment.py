"""Events published by the enrolment service."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from contracts.events.base import Event
from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN
from contracts.programme import ProgrammePlan

SCHOOL_PHASES = ("nursery", "primary", "secondary", "special", "alternative_provision", "all_through")
SchoolPhase = Literal["nursery", "primary", "secondary", "special", "alternative_provision", "all_through"]


class _EnrolmentEvent(Event):
    """What every enrolment event has in common: its source."""

    source: ClassVar[str] = "/rsp/enrolment"


class _SchoolEvent(_EnrolmentEvent):
    """What every event about one school's place in a cohort says first: which school."""

    urn: str = Field(pattern=URN_PATTERN, description="The school's six-digit URN")

    def entity(self) -> str:
        return self.urn


class CohortCreated(_EnrolmentEvent):
    """The programme team set up a cohort and its programme plan; journeys of its schools start from this plan."""

    subject: ClassVar[str] = "rsp.enrolment.cohort.created.v1"

    cohort_id: str = Field(pattern=COHORT_ID_PATTERN, description="Readable slug of the cohort, e.g. `oxon-2026`")
    name: str = Field(min_length=1, description="The cohort's name")
    local_authority: str = Field(min_length=1, description="The local authority running the cohort")
    starts_on: date = Field(description="First day of the cohort's 18 months")
    ends_on: date = Field(description="Last day of the cohort's 18 months")
    plan: ProgrammePlan = Field(description="What each school is expected to do, and the leadership-day dates")

    def entity(self) -> str:
        return self.cohort_id


class LeadershipDayRescheduled(_EnrolmentEvent):
    """One of a cohort's leadership days moved to another date; reminders and deadlines move with it."""

    subject: ClassVar[str] = "rsp.enrolment.cohort.leadership_day_rescheduled.v1"

    cohort_id: str = Field(pattern=COHORT_ID_PATTERN, description="The cohort whose day moved")
    day_number: int = Field(ge=1, description="Which leadership day, counting from 1")
    previous_date: date = Field(description="The date it was planned for")
    held_on: date = Field(description="The new date")

    def entity(self) -> str:
        return self.cohort_id


__all__ = [
    "SCHOOL_PHASES",
    "STAFF_ROLES",
    "CohortCreated",
    "LeadershipDayRescheduled",
    "SchoolCompleted",
    "SchoolEnrolled",
    "SchoolPhase",
    "SchoolUrnChanged",
    "SchoolWithdrawn",
    "StaffLeft",
    "StaffRegistered",
    "StaffRole",
]


class SchoolEnrolled(_SchoolEvent):
    """A school joined a cohort of the programme; its 18-month journey starts."""

    subject: ClassVar[str] = "rsp.enrolment.school.enrolled.v1"

    urn: str = Field(pattern=URN_PATTERN, description="The school's six-digit URN (Get Information about Schools)")
    cohort_id: str = Field(pattern=COHORT_ID_PATTERN, description="The cohort the school joined")
    school_name: str = Field(min_length=1, description="The school's published name (not personal data)")
    enrolled_on: date = Field(description="The date the school joined the programme")
    phase: SchoolPhase | None = Field(
        default=None, description="Phase of education (absent on events recorded before phases were kept)"
    )
    local_authority: str | None = Field(
        default=None, description="The school's local authority (absent on events recorded before it was kept)"
    )


class SchoolWithdrawn(_SchoolEvent):
    """A school left the programme before its 18 months ended; its journey ends with no further reminders."""

    subject: ClassVar[str] = "rsp.enrolment.school.withdrawn.v1"

    cohort_id: str = Field(pattern=COHORT_ID_PATTERN, description="The cohort it leaves")
    withdrawn_on: date = Field(description="The date it was withdrawn (the reason stays in enrolment)")


class SchoolCompleted(_SchoolEvent):
    """A school finished its 18 months; its place in the cohort ends and it may join a later cohort."""

    subject: ClassVar[str] = "rsp.enrolment.school.completed.v1"

    cohort_id: str = Field(pattern=COHORT_ID_PATTERN, description="The cohort it completed")
    completed_on: date = Field(description="The date its journey ended")


class SchoolUrnChanged(_EnrolmentEvent):
    """A school got a new URN (an academy conversion, say); its history follows it to the successor URN."""

    subject: ClassVar[str] = "rsp.enrolment.school.urn_changed.v1"

    predecessor_urn: str = Field(pattern=URN_PATTERN, description="The URN the school had until now")
    successor_urn: str = Field(pattern=URN_PATTERN, description="The URN it has from now on")
    cohort_id: str = Field(pattern=COHORT_ID_PATTERN, description="The school's cohort")
    changed_on: date = Field(description="The date the new URN took effect")

    def entity(self) -> str:
        return self.successor_urn


STAFF_ROLES = ("headteacher", "senior_leader", "teacher", "teaching_assistant", "support_staff", "other")
StaffRole = Literal["headteacher", "senior_leader", "teacher", "teaching_assistant", "support_staff", "other"]


class StaffRegistered(_EnrolmentEvent):
    """A member of staff joined the programme at their school. Names and emails stay in enrolment."""

    subject: ClassVar[str] = "rsp.enrolment.staff.registered.v1"

    staff_id: UUID = Field(description="Pseudonymous id of the staff member, used by every other service")
    urn: str = Field(pattern=URN_PATTERN, description="Their school")
    cohort_id: str = Field(pattern=COHORT_ID_PATTERN, description="The school's cohort")
    role: StaffRole = Field(description="Their role in the school")
    starts_on: date = Field(description="The day they start counting towards the school's progress")

    def entity(self) -> str:
        return self.urn


class StaffLeft(_EnrolmentEvent):
    """A member of staff left the school; they stop counting towards its progress."""

    subject: ClassVar[str] = "rsp.enrolment.staff.left.v1"

    staff_id: UUID = Field(description="Pseudonymous id of the staff member")
    urn: str = Field(pattern=URN_PATTERN, description="The school they left")
    left_on: date = Field(description="Their last day")
    cohort_id: str | None = Field(
        default=None, pattern=COHORT_ID_PATTERN, description="The school's cohort (absent on early events)"
    )

    def entity(self) -> str:
        return self.urn
