"""What notifications' API takes and answers: never an address in an answer, except the mailbox page itself."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

__all__ = [
    "DeliveryReceipt",
    "MessageView",
    "NewSignInInvitation",
    "PreferencesChange",
    "PreferencesView",
    "SentInvitation",
]

# An address as HTML's `input type=email` takes it (WHATWG): what every mail server accepts in a header.
_EMAIL = (
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


class NewSignInInvitation(BaseModel):
    """An invitation to sign in to the console, sent at once; neither the address nor the link is kept."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(pattern=_EMAIL, max_length=254, description="Where to send the invitation")
    sign_in_url: str = Field(
        pattern=r"^https?://[!-~]+$", max_length=2000, description="The one-time sign-in link the console made"
    )
    expires_at: AwareDatetime = Field(description="When the link stops working")
    role: Literal["programme_admin", "facilitator", "school", "viewer"] = Field(description="The role offered")


class SentInvitation(BaseModel):
    message_id: UUID = Field(description="Notifications' id for the email (its Message-ID / Notify reference)")
    status: Literal["sent"] = "sent"


class DeliveryReceipt(BaseModel):
    """Notify's delivery receipt callback, as Notify sends it. `to` (the address) is read and never kept."""

    model_config = ConfigDict(extra="ignore")

    id: UUID = Field(description="Notify's id for the notification")
    reference: str | None = Field(default=None, max_length=200, description="The reference it was sent with")
    status: Literal["delivered", "permanent-failure", "temporary-failure", "technical-failure"]
    notification_type: str | None = None
    created_at: datetime | None = None
    completed_at: datetime | None = None
    sent_at: datetime | None = None


class PreferencesView(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    staff_id: UUID
    weekly_digest: bool = Field(description="Gather reminders into one email a week instead of each on its own")
    non_essential_off: bool = Field(
        description="Send nothing that can be switched off (invitations and the programme team's notices still go)"
    )


class PreferencesChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weekly_digest: bool = Field(default=False, description="Gather reminders into one email a week")
    non_essential_off: bool = Field(default=False, description="Stop every message that can be switched off")


class MessageView(BaseModel):
    """A message by id: what, about which school, for whom (an id), and how it ended. Never an address."""

    message_id: UUID
    kind: str
    urn: str | None
    staff_id: UUID | None
    status: str
    outcome: str | None
    route: str | None
    attempts: int
    created_at: datetime
    sent_at: datetime | None
