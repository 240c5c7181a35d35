"""The SMTP route (aiosmtplib): a few connections kept open, each email one transaction on one of them.

The message's id is its Message-ID, so a receiving system that keeps Message-IDs (many do) can tell a copy. What
SMTP cannot do is answer "did you already take this one?": a process killed after the server's 250 and before
the send was recorded leaves a message it cannot check; the sender marks it `in_doubt` rather than send it again
(see `service_layer/delivery.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from uuid import UUID

import aiosmtplib

from services.notifications.service_layer.routes import Email, Refused, TryAgain, without_addresses

__all__ = ["SmtpRoute", "build_email"]

MESSAGE_ID_DOMAIN = "relational-schools-programme"


def build_email(email: Email, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = f"<{email.message_id}@{MESSAGE_ID_DOMAIN}>"
    message.set_content(email.body)
    if email.calendar is not None:
        # As calendar programs expect an invitation: an alternative text/calendar part with its METHOD, and the
        # same as an .ics attachment for those that only offer attachments.
        message.add_alternative(email.calendar, subtype="calendar", params={"method": email.calendar_method or ""})
        message.add_attachment(
            email.calendar.encode("utf-8"), maintype="text", subtype="calendar", filename="invite.ics"
        )
    return message


class SmtpRoute:
    """Sends through one SMTP server over up to `connections` open connections."""

    name = "smtp"

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        connections: int = 4,
        timeout: float = 30.0,
    ) -> None:
        self._host, self._port, self._sender = host, port, sender
        self._envelope_sender = parseaddr(sender)[1]
        self._username, self._password, self._starttls, self._timeout = username, password, starttls, timeout
        self._idle: asyncio.Queue[aiosmtplib.SMTP | None] = asyncio.Queue()
        for _ in range(connections):
            self._idle.put_nowait(None)  # opened when first used

    @property
    def sender_address(self) -> str:
        return self._envelope_sender

    async def _open(self) -> aiosmtplib.SMTP:
        client = aiosmtplib.SMTP(
            hostname=self._host, port=self._port, timeout=self._timeout, start_tls=self._starttls, use_tls=False
        )
        await client.connect()
        if self._username and self._password:
            await client.login(self._username, self._password)
        return client

    async def send(self, email: Email) -> None:
        try:
            message = build_email(email, self._sender)
        except ValueError:
            # A control character or line break in an address or subject: no server could take it as it is.
            raise Refused("the address or subject cannot be written in an email header") from None
        client = await self._idle.get()
        try:
            if client is None or not client.is_connected:
                client = await self._open()
            errors, _ = await client.send_message(message, sender=self._envelope_sender, recipients=[email.to])
            if errors:  # refused recipients of a message to several; ours have one
                code = next(iter(errors.values())).code
                raise (Refused if code >= 500 else TryAgain)(f"SMTP {code} for the recipient")
        except aiosmtplib.SMTPRecipientsRefused as refused:
            code = refused.recipients[0].code if refused.recipients else 550
            said = without_addresses(refused.recipients[0].message if refused.recipients else "")
            raise (Refused if code >= 500 else TryAgain)(f"SMTP {code}: {said}") from None
        except aiosmtplib.SMTPNotSupported:
            raise Refused("the server does not take this address (it needs SMTPUTF8)") from None
        except aiosmtplib.SMTPResponseException as answer:
            self._drop(client)
            client = None
            said = without_addresses(answer.message)
            raise (Refused if answer.code >= 500 else TryAgain)(f"SMTP {answer.code}: {said}") from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as failure:
            self._drop(client)
            client = None
            raise TryAgain(f"SMTP server not reachable: {type(failure).__name__}") from None
        finally:
            self._idle.put_nowait(client)

    @staticmethod
    def _drop(client: aiosmtplib.SMTP | None) -> None:
        """Forget a connection the server or the network broke; the next send opens a new one."""
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()

    async def already_sent(self, message_id: UUID) -> bool | None:
        return None  # SMTP has no way to ask

    async def close(self) -> None:
        while not self._idle.empty():
            client = self._idle.get_nowait()
            if client is not None and client.is_connected:
                with contextlib.suppress(Exception):
                    await client.quit()
