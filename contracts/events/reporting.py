"""Events published by the reporting service."""

from __future__ import annotations

from typing import ClassVar, Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from contracts.events.base import Event
from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN

__all__ = ["ACADEMIC_YEAR_PATTERN", "RETURN_PERIODS", "ImpactReturnSubmitted", "ReturnPeriod"]

# An academic year in England runs 1 September to 31 August and is written `2025/26`.
ACADEMIC_YEAR_PATTERN = r"^[0-9]{4}/[0-9]{2}$"
RETURN_PERIODS = ("baseline", "autumn", "spring", "summer")
ReturnPeriod = Literal["baseline", "autumn", "spring", "summer"]


class ImpactReturnSubmitted(Event):
    """A school's impact return for one period was submitted, or corrected (a later version replaces it).

    School-level figures only: counts and sessions, never a pupil or a person.
    """

    subject: ClassVar[str] = "rsp.reporting.impact_return.submitted.v1"
    source: ClassVar[str] = "/rsp/reporting"

    return_id: UUID = Field(description="Reporting's id for this version of the return")
    urn: str = Field(pattern=URN_PATTERN, description="The school the return is about")
    cohort_id: str = Field(pattern=COHORT_ID_PATTERN, description="The school's cohort")
    academic_year: str = Field(pattern=ACADEMIC_YEAR_PATTERN, description="The academic year covered, e.g. `2025/26`")
    period: ReturnPeriod = Field(
        description="`baseline` (the whole academic year before the school joined) or the term covered"
    )
    version: int = Field(ge=1, description="1 for the first return of this period, higher for each correction")
    replaces_return_id: UUID | None = Field(description="The version this one corrects, if any")
    pupils_on_roll: int = Field(ge=1, description="Pupils on roll: the January census headcount")
    suspensions: int = Field(ge=0, description="Suspensions in the period")
    pupils_suspended: int = Field(ge=0, description="Pupils with one or more suspensions in the period")
    permanent_exclusions: int = Field(ge=0, description="Permanent exclusions in the period")
    possible_sessions: int = Field(ge=1, description="Possible sessions (half days) in the period, all pupils")
    sessions_missed: int = Field(ge=0, description="Sessions missed through absence, all pupils")
    pupils_persistently_absent: int = Field(
        ge=0, description="Pupils who missed 10% or more of their possible sessions"
    )
    pupils_with_absence_records: int | None = Field(
        default=None,
        ge=1,
        description="Pupils with absence records (enrolled for at least one possible session): the DfE denominator "
        "of persistent absence; null when the school did not give it",
    )
    submitted_at: AwareDatetime = Field(description="When this version was submitted")

    def entity(self) -> str:
        return self.urn
