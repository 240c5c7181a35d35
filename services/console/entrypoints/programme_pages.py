"""The programme team's pages: cohorts and what needs attention, creating a cohort, enrolling schools from a GIAS
extract (check, then confirm), scheduling sessions and recording who attended."""

from __future__ import annotations

import asyncio
import base64
import binascii
import re
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from contracts.identifiers import COHORT_ID_PATTERN
from runtime.auth import Role
from runtime.errors import Forbidden
from services.console.adapters.platform_api import ApiRefused, unless_missing
from services.console.domain.attention import needs_attention
from services.console.domain.leadership_days import leadership_days
from services.console.entrypoints.forms import Form
from services.console.entrypoints.web import Console, Visit, see_other

__all__ = ["SESSION_KINDS", "build_programme_router", "refused_into"]

_NAMED_FIELD = re.compile(r"^([a-z_]+): (.+)$", re.DOTALL)
_COHORT = Path(pattern=COHORT_ID_PATTERN, max_length=60)
SESSION_KINDS = {
    "leadership_day": "Leadership day",
    "immersion_day": "Immersion day",
    "practitioner_training": "Practitioner training",
    "mentoring": "Mentoring",
}


def _today() -> date:
    return datetime.now(UTC).date()


def refused_into(form: Form, refused: ApiRefused, default_field: str, names: dict[str, str] | None = None) -> None:
    """A service's refusal shown on the form: each field it named (in its list of problems, or as the start of its
    message, `field: reason`) next to that field, anything else at `default_field`, in the service's own words."""
    names = names or {}

    def place(field: str, message: str) -> bool:
        target = names.get(field, field)
        if target in form.values or f"{target}-day" in form.values:
            form.errors.setdefault(target, f"{target.replace('_', ' ').capitalize()}: {message}")
            return True
        return False

    placed = [place(field, message) for field, message in refused.fields.items()]
    named = _NAMED_FIELD.match(refused.message)
    if not any(placed) and not (named and place(named.group(1), named.group(2))):
        message = refused.message.split(": ", 1)[-1] if refused.fields else refused.message
        form.errors.setdefault(default_field, f"{message[0].upper()}{message[1:]}")


def _programme_team(visit: Visit) -> None:
    if visit.person.role is not Role.PROGRAMME_ADMIN:
        raise Forbidden("Only the programme team can do this")


def build_programme_router(console: Console) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/cohorts")
    async def cohorts(request: Request) -> HTMLResponse:
        visit = await console.visit(request)
        _programme_team(visit)
        return visit.page("cohorts.html", cohorts=await visit.api.get("enrolment", "/cohorts"))

    @router.get("/cohorts/new")
    async def new_cohort(request: Request) -> HTMLResponse:
        visit = await console.visit(request)
        _programme_team(visit)
        return visit.page("cohort_new.html")

    @router.post("/cohorts/new")
    async def create_cohort(request: Request) -> Response:
        visit = await console.visit(request)
        _programme_team(visit)
        form = await visit.form()
        cohort_id = form.text("cohort_id", "Enter a short id for the cohort, like oxon-2026", max_length=60)
        name = form.text("name", "Enter the cohort's name")
        local_authority = form.text("local_authority", "Enter the local authority running the cohort")
        starts_on = form.date("starts_on", "the date the cohort starts")
        count = form.number("leadership_days", "the number of leadership days", maximum=30)
        if count == 0:
            form.errors["leadership_days"] = "The number of leadership days must be between 1 and 30"
        if form.errors or starts_on is None or count is None:
            return visit.page("cohort_new.html", status=422, form=form)
        body = {
            "cohort_id": cohort_id,
            "name": name,
            "local_authority": local_authority,
            "starts_on": starts_on.isoformat(),
            "plan": {"leadership_days": [day.isoformat() for day in leadership_days(starts_on, count)]},
        }
        try:
            await visit.api.write("enrolment", "/cohorts", form.key("cohort", body), json=body)
        except ApiRefused as refused:
            refused_into(form, refused, "cohort_id", {"leadership_days": "starts_on"})
            return visit.page("cohort_new.html", status=422, form=form)
        return see_other(f"/cohorts/{cohort_id}?done=cohort")

    @router.get("/cohorts/{cohort_id}")
    async def cohort_page(request: Request, cohort_id: str = _COHORT) -> HTMLResponse:
        visit = await console.visit(request)
        _programme_team(visit)
        cohort, progress, impact, half_terms = await asyncio.gather(
            visit.api.get("enrolment", f"/cohorts/{cohort_id}"),
            unless_missing(visit.api.get("reporting", "/progress", {"cohort_id": cohort_id}), []),
            unless_missing(visit.api.get("reporting", f"/cohorts/{cohort_id}/impact"), {"schools": []}),
            unless_missing(visit.api.get("circles", f"/cohorts/{cohort_id}/half-terms"), {"half_terms": []}),
        )
        in_cohort = [school for school in progress if school["cohort_id"] == cohort_id]
        attention = needs_attention(cohort, in_cohort, impact["schools"], half_terms["half_terms"], _today())
        return visit.page("cohort.html", cohort=cohort, attention=attention)

    @router.get("/cohorts/{cohort_id}/enrolments")
    async def enrol_schools(request: Request, cohort_id: str = _COHORT) -> HTMLResponse:
        visit = await console.visit(request)
        _programme_team(visit)
        cohort = await visit.api.get("enrolment", f"/cohorts/{cohort_id}")
        return visit.page("enrol_upload.html", cohort=cohort)

    @router.post("/cohorts/{cohort_id}/enrolments/check")
    async def check_extract(request: Request, cohort_id: str = _COHORT) -> HTMLResponse:
        visit = await console.visit(request)
        _programme_team(visit)
        form = await visit.form()
        extract = await form.file("extract", "Select a GIAS extract (a CSV file)")
        cohort = await visit.api.get("enrolment", f"/cohorts/{cohort_id}")
        if form.errors:
            return visit.page("enrol_upload.html", status=422, form=form, cohort=cohort)
        try:
            report = await _import(visit, cohort_id, extract, key=None)
        except ApiRefused as refused:
            form.errors["extract"] = f"The selected file could not be read: {refused.message}"
            return visit.page("enrol_upload.html", status=422, form=form, cohort=cohort)
        return visit.page(
            "enrol_check.html",
            form=form,
            cohort=cohort,
            report=report,
            extract=base64.b64encode(extract).decode(),
        )

    @router.post("/cohorts/{cohort_id}/enrolments/confirm")
    async def confirm_extract(request: Request, cohort_id: str = _COHORT) -> Response:
        visit = await console.visit(request)
        _programme_team(visit)
        form = await visit.form()
        try:
            extract = base64.b64decode(form.text("extract", max_length=8_000_000), validate=True)
        except (binascii.Error, ValueError):
            return see_other(f"/cohorts/{cohort_id}/enrolments")
        report = await _import(
            visit, cohort_id, extract, key=form.key("enrol", form.text("extract", max_length=8_000_000))
        )
        cohort = await visit.api.get("enrolment", f"/cohorts/{cohort_id}")
        return visit.page("enrol_done.html", cohort=cohort, report=report)

    @router.get("/cohorts/{cohort_id}/sessions")
    async def sessions(request: Request, cohort_id: str = _COHORT) -> HTMLResponse:
        visit = await console.visit(request)
        _programme_team(visit)
        cohort, held = await asyncio.gather(
            visit.api.get("enrolment", f"/cohorts/{cohort_id}"),
            visit.api.get("learning", f"/cohorts/{cohort_id}/sessions"),
        )
        return visit.page("sessions.html", cohort=cohort, sessions=held, kinds=SESSION_KINDS)

    @router.post("/cohorts/{cohort_id}/sessions")
    async def schedule_session(request: Request, cohort_id: str = _COHORT) -> Response:
        visit = await console.visit(request)
        _programme_team(visit)
        form = await visit.form()
        kind = form.text("kind", "Select what kind of session it is")
        if kind and kind not in SESSION_KINDS:
            form.errors["kind"] = "Select what kind of session it is"
        held_on = form.date("held_on", "the date of the session")
        venue = form.text("venue")
        body: dict[str, Any] = {"kind": kind, "held_on": held_on.isoformat() if held_on else None}
        if kind == "mentoring":
            body["urn"] = form.text("urn", "Select the school being mentored")
        else:
            body["cohort_id"] = cohort_id
        if kind == "leadership_day":
            body["day_number"] = form.number("day_number", "which leadership day it is", maximum=30)
        if venue:
            body["venue"] = venue
        cohort, held = await asyncio.gather(
            visit.api.get("enrolment", f"/cohorts/{cohort_id}"),
            visit.api.get("learning", f"/cohorts/{cohort_id}/sessions"),
        )
        if not form.errors:
            try:
                await visit.api.write("learning", "/sessions", form.key("session", body), json=body)
                return see_other(f"/cohorts/{cohort_id}/sessions?done=session")
            except ApiRefused as refused:
                refused_into(form, refused, "held_on")
        return visit.page("sessions.html", status=422, form=form, cohort=cohort, sessions=held, kinds=SESSION_KINDS)

    @router.get("/cohorts/{cohort_id}/sessions/{session_id}")
    async def attendance_form(request: Request, session_id: str, cohort_id: str = _COHORT) -> HTMLResponse:
        visit = await console.visit(request)
        _programme_team(visit)
        return visit.page("attendance.html", **await _attendance_context(visit, cohort_id, session_id))

    @router.post("/cohorts/{cohort_id}/sessions/{session_id}")
    async def record_attendance(request: Request, session_id: str, cohort_id: str = _COHORT) -> Response:
        visit = await console.visit(request)
        _programme_team(visit)
        form = await visit.form()
        context = await _attendance_context(visit, cohort_id, session_id)
        known = {str(member["staff_id"]) for staff in context["staff"].values() for member in staff}
        staff_ids = [staff_id for staff_id in form.chosen("staff_ids") if staff_id in known]
        if not staff_ids:
            form.errors["staff_ids"] = "Select everyone who attended"
            return visit.page("attendance.html", status=422, form=form, form_chosen=form.chosen("staff_ids"), **context)
        body = {"staff_ids": sorted(staff_ids)}
        try:
            await visit.api.write(
                "learning", f"/sessions/{session_id}/attendance", form.key("attendance", body), json=body
            )
        except ApiRefused as refused:
            refused_into(form, refused, "staff_ids")
            return visit.page("attendance.html", status=422, form=form, form_chosen=form.chosen("staff_ids"), **context)
        return see_other(f"/cohorts/{cohort_id}/sessions?done=attendance")

    return router


async def _import(visit: Visit, cohort_id: str, extract: bytes, key: str | None) -> Any:
    params = {"check": "true"} if key is None else None
    return await visit.api.write("enrolment", f"/cohorts/{cohort_id}/gias-imports", key, content=extract, params=params)


async def _attendance_context(visit: Visit, cohort_id: str, session_id: str) -> dict[str, Any]:
    cohort, held = await asyncio.gather(
        visit.api.get("enrolment", f"/cohorts/{cohort_id}"),
        visit.api.get("learning", f"/cohorts/{cohort_id}/sessions"),
    )
    session = next((s for s in held if s["session_id"] == session_id), None)
    if session is None:
        from services.console.domain.errors import PageNotFound

        raise PageNotFound()
    schools = [s for s in cohort["schools"] if s["status"] == "active" and (session["urn"] in (None, s["urn"]))]
    rosters = await asyncio.gather(*(visit.api.get("enrolment", f"/schools/{s['urn']}/staff") for s in schools))
    staff = {
        school["urn"]: [member for member in roster if member["left_on"] is None]
        for school, roster in zip(schools, rosters, strict=True)
    }
    return {"cohort": cohort, "session": session, "schools": schools, "staff": staff, "kinds": SESSION_KINDS}
