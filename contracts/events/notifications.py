"""Events published by the notifications service: what could not be delivered, so the journey hears of it."""

from __future__ import annotations

from typing import ClassVar, Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from contracts.events.base import Event
from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN

__all__ = ["DeliveryRoute", "MessageKind", "MessageUndeliverable"]

MessageKind = Literal[
    "reminder",
    "at_risk",
    "at_risk_programme_team",
    "session_scheduled",
    "session_moved",
    "session_cancelled",
    "sign_in_invitation",
    "weekly_digest",
]
DeliveryRoute = Literal["smtp", "notify"]


class MessageUndeliverable(Event):
    """A message could not be delivered for good (a refused address, a Notify permanent failure).

    Ids only: the address it was sent to was never kept, and stays in enrolment.
    """

    subject: ClassVar[str] = "rsp.notifications.message.undeliverable.v1"
    source: ClassVar[str] = "/rsp/notifications"

    message_id: UUID = Field(description="Notifications' id for the message (also its Notify reference)")
    kind: MessageKind = Field(description="What the message was")
    route: DeliveryRoute = Field(description="How it was sent: smtp or notify")
    urn: str | None = Field(default=None, pattern=URN_PATTERN, description="The school it was about, if any")
    cohort_id: str | None = Field(default=None, pattern=COHORT_ID_PATTERN, description="The school's cohort")
    staff_id: UUID | None = Field(default=None, description="Pseudonymous id of the person it was for, if staff")
    failure: str = Field(description="What the provider said, without the address (e.g. `permanent-failure`)")
    failed_at: AwareDatetime = Field(description="When the failure was known")

    def entity(self) -> str:
        return self.urn or str(self.message_id)
