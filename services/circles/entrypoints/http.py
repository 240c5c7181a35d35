"""Circles' HTTP API: schedule, hold, cancel and move circles; which half-terms had one, per school and cohort.

Circles never record anything about a named pupil. A circle's free-text reflection stays inside circles: it is
never published in an event or written to a log, and only the school itself and the programme team read it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from uuid import UUID

from fastapi import APIRouter, Depends, Path, status

from contracts.calendar import HalfTermCalendar
from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN
from runtime.auth import Authenticator, Principal
from services.circles.domain.circle import Circle
from services.circles.entrypoints.authorisation import POLICY, may_read_reflection
from services.circles.entrypoints.views import (
    REFLECTION_NOTICE,
    CircleSchoolView,
    CircleView,
    CohortHalfTermsView,
    CohortHalfTermView,
    HalfTermView,
    HeldCircle,
    MovedCircle,
    NewCircle,
    SchoolHalfTermsView,
)
from services.circles.service_layer import handlers, queries
from services.circles.service_layer.commands import CancelCircle, RecordCircleHeld, RescheduleCircle, ScheduleCircle
from services.circles.service_layer.unit_of_work import CirclesUnitOfWork

__all__ = ["build_router"]


def _today() -> date:
    return datetime.now(UTC).date()


_URN_PATH = Path(pattern=URN_PATTERN, description="The school's six-digit URN")
_CIRCLE_PATH = Path(description="The circle's id")


def build_router(
    unit_of_work: Callable[[], CirclesUnitOfWork], calendar: HalfTermCalendar, authenticate: Authenticator
) -> APIRouter:
    router = APIRouter()
    for area in (_schools_router, _circles_router, _half_terms_router):
        router.include_router(area(unit_of_work, calendar, authenticate))
    return router


def _schools_router(
    unit_of_work: Callable[[], CirclesUnitOfWork], calendar: HalfTermCalendar, authenticate: Authenticator
) -> APIRouter:
    router = APIRouter(tags=["schools"])
    caller_of = Depends(authenticate)

    @router.get("/schools/{urn}", summary="A school that may hold circles")
    async def read_school(caller: Principal = caller_of, urn: str = _URN_PATH) -> CircleSchoolView:
        POLICY.check(caller, "read_school", urn)
        return CircleSchoolView.model_validate(await queries.school(unit_of_work(), urn))

    return router


def _circles_router(
    unit_of_work: Callable[[], CirclesUnitOfWork], calendar: HalfTermCalendar, authenticate: Authenticator
) -> APIRouter:
    router = APIRouter(tags=["circles"])
    caller_of = Depends(authenticate)

    def view(circle: Circle, caller: Principal) -> CircleView:
        return CircleView.of(circle, calendar, may_read_reflection(caller))

    @router.post(
        "/schools/{urn}/circles",
        status_code=status.HTTP_201_CREATED,
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
        summary="A school's circles",
        description=f"Oldest first. {REFLECTION_NOTICE}",
    )
    async def school_circles(caller: Principal = caller_of, urn: str = _URN_PATH) -> list[CircleView]:
        POLICY.check(caller, "read_circles", urn)
        return [view(circle, caller) for circle in await queries.circles_of_school(unit_of_work(), urn)]

    @router.get("/schools/{urn}/circles/{circle_id}", summary="One circle", description=REFLECTION_NOTICE)
    async def one_circle(
        caller: Principal = caller_of, urn: str = _URN_PATH, circle_id: UUID = _CIRCLE_PATH
    ) -> CircleView:
        POLICY.check(caller, "read_circles", urn)
        return view(await queries.circle_of_school(unit_of_work(), urn, circle_id), caller)

    @router.post(
        "/schools/{urn}/circles/{circle_id}/record",
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
            fidelity=body.fidelity,
        )
        return view(await handlers.record_circle_held(unit_of_work(), calendar, command), caller)

    @router.post(
        "/schools/{urn}/circles/{circle_id}/cancellation",
        summary="Cancel a scheduled circle",
        description="A held or already cancelled circle is refused (409). Publishes rsp.circles.circle.cancelled.v1.",
    )
    async def cancel(caller: Principal = caller_of, urn: str = _URN_PATH, circle_id: UUID = _CIRCLE_PATH) -> CircleView:
        POLICY.check(caller, "cancel_circle", urn)
        command = CancelCircle(urn, circle_id, _today())
        return view(await handlers.cancel_circle(unit_of_work(), command), caller)

    @router.post(
        "/schools/{urn}/circles/{circle_id}/rescheduling",
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

    return router


def _half_terms_router(
    unit_of_work: Callable[[], CirclesUnitOfWork], calendar: HalfTermCalendar, authenticate: Authenticator
) -> APIRouter:
    router = APIRouter(tags=["half-terms"])
    caller_of = Depends(authenticate)

    @router.get(
        "/schools/{urn}/half-terms",
        summary="Which half-terms since the school joined had a circle, and which did not",
        description="A circle counts towards the half-term its date falls in, its last day included; one held in a "
        "holiday counts towards none (it is counted in `held_in_holidays`).",
    )
    async def school_half_terms(caller: Principal = caller_of, urn: str = _URN_PATH) -> SchoolHalfTermsView:
        POLICY.check(caller, "read_school_half_terms", urn)
        return SchoolHalfTermsView.of(await queries.school_half_terms(unit_of_work(), calendar, urn, _today()))

    @router.get(
        "/cohorts/{cohort_id}/half-terms",
        summary="Per half-term, which of a cohort's schools had a circle and which did not",
    )
    async def cohort_half_terms(
        caller: Principal = caller_of, cohort_id: str = Path(pattern=COHORT_ID_PATTERN, description="The cohort")
    ) -> CohortHalfTermsView:
        POLICY.check(caller, "read_cohort_half_terms")
        rows = await queries.cohort_half_terms(unit_of_work(), calendar, cohort_id, _today())
        return CohortHalfTermsView(cohort_id=cohort_id, half_terms=[CohortHalfTermView.of_row(row) for row in rows])

    @router.get("/half-terms", summary="The half-term calendar circles are counted against")
    async def half_term_calendar(caller: Principal = caller_of) -> list[HalfTermView]:
        POLICY.check(caller, "read_half_term_calendar")
        return [HalfTermView.of(half_term) for half_term in calendar.half_terms]

    return router
