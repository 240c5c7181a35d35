"""Learning's HTTP API for the face-to-face programme: schedule, move, cancel and hold sessions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from uuid import UUID

from fastapi import APIRouter, Depends, Path, status

from contracts.events.learning import SessionKind
from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN
from runtime.auth import Authenticator, Principal
from services.learning.domain.errors import SchoolNotEnrolled, SessionNotFound
from services.learning.domain.sessions import Session
from services.learning.entrypoints.authorisation import POLICY
from services.learning.entrypoints.views.sessions import Attendance, Cancellation, Move, NewSession, SessionView
from services.learning.service_layer import queries, sessions
from services.learning.service_layer.commands import CancelSession, MoveSession, RecordAttendance, ScheduleSession
from services.learning.service_layer.unit_of_work import LearningUnitOfWork

__all__ = ["build_sessions_router"]


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
        session = await queries.session(unit_of_work(), session_id)
        try:
            _may_manage(caller, session.kind, session.urn)
        except SchoolNotEnrolled:
            raise SessionNotFound(session_id) from None
        return session

    @router.post("/sessions", status_code=status.HTTP_201_CREATED, summary="Schedule a face-to-face session")
    async def schedule_session(body: NewSession, caller: Principal = caller_of) -> SessionView:
        _may_manage(caller, body.kind, body.urn)
        session = await sessions.schedule_session(
            unit_of_work(),
            ScheduleSession(body.kind, body.held_on, body.cohort_id, body.urn, body.day_number, body.venue),
        )
        return SessionView.of(session)

    @router.post("/sessions/{session_id}/move", summary="Move a scheduled session to another date or venue")
    async def move_session(session_id: UUID, body: Move, caller: Principal = caller_of) -> SessionView:
        await managed(session_id, caller)
        moved = await sessions.move_session(unit_of_work(), MoveSession(session_id, body.held_on, body.venue))
        return SessionView.of(moved)

    @router.post("/sessions/{session_id}/cancellation", summary="Cancel a scheduled session")
    async def cancel_session(session_id: UUID, body: Cancellation, caller: Principal = caller_of) -> SessionView:
        await managed(session_id, caller)
        cancelled = await sessions.cancel_session(unit_of_work(), CancelSession(session_id, body.reason))
        return SessionView.of(cancelled)

    @router.post("/sessions/{session_id}/attendance", summary="Record who attended: the session is then held")
    async def record_attendance(session_id: UUID, body: Attendance, caller: Principal = caller_of) -> SessionView:
        await managed(session_id, caller)
        held = await sessions.record_attendance(
            unit_of_work(), RecordAttendance(session_id, body.urns(), tuple(body.staff_ids), _today(), body.fidelity)
        )
        return SessionView.of(held)

    @router.get("/cohorts/{cohort_id}/sessions", summary="A cohort's sessions, with every school's attendance")
    async def cohort_sessions(
        caller: Principal = caller_of, cohort_id: str = Path(pattern=COHORT_ID_PATTERN, description="The cohort")
    ) -> list[SessionView]:
        POLICY.check(caller, "read_cohort_sessions")
        return [SessionView.of(s) for s in await queries.cohort_sessions(unit_of_work(), cohort_id)]

    @router.get("/schools/{urn}/sessions", summary="A school's mentoring and its cohort's sessions (its attendance)")
    async def school_sessions(
        caller: Principal = caller_of, urn: str = Path(pattern=URN_PATTERN, description="The school's URN")
    ) -> list[SessionView]:
        POLICY.check(caller, "read_school_sessions", urn)
        return [SessionView.of(s, only_school=urn) for s in await queries.school_sessions(unit_of_work(), urn)]

    return router
