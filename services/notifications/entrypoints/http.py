"""Notifications' HTTP API: sign-in invitations, Notify's delivery receipts, people's choices, the messages by id,
and the local mailbox page."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request, status
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from contracts.identifiers import URN_PATTERN
from runtime.auth import SESSION_COOKIE, Authenticator, Principal
from services.notifications.adapters.mailbox import read_mailbox
from services.notifications.domain.errors import ReceiptNotAuthorised, SendingFailed
from services.notifications.domain.model import Preferences
from services.notifications.domain.templates import Templates
from services.notifications.entrypoints.authorisation import POLICY
from services.notifications.entrypoints.views import (
    DeliveryReceipt,
    MessageView,
    NewSignInInvitation,
    PreferencesChange,
    PreferencesView,
    SentInvitation,
)
from services.notifications.service_layer import services
from services.notifications.service_layer.routes import Route
from services.notifications.service_layer.unit_of_work import NotificationsUnitOfWork

__all__ = ["build_router"]

MessageStatusFilter = Literal[
    "pending", "held_for_digest", "digested", "sending", "sent", "delivered", "failed", "skipped", "in_doubt"
]
_STATUS_QUERY = Query(default=None, alias="status", description="Only messages in this state")
_URN_QUERY = Query(default=None, pattern=URN_PATTERN, description="Only messages about this school")
_TOKEN_QUERY = Query(description="A token from `rsp token`")
_LIMIT_QUERY = Query(default=100, ge=1, le=1000, description="How many, newest first")


def build_router(
    unit_of_work: Callable[[], NotificationsUnitOfWork],
    route: Route,
    templates: Templates,
    authenticate: Authenticator,
    callback_token: str | None,
    mailbox_dir: Path | None,
) -> APIRouter:
    router = APIRouter()
    caller_of = Depends(authenticate)
    page_caller_of = Depends(authenticate.with_cookie())

    @router.post(
        "/sign-in-invitations",
        status_code=status.HTTP_201_CREATED,
        tags=["invitations"],
        summary="Send a sign-in invitation for the console, at once",
        description="Sends the email now (a 429 or 5xx from the provider is retried a few times; still failing: 503, "
        "send again with the same Idempotency-Key). Neither the address nor the link is kept: only that an "
        "invitation for a role went. A refused address: 422.",
        response_model=SentInvitation,
        responses={
            503: {
                "description": "The email provider could not take it now; try again",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        },
    )
    async def send_sign_in_invitation(
        body: NewSignInInvitation, caller: Principal = caller_of
    ) -> SentInvitation | JSONResponse:
        POLICY.check(caller, "send_sign_in_invitation")
        invitation = services.SignInInvitation(body.email, body.sign_in_url, body.expires_at, body.role)
        try:
            message_id = await services.send_sign_in_invitation(unit_of_work(), route, templates, invitation)
        except SendingFailed as later:
            return JSONResponse({"detail": later.message}, status_code=503, headers={"Retry-After": "30"})
        return SentInvitation(message_id=message_id)

    @router.post(
        "/notify/delivery-receipts",
        status_code=status.HTTP_204_NO_CONTENT,
        tags=["notify"],
        summary="GOV.UK Notify's delivery receipt callback",
        description="Notify calls this with the bearer token the council set in Notify "
        "(`RSP_NOTIFY_CALLBACK_TOKEN`), not a platform token. A permanent failure publishes "
        "rsp.notifications.message.undeliverable.v1; the address in the receipt is never kept.",
        responses={401: {"description": "Not the callback bearer token set in Notify"}},
    )
    async def delivery_receipt(body: DeliveryReceipt, authorization: str | None = Header(default=None)) -> None:
        expected = f"Bearer {callback_token}" if callback_token else None
        if expected is None or authorization is None or not hmac.compare_digest(authorization, expected):
            raise ReceiptNotAuthorised("a delivery receipt needs the callback bearer token set in Notify")
        await services.record_receipt(unit_of_work(), body.reference or "", body.status)

    @router.get("/people/{staff_id}/preferences", tags=["preferences"], summary="What a person chose")
    async def read_preferences(staff_id: UUID, caller: Principal = caller_of) -> PreferencesView:
        POLICY.check(caller, "read_preferences")
        return PreferencesView.model_validate(await services.preferences_of(unit_of_work(), staff_id))

    @router.put(
        "/people/{staff_id}/preferences",
        tags=["preferences"],
        summary="Choose a weekly digest of reminders, or stop non-essential messages",
        description="Invitations to sessions and sign-in, and the programme team's at-risk notices, are sent whatever "
        "is chosen.",
    )
    async def set_preferences(
        body: PreferencesChange, staff_id: UUID, caller: Principal = caller_of
    ) -> PreferencesView:
        POLICY.check(caller, "set_preferences")
        chosen = Preferences(staff_id, body.weekly_digest, body.non_essential_off)
        return PreferencesView.model_validate(await services.set_preferences(unit_of_work(), chosen))

    @router.get("/messages", tags=["messages"], summary="The newest messages: ids, kinds and how each ended")
    async def list_messages(
        caller: Principal = caller_of,
        status_is: MessageStatusFilter | None = _STATUS_QUERY,
        urn: str | None = _URN_QUERY,
        limit: int = _LIMIT_QUERY,
    ) -> list[MessageView]:
        POLICY.check(caller, "read_messages")
        async with unit_of_work() as uow:
            rows = await uow.messages.listed(status_is, urn, limit)
        return [MessageView.model_validate(row) for row in rows]

    @router.post(
        "/messages/{message_id}/resending",
        status_code=status.HTTP_202_ACCEPTED,
        tags=["messages"],
        summary="Send an in-doubt message again, once someone checked it never arrived",
        responses={409: {"description": "The message is not in doubt"}},
    )
    async def resend(message_id: UUID, caller: Principal = caller_of) -> dict[str, str]:
        POLICY.check(caller, "resend_message")
        await services.resend(unit_of_work(), message_id)
        return {"status": "pending"}

    @router.get(
        "/mailbox/login",
        tags=["mailbox"],
        summary="Open the local mailbox with a token (kept in a cookie for the mailbox page only)",
        responses={401: {"description": "The token in the link is not valid"}},
    )
    async def mailbox_login(token: str = _TOKEN_QUERY) -> RedirectResponse:
        principal = authenticate.principal_of(token)  # refuses a bad token before any cookie is set
        POLICY.check(principal, "open_mailbox")
        answer = RedirectResponse("/mailbox", status_code=303)
        answer.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", path="/mailbox")
        return answer

    @router.get(
        "/mailbox",
        tags=["mailbox"],
        summary="The local mailbox: every email the platform sent to the local SMTP server",
        response_class=HTMLResponse,
    )
    async def mailbox_page(request: Request, caller: Principal = page_caller_of) -> HTMLResponse:
        POLICY.check(caller, "open_mailbox")
        return HTMLResponse(_mailbox_html(mailbox_dir))

    return router


def _mailbox_html(folder: Path | None) -> str:
    if folder is None:
        rows = (
            "<p class='govuk-body'>This service sends through an SMTP server of its own; there is no local mailbox.</p>"
        )
    else:
        kept = read_mailbox(folder)
        items = []
        for email in kept:
            invite = "<p><strong>Calendar invitation attached</strong></p>" if email.calendar else ""
            items.append(
                "<article class='email'>"
                f"<h2>{escape(email.subject)}</h2>"
                f"<p>To: {escape(email.to)} &middot; {escape(email.date)} &middot; {escape(email.message_id)}</p>"
                f"{invite}<pre>{escape(email.body)}</pre></article>"
            )
        rows = f"<p>{len(kept)} emails, newest first.</p>" + ("".join(items) or "<p>No email yet.</p>")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Local mailbox - Relational Schools "
        "Programme</title><meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<style>body{font-family:Arial,sans-serif;margin:2rem;max-width:60rem}article{border-top:1px solid #b1b4b6;"
        "padding:1rem 0}pre{white-space:pre-wrap;font-family:inherit}</style></head><body><main>"
        "<h1>Local mailbox</h1><p>What the platform would have emailed. This mailbox is the local stack's own SMTP "
        f"server and delivers nothing onwards.</p>{rows}</main></body></html>"
    )
