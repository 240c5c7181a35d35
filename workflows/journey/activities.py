"""The journey's one activity: publish a decision as an event on JetStream.

The event's id is derived from the workflow id and what the event is about, so a retried activity publishes the
same id again: JetStream drops it inside its duplicate window, and every consumer's inbox drops it after that.
Workflows call it by reference (`workflow.execute_activity_method(JourneyActivities.publish_journey_event, ...)`),
so renaming it fails `mypy` instead of stranding journeys on a name no worker serves.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from temporalio import activity
from temporalio.exceptions import ApplicationError

from contracts import EVENT_TYPES, Envelope, Event
from contracts.codec import envelope_of

__all__ = ["JourneyActivities", "PublishJourneyEvent", "PublishJourneyEvents", "Publisher"]


@dataclass(frozen=True)
class PublishJourneyEvent:
    event_id: str
    subject: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class PublishJourneyEvents:
    """Several decisions taken in one workflow task, published in order by one activity."""

    events: list[PublishJourneyEvent]


class Publisher(Protocol):
    """What the activity needs of JetStream (`nats.js.JetStreamContext` is one); unit tests pass a recorder."""

    # Shaped as nats-py's own method, `timeout` included.
    async def publish(
        self,
        subject: str,
        payload: bytes,
        *,
        timeout: float,  # noqa: ASYNC109
        headers: dict[str, Any],
    ) -> object: ...


class JourneyActivities:
    """Activities that need the worker's NATS connection."""

    def __init__(self, jetstream: Publisher) -> None:
        self._jetstream = jetstream

    # Its name is the method's name, as recorded in every journey's history: keep it when refactoring.
    def registered(self) -> list[Callable[..., Awaitable[None]]]:
        """Every activity a journey may call: what a worker serving journeys registers (tests included)."""
        return [self.publish_journey_event, self.publish_journey_events]

    @activity.defn
    async def publish_journey_event(self, item: PublishJourneyEvent) -> None:
        await self._publish(self._checked(item))

    @activity.defn
    async def publish_journey_events(self, items: PublishJourneyEvents) -> None:
        """Every event checked before any is published; then in order. A retry publishes the same ids again."""
        for checked in [self._checked(item) for item in items.events]:
            await self._publish(checked)

    @staticmethod
    def _checked(item: PublishJourneyEvent) -> tuple[Event, Envelope]:
        kind = EVENT_TYPES.get(item.subject)
        if kind is None:
            raise ApplicationError(f"no event is published on {item.subject!r}", non_retryable=True)
        try:
            event = kind.model_validate(item.payload)
        except ValueError as bad:
            # A workflow bug, not a passing failure: retrying would fail the same way.
            raise ApplicationError(f"{item.subject} payload is not valid: {bad}", non_retryable=True) from None
        return event, envelope_of(event, UUID(item.event_id))

    async def _publish(self, checked: tuple[Event, Envelope]) -> None:
        event, envelope = checked
        await self._jetstream.publish(
            event.subject, event.model_dump_json().encode(), headers=envelope.to_headers(), timeout=10
        )
