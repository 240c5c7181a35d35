"""The GOV.UK Notify route, through Notify's own Python client (`notifications-python-client`).

Notify sends from templates kept in Notify: the council makes one email template whose subject is `((subject))`
and whose body is `((body))`, and gives its id as `RSP_NOTIFY_TEMPLATE_ID`; the programme's words stay here, as
data. Every message goes with its id as Notify's `reference`, which Notify lets a sender look up: after a crash
the sender asks Notify whether it already holds a message before sending it again. Notify does not send calendar
files, so an invitation's date is in its words (its `.ics` goes by SMTP only).
"""

from __future__ import annotations

import asyncio
from uuid import UUID

from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from services.notifications.service_layer.routes import Email, Refused, TryAgain, without_addresses

__all__ = ["NotifyRoute"]


def _judge(error: APIError) -> Exception:
    code = error.status_code
    if code == 429 or code >= 500:
        return TryAgain(f"Notify {code}")
    if code in (401, 403):
        # A wrong or revoked key: an operator must act, and until then nothing may be lost.
        return TryAgain(f"Notify {code}: the API key was not accepted")
    return Refused(without_addresses(f"Notify {code}: {error.message}"))


class NotifyRoute:
    """Sends emails through GOV.UK Notify; the client is blocking, so each call runs in a worker thread."""

    name = "notify"

    def __init__(self, api_key: str, template_id: str, base_url: str, timeout: float = 30.0) -> None:
        self._api_key, self._base_url, self._timeout = api_key, base_url, timeout
        self._template_id = template_id

    def _client(self) -> NotificationsAPIClient:
        # The client is not thread-safe (its requests session): one per call.
        return NotificationsAPIClient(  # type: ignore[no-untyped-call]
            self._api_key, base_url=self._base_url, timeout=self._timeout
        )

    async def send(self, email: Email) -> None:
        personalisation = {"subject": email.subject, "body": email.body}

        def send() -> None:
            self._client().send_email_notification(  # type: ignore[no-untyped-call]
                email_address=email.to,
                template_id=self._template_id,
                personalisation=personalisation,
                reference=str(email.message_id),
            )

        try:
            await asyncio.to_thread(send)
        except APIError as error:
            raise _judge(error) from None

    async def already_sent(self, message_id: UUID) -> bool | None:
        def ask() -> bool:
            client = self._client()
            found = client.get_all_notifications(  # type: ignore[no-untyped-call]
                template_type="email", reference=str(message_id)
            )
            return bool(found.get("notifications"))

        try:
            return await asyncio.to_thread(ask)
        except APIError:
            return None

    async def close(self) -> None:
        return None
