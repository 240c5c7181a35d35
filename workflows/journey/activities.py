"""The journey's one activity: publish a decision as an event on JetStream.

The event's id is derived from the workflow id and what the event is about, so a retried activity publishes the
same id again: JetStream drops it inside its duplicate window, and every consumer's inbox drops it after that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from nats.js import JetStreamContext
from temporalio import activity
from temporalio.exceptions import ApplicationError

from contracts import EVENT_TYPES, Envelope

__all__ = ["PUBLISH_JOURNEY_EVENT", "JourneyActivities", "PublishJourneyEvent"]

PUBLISH_JOURNEY_EVENT = "publish_journey_event"


@dataclass(frozen=True)
class PublishJourneyEvent:
    event_id: str
    subject: str
    payload: dict[str, Any]


class JourneyActivities:
    """Activities that need the worker's NATS connection."""

    def __init__(self, jetstream: JetStreamContext) -> None:
        self._jetstream = jetstream

    @activity.defn(name=PUBLISH_JOURNEY_EVENT)
    async def publish_journey_event(self, item: PublishJourneyEvent) -> None:
        kind = EVENT_TYPES.get(item.subject)
        if kind is None:
            raise ApplicationError(f"no event is published on {item.subject!r}", non_retryable=True)
        try:
            event = kind.model_validate(item.payload)
        except ValueError as bad:
            # A workflow bug, not a passing failure: retrying would fail the same way.
            raise ApplicationError(f"{item.subject} payload is not valid: {bad}", non_retryable=True) from None
        envelope = Envelope(
            id=UUID(item.event_id),
            source=event.source,
            type=event.subject,
            time=datetime.now(UTC),
            subject=event.entity(),
        )
        await self._jetstream.publish(
            event.subject, event.model_dump_json().encode(), headers=envelope.to_headers(), timeout=10
        )
