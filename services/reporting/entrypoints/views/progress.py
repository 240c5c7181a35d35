"""What reporting's progress endpoints answer."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from services.reporting.domain.progress import JourneyState, SchoolProgress, SchoolStatus

__all__ = ["JourneyView", "ModulesView", "ReportedSchoolView", "SchoolProgressView"]


class ModulesView(BaseModel):
    module_completions: int = Field(description="Distinct (staff member, module) completions")
    staff_with_completions: int = Field(description="Staff who completed at least one module")
    staff_completed_all: int = Field(description="Staff who completed all 15 modules")
    completions_by_module: dict[int, int] = Field(description="Module number -> staff who completed it")


class JourneyView(BaseModel):
    """What the school's journey workflow decided, as its events said."""

    phase: str | None = Field(description="Current phase (launch ... embedding, completed); null until seen")
    month: int | None = Field(description="Months since joining when the current phase was entered")
    at_risk: bool = Field(description="Flagged at risk and not yet back on track")
    at_risk_reasons: list[str] = Field(description="Each unmet criterion of the latest flag, while at risk")
    flagged_in_phase: str | None = Field(description="The phase whose criteria were unmet, while at risk")
    flagged_on: date | None
    times_flagged_at_risk: int
    ended: str | None = Field(description="`completed` or `withdrawn` once the journey ended")
    ended_on: date | None
    summary: dict[str, int] | None = Field(description="The journey's final summary against the plan")

    @classmethod
    def of(cls, journey: JourneyState) -> JourneyView:
        ended = journey.ended
        return cls(
            phase=journey.phase,
            month=journey.month,
            at_risk=journey.at_risk,
            at_risk_reasons=list(journey.reasons),
            flagged_in_phase=journey.flagged_phase,
            flagged_on=journey.flagged_on,
            times_flagged_at_risk=journey.times_flagged,
            ended=ended.kind if ended else None,
            ended_on=ended.ended_on if ended else None,
            summary=ended.summary if ended else None,
        )


class ReportedSchoolView(BaseModel):
    """The school a report is about, as enrolment enrolled it; the reports' views start with it."""

    model_config = ConfigDict(from_attributes=True)  # read from a ReportedSchool's attributes of the same names

    urn: str
    cohort_id: str
    school_name: str
    enrolled_on: date


class SchoolProgressView(ReportedSchoolView):
    school_phase: str | None = Field(description="Phase of education (primary, secondary, ...)")
    local_authority: str | None
    status: SchoolStatus = Field(description="active, withdrawn or completed (from enrolment)")
    ended_on: date | None = Field(description="When it was withdrawn or completed")
    staff_counted: int = Field(description="Staff registered and not left")
    modules: ModulesView
    circles_held: int
    half_terms_with_circle: list[str] = Field(description="Half-terms in which it held a circle")
    leadership_days_attended: int = Field(description="Leadership days its leaders attended")
    leadership_days_headteacher_attended: int = Field(description="Of them, days a registered headteacher attended")
    mentoring_sessions: int
    immersion_days: int
    practitioners_trained: int = Field(description="Staff trained as practitioners who have not left")
    journey: JourneyView

    @classmethod
    def of(cls, progress: SchoolProgress) -> SchoolProgressView:
        school = progress.school
        # Progress's fields and the school's of the same names, its phase renamed, the journey as its events said.
        return cls.model_validate(
            {
                **asdict(progress),
                **asdict(school),
                "school_phase": school.phase,
                "journey": JourneyView.of(progress.journey),
            }
        )
