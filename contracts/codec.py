"""Wrapping an event in its CloudEvents envelope and reading it back: the one way, for every producer and reader.

Producers (the outbox, the journey activities, test publishers) call `envelope_of`; readers (the live consumer,
reporting's rebuild) call `decode_event`, so both accept and refuse exactly the same messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TypeVar
from uuid import UUID, uuid4

from pydantic import ValidationError

from contracts.envelope import Envelope, InvalidEnvelope
from contracts.events.base import Event

__all__ = ["UndecodableEvent", "decode_event", "envelope_of"]

E = TypeVar("E", bound=Event)


class UndecodableEvent(ValueError):
    """A message is not a valid event of the expected type. The reason names fields, never their values."""


def envelope_of(event: Event, event_id: UUID | None = None) -> Envelope:
    """The envelope `event` travels in, stamped now; `event_id` when the id must be stable across retries."""
    return Envelope(
        id=event_id or uuid4(),
        source=event.source,
        type=event.subject,
        time=datetime.now(UTC),
        subject=event.entity(),
    )


def _problems(error: ValidationError) -> str:
    """Which fields are wrong and why, without their values: a malformed event may hold anything."""
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or 'body'}: {problem['msg']}"
        for problem in error.errors(include_input=False, include_url=False)
    )


def decode_event(event_type: type[E], headers: Mapping[str, str] | None, body: bytes) -> tuple[E, Envelope]:
    """The event and its envelope, or `UndecodableEvent` saying what is wrong (a body that is not JSON included)."""
    try:
        envelope = Envelope.from_headers(headers or {})
    except InvalidEnvelope as bad:
        raise UndecodableEvent(f"not a valid {event_type.__name__}: {bad}") from None
    if envelope.type != event_type.subject:
        raise UndecodableEvent(
            f"not a valid {event_type.__name__}: ce-type {envelope.type!r} is not {event_type.subject!r}"
        )
    try:
        return event_type.model_validate_json(body), envelope
    except ValidationError as bad:
        raise UndecodableEvent(f"not a valid {event_type.__name__}: {_problems(bad)}") from None
