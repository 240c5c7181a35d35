"""What circles' HTTP API takes and answers. Circles never record anything about a named pupil."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from contracts.calendar import HalfTerm, HalfTermCalendar
from contracts.events.circles import CircleKind, CircleTheme
from contracts.events.learning import MODULE_COUNT
from services.circles.domain.cadence import CohortHalfTerm, HalfTermCadence, HalfTermStatus, SchoolCadence
from services.circles.domain.circle import Circle, CircleStatus

__all__ = [
    "REFLECTION_NOTICE",
    "CircleSchoolView",
    "CircleView",
    "CohortHalfTermView",
    "CohortHalfTermsView",
    "HalfTermView",
    "HeldCircle",
    "MovedCircle",
    "NewCircle",
    "SchoolHalfTermView",
    "SchoolHalfTermsView",
]

REFLECTION_NOTICE = (
    "The reflection is free text that may hold sensitive detail. It stays inside circles: it is never published "
    "in an event or written to a log, and only the school itself and the programme team (programme_admin) can "
    "read it; facilitators and viewers get circles without it. Never name or describe a pupil: circles record "
    "nothing about named pupils."
)
_MAX_PARTICIPANTS = 500


class CircleSchoolView(BaseModel):
    model_config = ConfigDict(from_attributes=True)  # read from a CircleSchool's attributes of the same names

    urn: str
    cohort_id: str
    enrolled_on: date
    status: Literal["active", "withdrawn", "completed"] = Field(
        description="`active` while the school is in an active cohort; only then may its circles change"
    )
    ended_on: date | None = Field(description="When it withdrew or completed")


class NewCircle(BaseModel):
    """A circle the school plans for its staff."""

    model_config = ConfigDict(extra="forbid")

    kind: CircleKind = Field(
        description="reflective (after a module), practice_discussion (real situations) or decision_making "
        "(a complex problem the school works through together)"
    )
    scheduled_for: date = Field(description="The planned date, within the school's programme")
    facilitator_staff_id: UUID = Field(description="The facilitator: a staff id registered at the school")
    module_number: int | None = Field(
        default=None, ge=1, le=MODULE_COUNT, description="Only for a reflective circle: the module, 1 to 15"
    )


class HeldCircle(BaseModel):
    """What happened at the circle. Staff ids, a count and themes: nothing about any pupil."""

    model_config = ConfigDict(extra="forbid")

    held_on: date | None = Field(default=None, description="When it took place; defaults to its scheduled date")
    participant_count: int = Field(ge=1, le=_MAX_PARTICIPANTS, description="How many staff took part")
    participant_staff_ids: list[UUID] = Field(
        default_factory=list,
        max_length=_MAX_PARTICIPANTS,
        description="Ids of participating staff registered at the school (no more than `participant_count`)",
    )
    themes: list[CircleTheme] = Field(min_length=1, description="What it talked about, from the controlled list")
    reflection: str | None = Field(default=None, min_length=1, max_length=4000, description=REFLECTION_NOTICE)
    fidelity: dict[str, bool] | None = Field(
        default=None,
        description="The fidelity checklist (every item of `contracts/fidelity_checklists.json`'s `circle` list: "
        'its key and whether it was done), e.g. {"restorative_questions_used": true, ...}; published with the '
        "circle for the implementation ledger",
    )
    facilitator_staff_id: UUID | None = Field(
        default=None, description="Who actually facilitated, if not the one it was scheduled with"
    )


class MovedCircle(BaseModel):
    """A new date (and optionally a new facilitator) for a scheduled circle."""

    model_config = ConfigDict(extra="forbid")

    scheduled_for: date = Field(description="The new date, within the school's programme")
    facilitator_staff_id: UUID | None = Field(default=None, description="A new facilitator; default: keep")


class CircleView(BaseModel):
    """A circle. `reflection` is null unless the caller is the school itself or the programme team."""

    circle_id: UUID
    urn: str
    cohort_id: str
    kind: CircleKind
    module_number: int | None
    scheduled_for: date
    facilitator_staff_id: UUID = Field(description="Who facilitates it (once held: who did)")
    status: CircleStatus
    held_on: date | None
    half_term: str | None = Field(description="Once held: the half-term it counts towards; null in a holiday")
    participant_count: int | None
    participant_staff_ids: list[UUID]
    themes: list[CircleTheme]
    has_reflection: bool = Field(description="Whether a reflection was recorded (visible or not to this caller)")
    reflection: str | None = Field(description=REFLECTION_NOTICE)
    cancelled_on: date | None

    @classmethod
    def of(cls, circle: Circle, calendar: HalfTermCalendar, show_reflection: bool) -> CircleView:
        held = circle.held
        half_term = calendar.half_term_of(held.held_on) if held else None
        # The circle's fields of the same names, and what its held record says (the reflection only if shown).
        return cls.model_validate(
            {
                **asdict(circle),
                "held_on": held.held_on if held else None,
                "half_term": half_term.half_term_id if half_term else None,
                "participant_count": held.participant_count if held else None,
                "participant_staff_ids": list(held.participant_staff_ids) if held else [],
                "themes": list(held.themes) if held else [],
                "has_reflection": bool(held and held.reflection),
                "reflection": held.reflection if held and show_reflection else None,
            }
        )


class HalfTermView(BaseModel):
    model_config = ConfigDict(from_attributes=True)  # read from a HalfTerm's attributes of the same names

    half_term_id: str = Field(description="e.g. `2026-27-autumn-2`")
    academic_year: str
    name: str = Field(description="autumn-1, autumn-2, spring-1, spring-2, summer-1 or summer-2")
    starts_on: date = Field(description="First day, included")
    ends_on: date = Field(description="Last day, included")

    @classmethod
    def of(cls, half_term: HalfTerm) -> HalfTermView:
        return cls.model_validate(half_term)

    @classmethod
    def of_row(cls, row: HalfTermCadence | CohortHalfTerm) -> Self:
        """A row's half-term, with the row's attributes of the same names as this view's other fields."""
        figures = {name: getattr(row, name) for name in cls.model_fields.keys() - HalfTermView.model_fields.keys()}
        return cls(**HalfTermView.of(row.half_term).model_dump(), **figures)


class SchoolHalfTermView(HalfTermView):
    circles_held: int
    expected: int = Field(description="Circles the cohort expects each half-term")
    status: HalfTermStatus = Field(
        description="met; missed (over without enough circles); in_progress (not over yet, last day included)"
    )


class SchoolHalfTermsView(BaseModel):
    urn: str
    half_terms: list[SchoolHalfTermView] = Field(
        description="Every half-term from the one the school joined in up to today's (or its end), oldest first"
    )
    held_in_holidays: int = Field(description="Circles held in a holiday: they count towards no half-term")

    @classmethod
    def of(cls, cadence: SchoolCadence) -> SchoolHalfTermsView:
        return cls(
            urn=cadence.urn,
            half_terms=[SchoolHalfTermView.of_row(row) for row in cadence.half_terms],
            held_in_holidays=cadence.held_in_holidays,
        )


class CohortHalfTermView(HalfTermView):
    schools_expected: int
    met: list[str] = Field(description="URNs of the schools that held enough circles")
    missed: list[str] = Field(description="URNs of the schools whose half-term ended without enough circles")
    in_progress: list[str] = Field(description="URNs of the schools that still can")


class CohortHalfTermsView(BaseModel):
    cohort_id: str
    half_terms: list[CohortHalfTermView]
