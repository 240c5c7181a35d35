"""What enrolment's HTTP API reads and answers: request bodies checked at the edge, and views of the model."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from contracts import journey_id
from contracts.events.enrolment import SchoolPhase, StaffRole
from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN
from contracts.programme import PlanTargets, ProgrammePlan, programme_end
from services.enrolment.domain.model import Cohort, SchoolEnrolment, StaffMember
from services.enrolment.service_layer.handlers import ImportReport

__all__ = [
    "CohortView",
    "Departure",
    "ErasureReport",
    "ErasureRequest",
    "ImportReportView",
    "LeadershipDayMove",
    "NewCohort",
    "NewEnrolment",
    "NewStaffMember",
    "SchoolView",
    "StaffView",
    "UrnChange",
    "Withdrawal",
]

_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_COHORT_ID = Field(pattern=COHORT_ID_PATTERN, max_length=60, description="Readable slug, e.g. `oxon-2026`")


class PlanChoices(PlanTargets):
    """The cohort's plan; anything left out takes the programme's default."""

    leadership_days: list[date] | None = Field(
        default=None,
        min_length=1,
        max_length=30,
        description="Dates of the leadership days, in order; left out: ten days spread over the 18 months",
    )


class NewCohort(BaseModel):
    """A cohort to create."""

    model_config = ConfigDict(extra="forbid")

    cohort_id: str = _COHORT_ID
    name: str = Field(min_length=1, max_length=200, description="The cohort's name")
    local_authority: str = Field(min_length=1, max_length=200, description="The local authority running it")
    starts_on: date = Field(description="First day of the cohort's 18 months")
    plan: PlanChoices = Field(default_factory=PlanChoices, description="The programme plan (defaults if left out)")


class LeadershipDayMove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    held_on: date = Field(description="The day's new date; it must stay between the days before and after it")


class _NewPerson(BaseModel):
    """A person enrolment registers: the name and email that stay in enrolment."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="Full name")
    email: str = Field(pattern=_EMAIL, max_length=254, description="Work email address")


class NewHeadteacher(_NewPerson):
    """The headteacher, registered as the school's first member of staff (name and email stay in enrolment)."""


class NewEnrolment(BaseModel):
    """A school to enrol into a cohort."""

    model_config = ConfigDict(extra="forbid")

    urn: str = Field(pattern=URN_PATTERN, description="The school's six-digit URN")
    name: str = Field(min_length=1, max_length=200, description="The school's name as in Get Information about Schools")
    cohort_id: str = _COHORT_ID
    phase: SchoolPhase = Field(description="Phase of education")
    local_authority: str | None = Field(
        default=None, min_length=1, max_length=200, description="The school's local authority; default: the cohort's"
    )
    headteacher: NewHeadteacher | None = Field(default=None, description="Registered as staff with that role")
    enrolled_on: date | None = Field(
        default=None,
        description="The day the school joined, when that was before today (within the cohort, never in the "
        "future); default today. Its journey then lives the history sent for it in date order.",
    )


class SchoolView(BaseModel):
    urn: str
    name: str
    cohort_id: str
    phase: SchoolPhase | None = Field(description="Phase of education (empty for schools enrolled before it was kept)")
    local_authority: str | None
    enrolled_on: date
    programme_ends_on: date = Field(
        description="Last day of the school's 18 months: enrolment owns it; its journey and reporting follow it"
    )
    status: str = Field(description="active, withdrawn, completed, or converted (it has a new URN)")
    ended_on: date | None = Field(description="When it was withdrawn, completed or converted")
    headteacher_id: UUID | None = Field(description="The headteacher's staff id, when registered at enrolment")
    headteacher_name: str | None = Field(
        default=None,
        description="The headteacher's name from the GIAS extract the school was enrolled from (personal data: "
        "erased with staff names)",
    )
    predecessor_urn: str | None = Field(description="The URN this school had before an academy conversion")
    successor_urn: str | None = Field(description="The URN this school has had since an academy conversion")
    journey_id: str = Field(description="The school's SchoolJourney workflow id in Temporal")

    @classmethod
    def of(cls, enrolment: SchoolEnrolment) -> SchoolView:
        # The enrolment's fields of the same names, and the two a school's view names or adds.
        return cls.model_validate(
            {
                **asdict(enrolment),
                "name": enrolment.school_name,
                "programme_ends_on": programme_end(enrolment.enrolled_on),
                "journey_id": journey_id(enrolment.cohort_id, enrolment.predecessor_urn or enrolment.urn),
            }
        )


class SchoolCounts(BaseModel):
    active: int
    withdrawn: int
    completed: int
    converted: int = Field(description="Enrolments that continue under a successor URN (counted there as well)")


class CohortView(BaseModel):
    cohort_id: str
    name: str
    local_authority: str
    starts_on: date
    ends_on: date = Field(description="Last day of the cohort's 18 months")
    plan: ProgrammePlan
    counts: SchoolCounts
    schools: list[SchoolView]

    @classmethod
    def of(cls, cohort: Cohort, schools: list[SchoolEnrolment]) -> CohortView:
        statuses = Counter(school.status for school in schools)
        # The cohort's fields of the same names, its end, and its schools counted by status.
        return cls.model_validate(
            {
                **asdict(cohort),
                "ends_on": cohort.ends_on,
                "counts": {status: statuses[status] for status in SchoolCounts.model_fields},
                "schools": [SchoolView.of(school) for school in schools],
            }
        )


class NewStaffMember(_NewPerson):
    """A member of staff to register. Their name and email stay in enrolment; other services see `staff_id`."""

    role: StaffRole = Field(description="Their role in the school")
    starts_on: date | None = Field(default=None, description="First day counted; defaults to today")


class SchoolPlanView(BaseModel):
    """The plan a school follows: its cohort's dates and targets, without the cohort's other schools."""

    cohort_id: str
    name: str = Field(description="The cohort's name")
    starts_on: date
    ends_on: date = Field(description="Last day of the cohort's 18 months")
    plan: ProgrammePlan

    @classmethod
    def of(cls, cohort: Cohort) -> SchoolPlanView:
        return cls.model_validate({**asdict(cohort), "ends_on": cohort.ends_on})


class StaffView(BaseModel):
    model_config = ConfigDict(from_attributes=True)  # read from a StaffMember's attributes of the same names

    staff_id: UUID
    urn: str
    name: str | None = Field(description="Empty once erased under the retention rule")
    email: str | None = Field(description="Empty once erased under the retention rule")
    role: StaffRole
    starts_on: date
    left_on: date | None

    @classmethod
    def of(cls, member: StaffMember) -> StaffView:
        return cls.model_validate(member)


class StaffAddressView(BaseModel):
    """Where to write to someone, for the notifications service only: read at the moment of sending, never kept."""

    model_config = ConfigDict(from_attributes=True)

    staff_id: UUID
    email: str | None = Field(description="Empty once erased under the retention rule: then send nothing")
    left_on: date | None = Field(description="Their last day, once they have left")


class Departure(BaseModel):
    model_config = ConfigDict(extra="forbid")

    left_on: date = Field(description="Their last day")


class Withdrawal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=1000, description="Why the school leaves (kept in enrolment only)")


class UrnChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    successor_urn: str = Field(pattern=URN_PATTERN, description="The school's new six-digit URN")
    changed_on: date | None = Field(default=None, description="When the new URN took effect; defaults to today")


class ErasureRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    keep_days: int = Field(ge=0, le=36500, description="Keep staff personal data this many days after a school ends")


class ErasureReport(BaseModel):
    schools: list[str] = Field(description="URNs whose staff personal data is now erased")
    staff_erased: int = Field(description="Staff records emptied by this request")


class SkippedEstablishment(BaseModel):
    line: int = Field(description="Line of the file (the header is line 1)")
    urn: str
    name: str
    reason: str = Field(description="Why it was not enrolled")


class ImportReportView(BaseModel):
    enrolled: list[SchoolView] = Field(description="Schools enrolled by this import")
    skipped: list[SkippedEstablishment] = Field(description="Rows not enrolled, and why")

    @classmethod
    def of(cls, report: ImportReport) -> ImportReportView:
        return cls(
            enrolled=[SchoolView.of(school) for school in report.enrolled],
            skipped=[
                SkippedEstablishment(line=line, urn=urn, name=name, reason=reason)
                for line, urn, name, reason in report.skipped
            ],
        )
