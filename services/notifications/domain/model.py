"""What notifications knows and decides: messages to people by id, who a school's leads are, what people chose.

A message names its reader by `staff_id` (or the programme team); the address is asked of enrolment only when it
is sent. Its id is derived from what caused it and whom it is for, so the same event handled twice makes the same
messages, and that id is the key every provider sees (SMTP Message-ID, Notify `reference`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from uuid import UUID

from services.notifications.domain.calendar import CalendarEntry

__all__ = [
    "LEAD_ROLES",
    "MessageStatus",
    "NewMessage",
    "OutgoingMessage",
    "Preferences",
    "School",
    "StaffRecord",
    "message_id_of",
    "next_attempt",
    "status_for",
    "week_start",
]

# Who the programme writes to at a school: its headteacher and senior leaders (the school's lead for the programme).
LEAD_ROLES = frozenset({"headteacher", "senior_leader"})
# Kinds a person may have gathered into one weekly digest instead of each on its own.
DIGESTIBLE = frozenset({"reminder"})

MessageStatus = Literal[
    "pending", "held_for_digest", "digested", "sending", "sent", "delivered", "failed", "skipped", "in_doubt"
]
Audience = Literal["staff", "programme_team"]

_MESSAGE_NAMESPACE = UUID("4b1c7f43-1a2e-4d55-9d1e-6b0c8f0a2d17")
_FIRST_RETRY = timedelta(seconds=2)
_LONGEST_WAIT = timedelta(hours=1)


def message_id_of(dedupe_key: str) -> UUID:
    """The message's id from what caused it and whom it is for: the same cause and reader, the same id."""
    return uuid.uuid5(_MESSAGE_NAMESPACE, dedupe_key)


def next_attempt(attempts: int, now: datetime) -> datetime:
    """Back-off after a provider said "not now" (429, 5xx, no connection): doubling from 2 s, at most an hour."""
    wait: timedelta = min(_FIRST_RETRY * (2 ** max(attempts - 1, 0)), _LONGEST_WAIT)
    return now + wait


def week_start(moment: datetime) -> date:
    """Monday of `moment`'s week (UTC): a digest gathers one week's reminders."""
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class School:
    urn: str
    cohort_id: str
    school_name: str
    active: bool = True


@dataclass(frozen=True)
class StaffRecord:
    staff_id: UUID
    urn: str
    role: str
    left_on: date | None = None

    def is_lead_on(self, day: date) -> bool:
        return self.role in LEAD_ROLES and (self.left_on is None or self.left_on >= day)


@dataclass(frozen=True)
class Preferences:
    """What one person chose: each reminder or a weekly digest; non-essential messages or none."""

    staff_id: UUID
    weekly_digest: bool = False
    non_essential_off: bool = False


def status_for(kind: str, essential: bool, preferences: Preferences | None) -> tuple[MessageStatus, str | None]:
    """Where a new message starts, given its reader's choices: essential messages are always sent."""
    if essential or preferences is None:
        return "pending", None
    if preferences.non_essential_off:
        return "skipped", "the reader stopped non-essential messages"
    if preferences.weekly_digest and kind in DIGESTIBLE:
        return "held_for_digest", None
    return "pending", None


@dataclass(frozen=True)
class NewMessage:
    """A message to be sent: what, about which school, for whom, and the values its template needs."""

    dedupe_key: str
    kind: str
    audience: Audience
    values: dict[str, Any]
    urn: str | None = None
    cohort_id: str | None = None
    staff_id: UUID | None = None
    calendar: CalendarEntry | None = None
    status: MessageStatus = "pending"
    outcome: str | None = None

    @property
    def message_id(self) -> UUID:
        return message_id_of(self.dedupe_key)


@dataclass(frozen=True)
class OutgoingMessage:
    """A message taken for sending (status `sending`): everything but the address, which is asked for now."""

    message_id: UUID
    kind: str
    audience: Audience
    values: dict[str, Any]
    urn: str | None
    cohort_id: str | None
    staff_id: UUID | None
    calendar: CalendarEntry | None
    attempts: int
    extra: dict[str, Any] = field(default_factory=dict)
