"""Signing in with a one-time link, signing out, inviting people, and the API `rsp console-invite` calls."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from runtime.auth import Authenticator, Principal, Role
from runtime.errors import Forbidden
from services.console.domain.errors import FormRefused, LinkNotValid
from services.console.domain.secrets import new_secret
from services.console.entrypoints.web import COOKIE, Console, see_other
from services.console.service_layer.sign_in import InvitationSender, invite, open_session, sign_out

__all__ = ["build_sign_in_router"]


class NewSignInLink(BaseModel):
    """Someone to invite (or invite again): their email address, role and schools."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=254, description="Their work email address (kept only in the console)")
    role: str = Field(description="programme_admin, facilitator or school")
    urns: list[str] = Field(default_factory=list, max_length=100, description="Their schools (none for the team)")


class SignInLinkView(BaseModel):
    person_id: str = Field(description="The person's id: what the services see, never the email")
    sign_in_url: str = Field(description="Works once, until expires_at")
    expires_at: datetime
    emailed: bool = Field(description="Whether the notifications service was asked to email it")


def build_sign_in_router(
    console: Console,
    authenticate: Authenticator,
    sender: InvitationSender | None,
    link_lifetime: timedelta,
    session_lifetime: timedelta,
) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    api = APIRouter(tags=["sign-in"])

    @router.get("/")
    async def home(request: Request) -> Response:
        visit = await console.visit(request)
        person = visit.person
        if person.role is Role.PROGRAMME_ADMIN:
            return see_other("/cohorts")
        if person.role is Role.SCHOOL:
            return see_other(f"/schools/{person.schools[0]}")
        return see_other("/sessions")

    @router.get("/sign-in")
    async def signing_in() -> HTMLResponse:
        return console.html("sign_in.html", person=None)

    @router.get("/sign-in/{secret}")
    async def confirm_sign_in(secret: str) -> HTMLResponse:
        # A GET spends nothing: mail scanners open links; the person presses the button.
        return console.html("sign_in_confirm.html", person=None, secret=secret)

    @router.post("/sign-in/{secret}")
    async def sign_in(secret: str) -> Response:
        try:
            signed = await open_session(console.store, secret, session_lifetime)
        except LinkNotValid:
            return console.html("link_not_valid.html", status=400, person=None)
        answer = see_other("/")
        answer.set_cookie(
            COOKIE,
            signed.cookie,
            max_age=int(session_lifetime.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=console.settings_secure_cookie,
            path="/",
        )
        return answer

    @router.get("/sign-out")
    async def confirm_sign_out(request: Request) -> HTMLResponse:
        visit = await console.visit(request)
        return visit.page("sign_out.html")

    @router.post("/sign-out")
    async def signing_out(request: Request) -> Response:
        visit = await console.visit(request)
        await visit.form()
        await sign_out(console.store, request.cookies.get(COOKIE))
        answer = console.html("signed_out.html", person=None)
        answer.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=console.settings_secure_cookie)
        return answer

    @router.get("/people/new")
    async def new_person(request: Request) -> HTMLResponse:
        visit = await console.visit(request)
        _admin_only(visit.person.role)
        return visit.page("invite.html", emailed=sender is not None)

    @router.post("/people/new")
    async def invite_person(request: Request) -> Response:
        visit = await console.visit(request)
        _admin_only(visit.person.role)
        form = await visit.form()
        email, role = form.text("email"), form.text("role")
        urns = form.text("urns", max_length=800).replace(",", " ").split()
        try:
            invitation = await invite(
                console.store, email, role, urns, console.base_url, link_lifetime, sender, form.key("invite", email)
            )
        except FormRefused as refused:
            form.errors.update({error.field: error.message for error in refused.errors})
            return visit.page("invite.html", status=422, form=form, emailed=sender is not None)
        return visit.page("invited.html", emailed=sender is not None, invited_role=invitation.person.role)

    @api.post(
        "/api/sign-in-links",
        status_code=status.HTTP_201_CREATED,
        response_model=SignInLinkView,
        summary="Invite someone (or invite them again): a one-time sign-in link",
        description="For the programme team's tools (`rsp console-invite`). When notifications are configured the "
        "link is also emailed. The answer holds the link: keep it out of logs.",
    )
    async def sign_in_link(
        body: NewSignInLink,
        caller: Principal = Depends(authenticate),  # noqa: B008
    ) -> SignInLinkView | JSONResponse:
        _admin_only(caller.role)
        try:
            invitation = await invite(
                console.store, body.email, body.role, body.urns, console.base_url, link_lifetime, sender, new_secret()
            )
        except FormRefused as refused:
            problems = [
                {"loc": ["body", error.field], "msg": error.message, "type": "value_error"} for error in refused.errors
            ]
            return JSONResponse({"detail": refused.message, "errors": problems}, status_code=422)
        return SignInLinkView(
            person_id=str(invitation.person.person_id),
            sign_in_url=invitation.sign_in_url,
            expires_at=invitation.expires_at,
            emailed=sender is not None,
        )

    router.include_router(api)
    return router


def _admin_only(role: Role) -> None:
    if role is not Role.PROGRAMME_ADMIN:
        raise Forbidden("Only the programme team can invite people")
