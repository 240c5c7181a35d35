"""Circles' HTTP API: schedule, hold, cancel and move circles; which half-terms had one, per school and cohort.

Circles never record anything about a named pupil. A circle's free-text reflection stays inside circles: it is
never published in an event or written to a log, and only the school itself and the programme team read it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Path, status
from pydantic import BaseModel, ConfigDict, Field

from contracts.calendar import HalfTerm, HalfTermCalendar
from contracts.events.circles import CircleKind, CircleTheme
from contracts.events.learning import MODULE_COUNT
from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN
from runtime.auth import Authenticator, Principal
from services.circles.domain.cadence import CohortHalfTerm, HalfTermCadence, HalfTermStatus, SchoolCadence
from services.circles.domain.circle import Circle, CircleStatus
from services.circles.domain.errors import SchoolNotKnown
from services.circles.entrypoints.authorisation import POLICY, may_read_reflection
from services.circles.service_layer import handlers, queries
from services.circles.service_layer.commands import CancelCircle, RecordCircleHeld, RescheduleCircle, ScheduleCircle
from services.circles.service_layer.unit_of_work import CirclesUnitOfWork

__all__ = ["build_router"]

REFLECTION_NOTICE = (
    "The reflection is free text that may hold sensitive detail. It stays inside circles: it is never published "
    "in an event or written to a log, and only the school itself and the programme team (programme_admin) can "
    "read it; facilitators and viewers get circles without it. Never name or describe a pupil: circles record "
    "nothing about named pupils."
)
_MAX_PARTICIPANTS = 500


def _today() -> date:
    return datetime.now(UTC).date()


class CircleSchoolView(BaseModel):
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
        return cls(
            circle_id=circle.circle_id,
            urn=circle.urn,
            cohort_id=circle.cohort_id,
            kind=circle.kind,
            module_number=circle.module_number,
            scheduled_for=circle.scheduled_for,
            facilitator_staff_id=circle.facilitator_staff_id,
            status=circle.status,
            held_on=held.held_on if held else None,
            half_term=half_term.half_term_id if half_term else None,
            participant_count=held.participant_count if held else None,
            participant_staff_ids=list(held.participant_staff_ids) if held else [],
            themes=list(held.themes) if held else [],
            has_reflection=bool(held and held.reflection),
            reflection=held.reflection if held and show_reflection else None,
            cancelled_on=circle.cancelled_on,
        )


class HalfTermView(BaseModel):
    half_term_id: str = Field(description="e.g. `2026-27-autumn-2`")
    academic_year: str
    name: str = Field(description="autumn-1, autumn-2, spring-1, spring-2, summer-1 or summer-2")
    starts_on: date = Field(description="First day, included")
    ends_on: date = Field(description="Last day, included")

    @classmethod
    def of(cls, half_term: HalfTerm) -> HalfTermView:
        return cls(
            half_term_id=half_term.half_term_id,
            academic_year=half_term.academic_year,
            name=half_term.name,
            starts_on=half_term.starts_on,
            ends_on=half_term.ends_on,
        )


class SchoolHalfTermView(HalfTermView):
    circles_held: int
    expected: int = Field(description="Circles the cohort expects each half-term")
    status: HalfTermStatus = Field(
        description="met; missed (over without enough circles); in_progress (not over yet, last day included)"
    )

    @classmethod
    def of_row(cls, row: HalfTermCadence) -> SchoolHalfTermView:
        return cls(
            **HalfTermView.of(row.half_term).model_dump(),
            circles_held=row.circles_held,
            expected=row.expected,
            status=row.status,
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

    @classmethod
    def of_row(cls, row: CohortHalfTerm) -> CohortHalfTermView:
        return cls(
            **HalfTermView.of(row.half_term).model_dump(),
            schools_expected=row.schools_expected,
            met=row.met,
            missed=row.missed,
            in_progress=row.in_progress,
        )


class CohortHalfTermsView(BaseModel):
    cohort_id: str
    half_terms: list[CohortHalfTermView]


_URN_PATH = Path(pattern=URN_PATTERN, description="The school's six-digit URN")
_CIRCLE_PATH = Path(description="The circle's id")


def build_router(
    unit_of_work: Callable[[], CirclesUnitOfWork], calendar: HalfTermCalendar, authenticate: Authenticator
) -> APIRouter:
    router = APIRouter()
    caller_of = Depends(authenticate)

    def view(circle: Circle, caller: Principal) -> CircleView:
        return CircleView.of(circle, calendar, may_read_reflection(caller))

    @router.get("/schools/{urn}", tags=["schools"], summary="A school that may hold circles")
    async def read_school(caller: Principal = caller_of, urn: str = _URN_PATH) -> CircleSchoolView:
        POLICY.check(caller, "read_school", urn)
        async with unit_of_work() as uow:
            school = await uow.schools.get(urn)
        if school is None:
            raise SchoolNotKnown(urn)
        return CircleSchoolView(
            urn=school.urn,
            cohort_id=school.cohort_id,
            enrolled_on=school.enrolled_on,
            status=school.status,
            ended_on=school.ended_on,
        )

    @router.post(
        "/schools/{urn}/circles",
        status_code=status.HTTP_201_CREATED,
        tags=["circles"],
        summary="Schedule a circle",
        description="Only a school in an active cohort, on a date within its programme, with a facilitator "
        "registered there (started and not yet left by that date). Publishes rsp.circles.circle.scheduled.v1.",
    )
    async def schedule(body: NewCircle, caller: Principal = caller_of, urn: str = _URN_PATH) -> CircleView:
        POLICY.check(caller, "schedule_circle", urn)
        command = ScheduleCircle(urn, body.kind, body.module_number, body.scheduled_for, body.facilitator_staff_id)
        return view(await handlers.schedule_circle(unit_of_work(), command), caller)

    @router.get(
        "/schools/{urn}/circles",
        tags=["circles"],
        summary="A school's circles",
        description=f"Oldest first. {REFLECTION_NOTICE}",
    )
    async def school_circles(caller: Principal = caller_of, urn: str = _URN_PATH) -> list[CircleView]:
        POLICY.check(caller, "read_circles", urn)
        return [view(circle, caller) for circle in await queries.circles_of_school(unit_of_work(), urn)]

    @router.get(
        "/schools/{urn}/circles/{circle_id}", tags=["circles"], summary="One circle", description=REFLECTION_NOTICE
    )
    async def one_circle(
        caller: Principal = caller_of, urn: str = _URN_PATH, circle_id: UUID = _CIRCLE_PATH
    ) -> CircleView:
        POLICY.check(caller, "read_circles", urn)
        return view(await queries.circle_of_school(unit_of_work(), urn, circle_id), caller)

    @router.post(
        "/schools/{urn}/circles/{circle_id}/record",
        tags=["circles"],
        summary="Record that a circle was held",
        description="Date (not in the future), participant count, participating staff ids, themes and an optional "
        "reflection. A cancelled or already held circle is refused (409). Publishes rsp.circles.circle.held.v1 with "
        f"ids, kind, date, count, themes and module, never the reflection. {REFLECTION_NOTICE}",
    )
    async def record_held(
        body: HeldCircle, caller: Principal = caller_of, urn: str = _URN_PATH, circle_id: UUID = _CIRCLE_PATH
    ) -> CircleView:
        POLICY.check(caller, "record_circle_held", urn)
        command = RecordCircleHeld(
            urn=urn,
            circle_id=circle_id,
            held_on=body.held_on,
            participant_count=body.participant_count,
            participant_staff_ids=tuple(body.participant_staff_ids),
            themes=tuple(body.themes),
            reflection=body.reflection,
            facilitator_staff_id=body.facilitator_staff_id,
            today=_today(),
        )
        return view(await handlers.record_circle_held(unit_of_work(), calendar, command), caller)

    @router.post(
        "/schools/{urn}/circles/{circle_id}/cancellation",
        tags=["circles"],
        summary="Cancel a scheduled circle",
        description="A held or already cancelled circle is refused (409). Publishes rsp.circles.circle.cancelled.v1.",
    )
    async def cancel(caller: Principal = caller_of, urn: str = _URN_PATH, circle_id: UUID = _CIRCLE_PATH) -> CircleView:
        POLICY.check(caller, "cancel_circle", urn)
        command = CancelCircle(urn, circle_id, _today())
        return view(await handlers.cancel_circle(unit_of_work(), command), caller)

    @router.post(
        "/schools/{urn}/circles/{circle_id}/rescheduling",
        tags=["circles"],
        summary="Move a scheduled circle to another date",
        description="Within the school's programme, with a facilitator still at the school on the new date. "
        "Publishes rsp.circles.circle.rescheduled.v1.",
    )
    async def reschedule(
        body: MovedCircle, caller: Principal = caller_of, urn: str = _URN_PATH, circle_id: UUID = _CIRCLE_PATH
    ) -> CircleView:
        POLICY.check(caller, "reschedule_circle", urn)
        command = RescheduleCircle(urn, circle_id, body.scheduled_for, body.facilitator_staff_id)
        return view(await handlers.reschedule_circle(unit_of_work(), command), caller)

    @router.get(
        "/schools/{urn}/half-terms",
        tags=["half-terms"],
        summary="Which half-terms since the school joined had a circle, and which did not",
        description="A circle counts towards the half-term its date falls in, its last day included; one held in a "
        "holiday counts towards none (it is counted in `held_in_holidays`).",
    )
    async def school_half_terms(caller: Principal = caller_of, urn: str = _URN_PATH) -> SchoolHalfTermsView:
        POLICY.check(caller, "read_school_half_terms", urn)
        return SchoolHalfTermsView.of(await queries.school_half_terms(unit_of_work(), calendar, urn, _today()))

    @router.get(
        "/cohorts/{cohort_id}/half-terms",
        tags=["half-terms"],
        summary="Per half-term, which of a cohort's schools had a circle and which did not",
    )
    async def cohort_half_terms(
        caller: Principal = caller_of, cohort_id: str = Path(pattern=COHORT_ID_PATTERN, description="The cohort")
    ) -> CohortHalfTermsView:
        POLICY.check(caller, "read_cohort_half_terms")
        rows = await queries.cohort_half_terms(unit_of_work(), calendar, cohort_id, _today())
        return CohortHalfTermsView(cohort_id=cohort_id, half_terms=[CohortHalfTermView.of_row(row) for row in rows])

    @router.get("/half-terms", tags=["half-terms"], summary="The half-term calendar circles are counted against")
    async def half_term_calendar(caller: Principal = caller_of) -> list[HalfTermView]:
        POLICY.check(caller, "read_half_term_calendar")
        return [HalfTermView.of(half_term) for half_term in calendar.half_terms]

    return router
