"""A school's pages, for its school lead, its facilitators and the programme team: its journey in plain words and
what is due next, its staff (one by one or a CSV file, checked then confirmed), its circles, its impact returns;
withdrawing or completing it (programme team); a facilitator's sessions. Another school's pages answer 404,
because the services answer so for a school out of the person's reach."""

from __future__ import annotations

import asyncio
import base64
import binascii
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from contracts.events.circles import CIRCLE_THEMES
from contracts.identifiers import URN_PATTERN
from runtime.auth import Role
from runtime.errors import Forbidden
from services.console.adapters.platform_api import ApiRefused, unless_missing
from services.console.domain.errors import FormRefused, PageNotFound
from services.console.domain.journey import due_next, journey_lines
from services.console.domain.staff_csv import STAFF_ROLES, read_staff_sheet
from services.console.entrypoints.forms import Form
from services.console.entrypoints.programme_pages import SESSION_KINDS, refused_into
from services.console.entrypoints.web import Console, Visit, see_other

__all__ = ["FIGURES", "build_school_router"]

_URN = Path(pattern=URN_PATTERN)
CIRCLE_KINDS = {
    "reflective": "Reflective circle (after a module)",
    "practice_discussion": "Practice discussion circle",
    "decision_making": "Decision-making circle",
}
PERIODS = {
    "baseline": "Baseline (the year before joining)",
    "autumn": "Autumn term",
    "spring": "Spring term",
    "summer": "Summer term",
}
FIGURES = {
    "pupils_on_roll": "Pupils on roll (January census headcount)",
    "suspensions": "Suspensions",
    "pupils_suspended": "Pupils with one or more suspensions",
    "permanent_exclusions": "Permanent exclusions",
    "possible_sessions": "Possible sessions (half days, all pupils)",
    "sessions_missed": "Sessions missed through absence",
    "pupils_persistently_absent": "Pupils persistently absent (missed 10% or more)",
}


def _today() -> date:
    return datetime.now(UTC).date()


def _reach(visit: Visit, urn: str) -> None:
    """A school outside the person's schools is a page that does not exist (the services agree)."""
    if visit.person.role is not Role.PROGRAMME_ADMIN and urn not in visit.person.schools:
        raise PageNotFound()


def _themes() -> list[tuple[str, str]]:
    return [(theme, theme.replace("_", " ").capitalize()) for theme in CIRCLE_THEMES]


def build_school_router(console: Console) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/schools/{urn}")
    async def school(request: Request, urn: str = _URN) -> HTMLResponse:
        visit = await console.visit(request)
        _reach(visit, urn)
        enrolment = await visit.api.get("enrolment", f"/schools/{urn}")
        cohort, progress, impact = await asyncio.gather(
            visit.api.get("enrolment", f"/schools/{urn}/plan"),
            unless_missing(visit.api.get("reporting", f"/schools/{urn}/progress")),
            unless_missing(visit.api.get("reporting", f"/schools/{urn}/impact")),
        )
        found, impact_found = progress, impact
        returned = [r["label"] for r in impact_found["returns"]] if impact_found else []
        due = due_next(cohort, impact_found["returns_due"] if impact_found else [], returned, _today())
        return visit.page(
            "school.html",
            school=enrolment,
            cohort=cohort,
            journey=journey_lines(cohort, found, _today()),
            due=due,
            may_end=visit.person.role is Role.PROGRAMME_ADMIN and enrolment["status"] == "active",
        )

    @router.post("/schools/{urn}/withdrawal")
    async def withdraw(request: Request, urn: str = _URN) -> Response:
        visit = await console.visit(request)
        if visit.person.role is not Role.PROGRAMME_ADMIN:
            raise Forbidden("Only the programme team can withdraw a school")
        form = await visit.form()
        reason = form.text("reason", "Enter why the school is withdrawing", max_length=1000)
        if not form.errors:
            try:
                body = {"reason": reason}
                await visit.api.write("enrolment", f"/schools/{urn}/withdrawal", form.key("withdraw", body), json=body)
                return see_other(f"/schools/{urn}?done=withdrawn")
            except ApiRefused as refused:
                refused_into(form, refused, "reason")
        enrolment = await visit.api.get("enrolment", f"/schools/{urn}")
        return visit.page("school_end.html", status=422, form=form, school=enrolment)

    @router.get("/schools/{urn}/ending")
    async def ending(request: Request, urn: str = _URN) -> HTMLResponse:
        visit = await console.visit(request)
        if visit.person.role is not Role.PROGRAMME_ADMIN:
            raise Forbidden("Only the programme team can withdraw or complete a school")
        return visit.page("school_end.html", school=await visit.api.get("enrolment", f"/schools/{urn}"))

    @router.post("/schools/{urn}/completion")
    async def complete(request: Request, urn: str = _URN) -> Response:
        visit = await console.visit(request)
        if visit.person.role is not Role.PROGRAMME_ADMIN:
            raise Forbidden("Only the programme team can complete a school")
        form = await visit.form()
        try:
            await visit.api.write("enrolment", f"/schools/{urn}/completion", form.key("complete", urn))
        except ApiRefused as refused:
            refused_into(form, refused, "complete")
            enrolment = await visit.api.get("enrolment", f"/schools/{urn}")
            return visit.page("school_end.html", status=422, form=form, school=enrolment)
        return see_other(f"/schools/{urn}?done=completed")

    # Staff -----------------------------------------------------------------------------------------------------

    async def staff_page(visit: Visit, urn: str, form: Form | None = None, status: int = 200) -> HTMLResponse:
        enrolment, staff = await asyncio.gather(
            visit.api.get("enrolment", f"/schools/{urn}"), visit.api.get("enrolment", f"/schools/{urn}/staff")
        )
        return visit.page("staff.html", status=status, form=form, school=enrolment, staff=staff, roles=STAFF_ROLES)

    @router.get("/schools/{urn}/staff")
    async def staff(request: Request, urn: str = _URN) -> HTMLResponse:
        visit = await console.visit(request)
        _reach(visit, urn)
        return await staff_page(visit, urn)

    @router.post("/schools/{urn}/staff")
    async def register_one(request: Request, urn: str = _URN) -> Response:
        visit = await console.visit(request)
        _reach(visit, urn)
        form = await visit.form()
        name = form.text("name", "Enter the person's full name")
        email = form.text("email", "Enter the person's work email address", max_length=254)
        role = form.text("role", "Select the person's role")
        if role and role not in STAFF_ROLES:
            form.errors["role"] = "Select the person's role"
        if form.errors:
            return await staff_page(visit, urn, form, 422)
        body = {"name": name, "email": email, "role": role}
        try:
            await visit.api.write("enrolment", f"/schools/{urn}/staff", form.key("staff", body), json=body)
        except ApiRefused as refused:
            refused_into(form, refused, "email")
            return await staff_page(visit, urn, form, 422)
        return see_other(f"/schools/{urn}/staff?done=staff")

    @router.post("/schools/{urn}/staff/check")
    async def check_staff_file(request: Request, urn: str = _URN) -> Response:
        visit = await console.visit(request)
        _reach(visit, urn)
        form = await visit.form()
        content = await form.file("staff_file", "Select a CSV file of staff")
        if form.errors:
            return await staff_page(visit, urn, form, 422)
        registered = await visit.api.get("enrolment", f"/schools/{urn}/staff")
        try:
            sheet = read_staff_sheet(content, [member["email"] for member in registered if member["email"]])
        except FormRefused as refused:
            form.errors.update({error.field: error.message for error in refused.errors})
            return await staff_page(visit, urn, form, 422)
        enrolment = await visit.api.get("enrolment", f"/schools/{urn}")
        return visit.page(
            "staff_check.html",
            form=form,
            school=enrolment,
            sheet=sheet,
            roles=STAFF_ROLES,
            staff_file=base64.b64encode(content).decode(),
        )

    @router.post("/schools/{urn}/staff/confirm")
    async def confirm_staff_file(request: Request, urn: str = _URN) -> Response:
        visit = await console.visit(request)
        _reach(visit, urn)
        form = await visit.form()
        try:
            content = base64.b64decode(form.text("staff_file", max_length=8_000_000), validate=True)
            registered = await visit.api.get("enrolment", f"/schools/{urn}/staff")
            sheet = read_staff_sheet(content, [member["email"] for member in registered if member["email"]])
        except (binascii.Error, ValueError, FormRefused):
            return see_other(f"/schools/{urn}/staff")
        # One write per row, each with its own key: a double submit registers nobody twice.
        for row in sheet.to_register:
            body: dict[str, Any] = {"name": row.name, "email": row.email, "role": row.role}
            if row.starts_on:
                body["starts_on"] = row.starts_on.isoformat()
            await visit.api.write("enrolment", f"/schools/{urn}/staff", form.key(f"staff-{row.line}", body), json=body)
        return see_other(f"/schools/{urn}/staff?done=staff")

    # Circles ---------------------------------------------------------------------------------------------------

    async def circles_page(visit: Visit, urn: str, form: Form | None = None, status: int = 200) -> HTMLResponse:
        enrolment, circles, staff = await asyncio.gather(
            visit.api.get("enrolment", f"/schools/{urn}"),
            visit.api.get("circles", f"/schools/{urn}/circles"),
            visit.api.get("enrolment", f"/schools/{urn}/staff"),
        )
        current = [member for member in staff if member["left_on"] is None]
        return visit.page(
            "circles.html",
            status=status,
            form=form,
            school=enrolment,
            circles=circles,
            staff=current,
            staff_names={member["staff_id"]: member["name"] or "(name erased)" for member in staff},
            kinds=CIRCLE_KINDS,
            themes=_themes(),
            chosen_staff=form.chosen("participant_staff_ids") if form else [],
            chosen_themes=form.chosen("themes") if form else [],
        )

    @router.get("/schools/{urn}/circles")
    async def circles(request: Request, urn: str = _URN) -> HTMLResponse:
        visit = await console.visit(request)
        _reach(visit, urn)
        return await circles_page(visit, urn)

    @router.post("/schools/{urn}/circles")
    async def record_circle(request: Request, urn: str = _URN) -> Response:
        """Schedule and record a circle that was held, in one form (two writes, each with its key)."""
        visit = await console.visit(request)
        _reach(visit, urn)
        form = await visit.form()
        kind = form.text("kind", "Select the kind of circle")
        if kind and kind not in CIRCLE_KINDS:
            form.errors["kind"] = "Select the kind of circle"
        held_on = form.date("held_on", "the date the circle was held")
        facilitator = form.text("facilitator_staff_id", "Select who facilitated the circle")
        module = form.text("module_number") if kind == "reflective" else ""
        if kind == "reflective" and not module:
            form.errors["module_number"] = "Enter the module the circle reflected on, from 1 to 15"
        elif module and (not module.isdigit() or not 1 <= int(module) <= 15):
            form.errors["module_number"] = "The module must be a number from 1 to 15"
        participants = form.chosen("participant_staff_ids")
        count = form.number("participant_count", "how many staff took part", maximum=500)
        if count == 0:
            form.errors["participant_count"] = "At least 1 member of staff must have taken part"
        themes = [theme for theme in form.chosen("themes") if theme in CIRCLE_THEMES]
        if not themes:
            form.errors["themes"] = "Select at least one theme the circle talked about"
        reflection = form.text("reflection", max_length=4000)
        if held_on and held_on > _today():
            form.errors["held_on"] = "The date the circle was held must be today or in the past"
        if form.errors or held_on is None:
            return await circles_page(visit, urn, form, 422)
        planned: dict[str, Any] = {
            "kind": kind,
            "scheduled_for": held_on.isoformat(),
            "facilitator_staff_id": facilitator,
        }
        if module:
            planned["module_number"] = int(module)
        held: dict[str, Any] = {
            "held_on": held_on.isoformat(),
            "participant_count": count,
            "participant_staff_ids": participants,
            "themes": themes,
        }
        if reflection:
            held["reflection"] = reflection
        try:
            circle = await visit.api.write(
                "circles", f"/schools/{urn}/circles", form.key("plan", planned), json=planned
            )
            await visit.api.write(
                "circles",
                f"/schools/{urn}/circles/{circle['circle_id']}/record",
                form.key("held", {**held, "circle": circle["circle_id"]}),
                json=held,
            )
        except ApiRefused as refused:
            refused_into(form, refused, "held_on", {"scheduled_for": "held_on"})
            return await circles_page(visit, urn, form, 422)
        return see_other(f"/schools/{urn}/circles?done=circle")

    # Impact returns --------------------------------------------------------------------------------------------

    async def returns_page(visit: Visit, urn: str, form: Form | None = None, status: int = 200) -> HTMLResponse:
        impact = await visit.api.get("reporting", f"/schools/{urn}/impact")
        return visit.page("returns.html", status=status, form=form, impact=impact, periods=PERIODS, figures=FIGURES)

    @router.get("/schools/{urn}/returns")
    async def returns(request: Request, urn: str = _URN) -> HTMLResponse:
        visit = await console.visit(request)
        _reach(visit, urn)
        return await returns_page(visit, urn)

    @router.post("/schools/{urn}/returns")
    async def submit_return(request: Request, urn: str = _URN) -> Response:
        visit = await console.visit(request)
        _reach(visit, urn)
        form = await visit.form()
        period = form.text("period", "Select the period the return covers")
        if period and period not in PERIODS:
            form.errors["period"] = "Select the period the return covers"
        year = form.text("academic_year", None if period == "baseline" else "Enter the academic year, like 2026/27")
        body: dict[str, Any] = {"period": period}
        if year:
            body["academic_year"] = year
        for name, label in FIGURES.items():
            body[name] = form.number(name, label[0].lower() + label[1:].split(" (")[0].lower())
        if form.errors:
            return await returns_page(visit, urn, form, 422)
        try:
            await visit.api.write("reporting", f"/schools/{urn}/impact/returns", form.key("return", body), json=body)
        except ApiRefused as refused:
            refused_into(form, refused, "period")
            return await returns_page(visit, urn, form, 422)
        return see_other(f"/schools/{urn}/returns?done=return")

    # Facilitators ----------------------------------------------------------------------------------------------

    @router.get("/sessions")
    async def my_sessions(request: Request) -> HTMLResponse:
        visit = await console.visit(request)
        if visit.person.role is Role.PROGRAMME_ADMIN:
            return see_other("/cohorts")  # type: ignore[return-value]
        urns = sorted(visit.person.schools)
        found = await asyncio.gather(*(visit.api.get("learning", f"/schools/{urn}/sessions") for urn in urns))
        return visit.page("my_sessions.html", schools=list(zip(urns, found, strict=True)), kinds=SESSION_KINDS)

    return router
