"""What notifications' handlers and its sender need from storage."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Protocol
from uuid import UUID

from runtime.unit_of_work import UnitOfWork
from services.notifications.domain.model import NewMessage, OutgoingMessage, Preferences, School, StaffRecord

__all__ = [
    "CalendarRepository",
    "MessageRepository",
    "NotificationsUnitOfWork",
    "PreferenceRepository",
    "SchoolRepository",
    "StaffRepository",
]


class SchoolRepository(Protocol):
    async def get(self, urn: str) -> School | None: ...
    async def save(self, school: School) -> None: ...
    async def active_in_cohort(self, cohort_id: str) -> list[School]: ...
    async def change_urn(self, predecessor_urn: str, successor_urn: str) -> None:
        """The school and its staff carry on under `successor_urn`."""
        ...


class StaffRepository(Protocol):
    async def save(self, member: StaffRecord) -> None: ...
    async def record_leaving(self, staff_id: UUID, urn: str, left_on: date) -> None: ...
    async def leads_of(self, urn: str, on: date) -> list[StaffRecord]: ...


class PreferenceRepository(Protocol):
    async def of(self, staff_ids: Iterable[UUID]) -> dict[UUID, Preferences]: ...
    async def save(self, preferences: Preferences) -> None: ...


class CalendarRepository(Protocol):
    async def next_sequence(self, session_id: UUID) -> int:
        """The session's calendar SEQUENCE for the change being told now: 0 first, one more each time after."""
        ...


class MessageRepository(Protocol):
    async def add(self, message: NewMessage) -> bool:
        """False when a message with its key is already there (the event came again)."""
        ...

    async def take_due(self, now: datetime, limit: int) -> list[OutgoingMessage]:
        """Due pending messages, marked `sending` (commit before sending: that is what a restart finds)."""
        ...

    async def mark_sent(self, message_id: UUID, route: str, now: datetime) -> None: ...
    async def mark_all_sent(self, message_ids: list[UUID], route: str, now: datetime) -> None: ...
    async def retry(self, message_id: UUID, at: datetime, outcome: str) -> None: ...
    async def finish(self, message_id: UUID, status: str, outcome: str | None, route: str | None = None) -> None: ...
    async def get(self, message_id: UUID) -> OutgoingMessage | None: ...
    async def status_of(self, message_id: UUID) -> str | None: ...
    async def left_sending(self) -> list[tuple[UUID, str | None]]:
        """Messages a process took for sending and never recorded (it died): their ids and routes."""
        ...

    async def held_before(self, week: date) -> dict[UUID, list[OutgoingMessage]]:
        """Reminders held for a digest, created before `week` began, by reader."""
        ...

    async def mark_digested(self, message_ids: Iterable[UUID], digest_id: UUID) -> None: ...
    async def listed(self, status: str | None, urn: str | None, limit: int) -> list[dict[str, Any]]:
        """The newest messages (ids, kinds, statuses; no address), optionally of one status or school."""
        ...


class NotificationsUnitOfWork(UnitOfWork, Protocol):
    @property
    def schools(self) -> SchoolRepository: ...

    @property
    def staff(self) -> StaffRepository: ...

    @property
    def preferences(self) -> PreferenceRepository: ...

    @property
    def calendars(self) -> CalendarRepository: ...

    @property
    def messages(self) -> MessageRepository: ...
