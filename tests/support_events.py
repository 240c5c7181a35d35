"""Publishing well-formed events straight onto JetStream, for tests of what reporting makes of them."""

from __future__ import annotations

import uuid
from datetime import datetime

from nats.js import JetStreamContext

from contracts.codec import envelope_of
from contracts.envelope import Envelope
from contracts.events import Event

__all__ = ["publish_event"]


async def publish_event(
    js: JetStreamContext,
    event: Event,
    *,
    event_id: uuid.UUID | None = None,
    redelivered: bool = False,
    at: datetime | None = None,
) -> Envelope:
    """Publish `event` as its producer would (CloudEvents headers, `Nats-Msg-Id` = `ce-id`). `redelivered` sends
    the same event again under another message id, so JetStream keeps both copies, as after a producer's retry
    past the duplicate window. `at` is the envelope's time (default: now), for events whose order matters."""
    envelope = envelope_of(event, event_id)
    if at is not None:
        envelope = Envelope.model_validate(envelope.model_dump() | {"time": at})
    headers = envelope.to_headers()
    if redelivered:
        headers["Nats-Msg-Id"] = f"{envelope.id}-again-{uuid.uuid4()}"
    await js.publish(event.subject, event.model_dump_json().encode(), headers=headers)
    return envelope
