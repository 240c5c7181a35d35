"""What notifications' API does: invitations sent at once, delivery receipts, people's choices, in-doubt resends."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from uuid import UUID, uuid4

from runtime.errors import Conflict
from services.notifications.domain.errors import AddressRefused, MessageNotFound, SendingFailed
from services.notifications.domain.model import NewMessage, Preferences, message_id_of, next_attempt
from services.notifications.domain.templates import Templates
from services.notifications.service_layer.delivery import undeliverable, word
from services.notifications.service_layer.routes import Email, Refused, Route, TryAgain
from services.notifications.service_layer.unit_of_work import NotificationsUnitOfWork

__all__ = [
    "ReceiptStatus",
    "SignInInvitation",
    "preferences_of",
    "record_receipt",
    "resend",
    "send_sign_in_invitation",
    "set_preferences",
]

_log = logging.getLogger(__name__)
ReceiptStatus = Literal["delivered", "permanent-failure", "temporary-failure", "technical-failure"]
_INLINE_TRIES = 4


@dataclass(frozen=True)
class SignInInvitation:
    """What the console asks to send; the address and the link live only as long as the request."""

    email: str
    sign_in_url: str
    expires_at: datetime
    role: str


async def send_sign_in_invitation(
    uow: NotificationsUnitOfWork, route: Route, templates: Templates, invitation: SignInInvitation
) -> UUID:
    """Send at once (retrying a 429/5xx a few times with back-off) and record that it went, never to whom."""
    dedupe_key = f"sign-in:{uuid4()}"
    message_id = message_id_of(dedupe_key)
    values: dict[str, object] = {
        "role": invitation.role,
        "sign_in_url": invitation.sign_in_url,
        "expires_at": invitation.expires_at.astimezone(UTC).strftime("%d %B %Y at %H:%M UTC"),
    }
    wording = word(templates, "sign_in_invitation", values)
    email = Email(message_id, invitation.email, wording.subject, wording.body)
    status, outcome = "sent", None
    for attempt in range(1, _INLINE_TRIES + 1):
        try:
            await route.send(email)
            break
        except TryAgain as later:
            if attempt == _INLINE_TRIES:
                raise SendingFailed(
                    f"the email provider could not take the invitation now ({later}); try again"
                ) from None
            await asyncio.sleep((next_attempt(attempt, datetime.now(UTC)) - datetime.now(UTC)).total_seconds() / 4)
        except Refused as refused:
            status, outcome = "failed", str(refused)
            break
    async with uow:
        # Kept: that an invitation for a role went, and how it ended. Not kept: the address or the link.
        await uow.messages.add(
            NewMessage(
                dedupe_key=dedupe_key,
                kind="sign_in_invitation",
                audience="staff",
                values={"role": invitation.role},
                status=status,  # type: ignore[arg-type]
                outcome=outcome,
            )
        )
        await uow.messages.finish(message_id, status, outcome, route.name)
        await uow.commit()
    if status == "failed":
        raise AddressRefused(f"the email provider refused the address: {outcome}")
    return message_id


async def record_receipt(uow: NotificationsUnitOfWork, reference: str, status: ReceiptStatus) -> None:
    """A Notify delivery receipt: delivered, or failed for good (the platform is told), or to be sent again."""
    try:
        message_id = UUID(reference)
    except ValueError:
        raise MessageNotFound(reference) from None
    async with uow:
        message = await uow.messages.get(message_id)
        if message is None:
            raise MessageNotFound(reference)
        current = await uow.messages.status_of(message_id)
        now = datetime.now(UTC)
        if status == "delivered":
            await uow.messages.finish(message_id, "delivered", "delivered")
        elif status == "technical-failure":
            # Notify's own fault: send it again after a back-off.
            await uow.messages.retry(message_id, next_attempt(message.attempts, now), "Notify technical-failure")
        elif current != "failed":
            # Notify stopped trying (permanent-failure: the address does not exist; temporary-failure: a full
            # inbox for days). Either way the lead was not reached: say so once.
            await uow.messages.finish(message_id, "failed", f"Notify {status}", "notify")
            await uow.record(undeliverable(message, "notify", status, now))
        await uow.commit()


async def set_preferences(uow: NotificationsUnitOfWork, preferences: Preferences) -> Preferences:
    async with uow:
        await uow.preferences.save(preferences)
        await uow.commit()
    return preferences


async def preferences_of(uow: NotificationsUnitOfWork, staff_id: UUID) -> Preferences:
    async with uow:
        found = await uow.preferences.of([staff_id])
    return found.get(staff_id, Preferences(staff_id))


async def resend(uow: NotificationsUnitOfWork, message_id: UUID) -> None:
    """Send an in-doubt message again, because a person checked it never arrived."""
    async with uow:
        status = await uow.messages.status_of(message_id)
        if status is None:
            raise MessageNotFound(str(message_id))
        if status != "in_doubt":
            raise Conflict(f"message {message_id} is {status}; only a message in doubt is sent again by hand")
        await uow.messages.retry(message_id, datetime.now(UTC), "sent again by hand")
        await uow.commit()
