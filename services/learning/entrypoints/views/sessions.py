"""What learning's face-to-face session endpoints take and answer."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from contracts.events.learning import SessionKind
from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN
from services.learning.domain.sessions import MAX_LEADERSHIP_DAYS, Session

__all__ = ["Attendance", "Cancellation", "Move", "NewSession", "SchoolAttendance", "SessionView"]


class NewSession(BaseModel):
    """A session to schedule. Leadership days, immersion days and practitioner training are for a cohort (give
    `cohort_id`; leadership days also `day_number`); mentoring is for one school (give `urn`)."""

    model_config = ConfigDict(extra="forbid")

    kind: SessionKind = Field(description="leadership_day, immersion_day, practitioner_training or mentoring")
    held_on: date = Field(description="The date it is held")
    cohort_id: str | None = Field(default=None, pattern=COHORT_ID_PATTERN, description="The cohort (not mentoring)")
    urn: str | None = Field(default=None, pattern=URN_PATTERN, description="The school (mentoring only)")
    day_number: int | None = Field(
        default=None, ge=1, le=MAX_LEADERSHIP_DAYS, description="Which leadership day (leadership days only)"
    )
    venue: str | None = Field(
        default=None, min_length=1, max_length=200, description="Where: a place's name, never a person's"
    )


class Move(BaseModel):
    model_config = ConfigDict(extra="forbid")

    held_on: date = Field(description="The new date")
    venue: str | None = Field(default=None, min_length=1, max_length=200, description="A new venue, if it changes")


class Cancellation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=1000, description="Why it will not take place (kept in learning)")


class Attendance(BaseModel):
    """Who attended. Staff count for their own school, which is added to `schools` if not named."""

    model_config = ConfigDict(extra="forbid")

    schools: list[str] = Field(default_factory=list, max_length=500, description="URNs of the schools that attended")
    staff_ids: list[UUID] = Field(default_factory=list, max_length=2000, description="Staff ids of who attended")
    fidelity: dict[str, bool] | None = Field(
        default=None,
        description="A leadership day's fidelity checklist (every item of `contracts/fidelity_checklists.json`'s "
        "`leadership_day` list: its key and whether it was done); published with the day for the ledger",
    )

    def urns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.schools))


class SchoolAttendance(BaseModel):
    urn: str
    staff_ids: list[UUID]


class SessionView(BaseModel):
    session_id: UUID
    kind: SessionKind
    cohort_id: str
    urn: str | None
    day_number: int | None
    held_on: date
    venue: str | None
    status: str = Field(description="scheduled, held or cancelled")
    attendance: list[SchoolAttendance]

    @classmethod
    def of(cls, session: Session, only_school: str | None = None) -> SessionView:
        # The session's fields of the same names, with its attendance as a list (only `only_school`'s, if named).
        return cls.model_validate(
            {
                **asdict(session),
                "attendance": [
                    SchoolAttendance(urn=urn, staff_ids=list(staff_ids))
                    for urn, staff_ids in sorted(session.attendance.items())
                    if only_school is None or urn == only_school
                ],
            }
        )
