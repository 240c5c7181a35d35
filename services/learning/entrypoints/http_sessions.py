"""Learning's HTTP API for the face-to-face programme: schedule, move, cancel and hold sessions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from uuid import UUID

from fastapi import APIRouter, Depends, Path, status
from pydantic import BaseModel, ConfigDict, Field

from contracts.events.learning import SessionKind
from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN
from runtime.auth import Authenticator, Principal
from services.learning.domain.errors import SchoolNotEnrolled, SessionNotFound
from services.learning.domain.sessions import MAX_LEADERSHIP_DAYS, Session
from services.learning.entrypoints.authorisation import POLICY
from services.learning.service_layer import session_handlers as handlers
from services.learning.service_layer.unit_of_work import LearningUnitOfWork

__all__ = ["build_sessions_router"]


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
        return cls(
            session_id=session.session_id,
            kind=session.kind,
            cohort_id=session.cohort_id,
            urn=session.urn,
            day_number=session.day_number,
            held_on=session.held_on,
            venue=session.venue,
            status=session.status,
            attendance=[
                SchoolAttendance(urn=urn, staff_ids=list(staff_ids))
                for urn, staff_ids in sorted(session.attendance.items())
                if only_school is None or urn == only_school
            ],
        )


def _today() -> date:
    return datetime.now(UTC).date()


def _may_manage(caller: Principal, kind: SessionKind, urn: str | None) -> None:
    if kind == "mentoring":
        POLICY.check(caller, "manage_mentoring", urn)
    else:
        POLICY.check(caller, "manage_cohort_sessions")


def build_sessions_router(unit_of_work: Callable[[], LearningUnitOfWork], authenticate: Authenticator) -> APIRouter:
    router = APIRouter(tags=["sessions"])
    caller_of = Depends(authenticate)

    async def managed(session_id: UUID, caller: Principal) -> Session:
        """The session, if the caller may change it; one out of their reach answers as a missing one."""
        async with unit_of_work() as uow:
            session = await uow.sessions.get(session_id)
        if session is None:
            raise SessionNotFound(session_id)
        try:
            _may_manage(caller, session.kind, session.urn)
        except SchoolNotEnrolled:
            raise SessionNotFound(session_id) from None
        return session

    @router.post("/sessions", status_code=status.HTTP_201_CREATED, summary="Schedule a face-to-face session")
    async def schedule_session(body: NewSession, caller: Principal = caller_of) -> SessionView:
        _may_manage(caller, body.kind, body.urn)
        session = await handlers.schedule_session(
            unit_of_work(),
            handlers.ScheduleSession(body.kind, body.held_on, body.cohort_id, body.urn, body.day_number, body.venue),
        )
        return SessionView.of(session)

    @router.post("/sessions/{session_id}/move", summary="Move a scheduled session to another date or venue")
    async def move_session(session_id: UUID, body: Move, caller: Principal = caller_of) -> SessionView:
        await managed(session_id, caller)
        moved = await handlers.move_session(unit_of_work(), handlers.MoveSession(session_id, body.held_on, body.venue))
        return SessionView.of(moved)

    @router.post("/sessions/{session_id}/cancellation", summary="Cancel a scheduled session")
    async def cancel_session(session_id: UUID, body: Cancellation, caller: Principal = caller_of) -> SessionView:
        await managed(session_id, caller)
        cancelled = await handlers.cancel_session(unit_of_work(), handlers.CancelSession(session_id, body.reason))
        return SessionView.of(cancelled)

    @router.post("/sessions/{session_id}/attendance", summary="Record who attended: the session is then held")
    async def record_attendance(session_id: UUID, body: Attendance, caller: Principal = caller_of) -> SessionView:
        await managed(session_id, caller)
        held = await handlers.record_attendance(
            unit_of_work(), handlers.RecordAttendance(session_id, body.urns(), tuple(body.staff_ids), _today())
        )
        return SessionView.of(held)

    @router.get("/cohorts/{cohort_id}/sessions", summary="A cohort's sessions, with every school's attendance")
    async def cohort_sessions(
        caller: Principal = caller_of, cohort_id: str = Path(pattern=COHORT_ID_PATTERN, description="The cohort")
    ) -> list[SessionView]:
        POLICY.check(caller, "read_cohort_sessions")
        async with unit_of_work() as uow:
            return [SessionView.of(s) for s in await uow.sessions.of_cohort(cohort_id)]

    @router.get("/schools/{urn}/sessions", summary="A school's mentoring and its cohort's sessions (its attendance)")
    async def school_sessions(
        caller: Principal = caller_of, urn: str = Path(pattern=URN_PATTERN, description="The school's URN")
    ) -> list[SessionView]:
        POLICY.check(caller, "read_school_sessions", urn)
        async with unit_of_work() as uow:
            school = await uow.schools.get(urn)
            if school is None:
                raise SchoolNotEnrolled(urn)
            return [SessionView.of(s, only_school=urn) for s in await uow.sessions.of_school(urn, school.cohort_id)]

    return router
