"""What a delivery route is to the sender: send one email, say whether a message was already sent, or fail so.

A route raises `TryAgain` when the provider cannot take the message now (HTTP 429 or 5xx, an SMTP 4xx, no
connection): the message waits and is sent again after a back-off, never dropped. It raises `Refused` when the
provider refuses it for good (an SMTP 5xx for the recipient, a Notify 400): the message is failed and the platform
is told.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

__all__ = ["Email", "Refused", "Route", "TryAgain", "without_addresses"]

_ADDRESS = re.compile(r"[^\s<>()\[\]@,;:\"']+@[^\s<>()\[\]@,;:\"']+")


def without_addresses(text: str) -> str:
    """A provider's words with any address in them blotted out: servers often echo the recipient in a refusal,
    and what a provider said is kept, published and logged."""
    return _ADDRESS.sub("<address>", text)


@dataclass(frozen=True)
class Email:
    """One email as it leaves: the address lives only as long as this object."""

    message_id: UUID
    to: str
    subject: str
    body: str
    calendar: str | None = None
    calendar_method: str | None = None


class TryAgain(Exception):
    """The provider could not take the message now; send it again later."""


class Refused(Exception):
    """The provider refused the message for good; the text says why, without the address."""


class Route(Protocol):
    """A way out: SMTP or GOV.UK Notify."""

    name: str

    async def send(self, email: Email) -> None: ...

    async def already_sent(self, message_id: UUID) -> bool | None:
        """Whether the provider holds this message already; None when the provider cannot be asked (SMTP)."""
        ...

    async def close(self) -> None: ...
