"""What every console page shares: who is signed in, the CSRF check, rendering with GOV.UK Frontend markup, and
how errors look (sign in again, 404, 403, a problem with the service)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from runtime.auth import Role
from runtime.errors import Forbidden, NotFound, PlatformError
from services.console.adapters.platform_api import PersonApi, PlatformApi
from services.console.adapters.postgres import PostgresConsoleStore
from services.console.domain.errors import SignedOut
from services.console.domain.journey import JourneyLine
from services.console.domain.people import ROLE_NAMES, Person
from services.console.domain.secrets import form_token_matches, request_token
from services.console.entrypoints.forms import Form, new_form_token
from services.console.service_layer.sign_in import session_of

__all__ = ["COOKIE", "Console", "FormExpired", "Visit", "add_error_pages"]

COOKIE = "rsp_console_session"
_TEMPLATES = Path(__file__).parent / "templates"
_log = logging.getLogger(__name__)

# A message shown once after a redirect, named in the query string (never text from the query string itself).
DONE_MESSAGES = {
    "cohort": "Cohort created",
    "enrolled": "Schools enrolled",
    "session": "Session scheduled",
    "attendance": "Attendance recorded",
    "staff": "Staff registered",
    "circle": "Circle recorded",
    "return": "Impact return submitted",
    "withdrawn": "School withdrawn",
    "completed": "School marked as completed",
    "invited": "Invitation sent",
}


class FormExpired(PlatformError):
    """The form's CSRF token is missing or not this session's."""


def _navigation(person: Person) -> list[tuple[str, str]]:
    if person.role is Role.PROGRAMME_ADMIN:
        return [("/cohorts", "Cohorts"), ("/people/new", "Invite someone")]
    if person.role is Role.SCHOOL:
        urn = person.schools[0]
        return [
            (f"/schools/{urn}", "Your school"),
            (f"/schools/{urn}/staff", "Staff"),
            (f"/schools/{urn}/circles", "Circles"),
            (f"/schools/{urn}/returns", "Impact returns"),
        ]
    return [("/sessions", "Your sessions"), *((f"/schools/{urn}", f"School {urn}") for urn in person.schools)]


def _long_date(value: str | date | None) -> str:
    if not value:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {day:%B %Y}"


def _school_option(urn: str, schools: list[dict[str, Any]]) -> tuple[str, str]:
    name = next((str(school["name"]) for school in schools if school["urn"] == urn), urn)
    return urn, f"{name} ({urn})"


def _staff_option(member: dict[str, Any]) -> tuple[str, str]:
    role = str(member["role"]).replace("_", " ")
    return str(member["staff_id"]), f"{member['name'] or '(name erased)'}, {role}"


def _sentence(text: str) -> str:
    """The first letter upper-cased and the rest as written (Jinja's `capitalize` lowers the rest: 'Urn')."""
    return text[:1].upper() + text[1:]


def _journey_row(line: JourneyLine) -> tuple[str, str]:
    return line.part, line.words


def _environment() -> Environment:
    environment = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape(["html"]))
    environment.filters.update(
        long_date=_long_date,
        sentence=_sentence,
        school_option=_school_option,
        staff_option=_staff_option,
        journey_row=_journey_row,
    )
    return environment


@dataclass
class Console:
    """What the pages need; the store is set once the pool is open."""

    platform: PlatformApi
    base_url: str
    settings_secure_cookie: bool
    templates: Environment = field(default_factory=_environment)
    store_: PostgresConsoleStore | None = None

    @property
    def store(self) -> PostgresConsoleStore:
        if self.store_ is None:
            raise RuntimeError("the console has not started")
        return self.store_

    def html(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        nonce = secrets.token_urlsafe(12)
        context.setdefault("errors", {})
        context.setdefault("values", {})
        body = self.templates.get_template(template).render(nonce=nonce, role_names=ROLE_NAMES, **context)
        headers = {
            "Content-Security-Policy": f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
            "img-src 'self' data:; style-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'",
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",  # a sign-in link in the address bar never leaks onwards
            "X-Content-Type-Options": "nosniff",
        }
        return HTMLResponse(body, status_code=status, headers=headers)

    async def visit(self, request: Request) -> Visit:
        """The signed-in person's visit; `SignedOut` sends them to sign in."""
        session = await session_of(self.store, request.cookies.get(COOKIE))
        if session is None:
            raise SignedOut()
        return Visit(self, request, session.person, session.csrf_secret, self.platform.as_person(session.person))


@dataclass
class Visit:
    """One request of a signed-in person: their API, their pages, their forms."""

    console: Console
    request: Request
    person: Person
    csrf_secret: str
    api: PersonApi

    async def form(self) -> Form:
        data = await self.request.form()
        sent = data.get("csrf_token")
        if not isinstance(sent, str) or not form_token_matches(self.csrf_secret, sent):
            raise FormExpired("The form has expired. Go back, refresh the page and try again.")
        return Form(data)

    def page(self, template: str, *, status: int = 200, form: Form | None = None, **context: Any) -> HTMLResponse:
        done = self.request.query_params.get("done")
        return self.console.html(
            template,
            status=status,
            person=self.person,
            navigation=_navigation(self.person),
            current=self.request.url.path,
            form={
                "csrf_token": request_token(self.csrf_secret),
                "form_token": form.form_token if form else new_form_token(),
            },
            errors=form.errors if form else {},
            values=form.values if form else {},
            flash=DONE_MESSAGES.get(done or ""),
            **context,
        )


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def add_error_pages(app: FastAPI, console: Console) -> None:
    def handler(status: int, template: str) -> Callable[[Request, Exception], Awaitable[Response]]:
        async def answer(_: Request, error: Exception) -> Response:
            message = error.message if isinstance(error, PlatformError) else ""
            return console.html(template, status=status, message=message, person=None)

        return answer

    async def sign_in_again(_: Request, __: Exception) -> Response:
        return see_other("/sign-in")

    async def service_problem(_: Request, error: Exception) -> Response:
        # The type only: a message could carry what a person typed.
        _log.warning("a page failed: %s", type(error).__name__, exc_info=not isinstance(error, PlatformError))
        return console.html("problem.html", status=502, message="", person=None)

    app.add_exception_handler(SignedOut, sign_in_again)
    app.add_exception_handler(NotFound, handler(404, "not_found.html"))
    app.add_exception_handler(Forbidden, handler(403, "forbidden.html"))
    app.add_exception_handler(FormExpired, handler(400, "form_expired.html"))
    app.add_exception_handler(PlatformError, service_problem)
    # Anything else (a service's answer of an unexpected shape, a bug): the GOV.UK problem page, never a trace.
    app.add_exception_handler(Exception, service_problem)
