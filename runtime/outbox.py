"""The transactional outbox: record an event in the writer's transaction, relay it to JetStream afterwards.

A state change and its event commit together or not at all. The relay publishes committed rows in order,
awaiting each JetStream ack; `Nats-Msg-Id` makes a re-publish after a crash harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import asyncpg
from faststream.nats import NatsBroker
from nats.js import JetStreamContext
from nats.js.api import PubAck
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.instrumentation.utils import suppress_instrumentation
from opentelemetry.propagate import inject

from contracts import Envelope, Event, stream_for
from contracts.codec import envelope_of
from runtime.database import AnyConnection
from runtime.telemetry import current_trace_carrier, trace_context_from
from runtime.waker import Waker

__all__ = ["OutboxRelay", "record_event", "record_events"]

_log = logging.getLogger(__name__)
# Publishes awaiting their ack at once, and how long a batch may wait for its acks.
_IN_FLIGHT = 1_000
_ACK_SECONDS = 10.0
_tracer = trace.get_tracer(__name__)


async def record_event(conn: AnyConnection, event: Event) -> Envelope:
    """Add `event` to the outbox inside the caller's transaction and return its envelope."""
    envelope = envelope_of(event)
    await conn.execute(
        "INSERT INTO outbox (event_id, subject, headers, payload, trace_context) VALUES ($1, $2, $3, $4, $5)",
        envelope.id,
        event.subject,
        envelope.to_headers(),
        event.model_dump(mode="json"),
        current_trace_carrier(),
    )
    return envelope


async def record_events(
    conn: AnyConnection, events: Sequence[Event], trace_contexts: Sequence[dict[str, str]] | None = None
) -> list[Envelope]:
    """Add `events` to the outbox in one statement inside the caller's transaction, positioned in their order.

    `trace_contexts`, one per event, when the events continue different requests' traces (a group commit);
    otherwise every event continues the current trace.
    """
    envelopes = [envelope_of(event) for event in events]
    if envelopes:
        if trace_contexts is None:
            carriers = [json.dumps(current_trace_carrier())] * len(envelopes)
        else:
            carriers = [json.dumps(carrier) for carrier in trace_contexts]
        await conn.execute(
            "INSERT INTO outbox (event_id, subject, headers, payload, trace_context) "
            "SELECT e.event_id, e.subject, e.headers::jsonb, e.payload::jsonb, e.trace_context::jsonb "
            "FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY "
            "AS e (event_id, subject, headers, payload, trace_context, n) ORDER BY e.n",
            [envelope.id for envelope in envelopes],
            [event.subject for event in events],
            [json.dumps(envelope.to_headers()) for envelope in envelopes],
            [event.model_dump_json() for event in events],
            carriers,
        )
    return envelopes


class OutboxRelay:
    """Publishes one schema's outbox to JetStream, woken by NOTIFY and by a fallback poll."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        broker: NatsBroker,
        schema: str,
        poll_seconds: float,
        connect: Callable[[], Awaitable[asyncpg.Connection]],
    ) -> None:
        self._pool = pool
        self._broker = broker
        self._poll_seconds = poll_seconds
        # LISTEN holds a connection of its own, outside the pool, reconnected after any outage.
        self._waker = Waker(connect, f"rsp_outbox_{schema}")
        self._task: asyncio.Task[None] | None = None
        self._js: JetStreamContext | None = None

    async def start(self) -> None:
        woken = self._waker.current()
        self._task = asyncio.create_task(self._run(woken), name="outbox-relay")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._waker.stop()

    async def _run(self, woken: asyncio.Event) -> None:
        while True:
            try:
                await self.publish_pending()
            except asyncio.CancelledError:
                raise
            except Exception:
                # NATS or Postgres is away: keep the rows and try again on the next wake or poll.
                _log.exception("outbox relay failed; will retry")
            await Waker.wait(woken, self._poll_seconds)
            woken = self._waker.current()

    async def publish_pending(self, batch_size: int = 200) -> int:
        """Publish every committed, unpublished row; returns how many were published."""
        published = 0
        while True:
            # The relay's own polling is not part of any request's trace.
            with suppress_instrumentation():
                async with self._pool.acquire() as conn, conn.transaction():
                    rows = await conn.fetch(
                        "SELECT position, subject, headers, payload, trace_context FROM outbox "
                        "WHERE published_at IS NULL ORDER BY position LIMIT $1 FOR UPDATE SKIP LOCKED",
                        batch_size,
                    )
                    if rows:
                        await self._publish_all(rows)
                        await conn.execute(
                            "UPDATE outbox SET published_at = now() WHERE position = ANY($1::bigint[])",
                            [row["position"] for row in rows],
                        )
            published += len(rows)
            if len(rows) < batch_size:
                return published

    async def _publish_all(self, rows: list[asyncpg.Record]) -> None:
        """Send every row in order, with all their acks in flight at once, and return when JetStream has them all.

        One failed ack fails the batch: its transaction rolls back and the rows are sent again later, which
        JetStream's duplicate window (`Nats-Msg-Id` = event id) turns into nothing.
        """
        acks = [await self._send(row) for row in rows]
        await asyncio.wait_for(asyncio.gather(*acks), _ACK_SECONDS)

    async def _send(self, row: asyncpg.Record) -> asyncio.Future[PubAck]:
        subject: str = row["subject"]
        headers: dict[str, str] = dict(row["headers"])
        token = otel_context.attach(trace_context_from(row["trace_context"]))
        try:
            with (
                _tracer.start_as_current_span(f"outbox relay {subject}", kind=trace.SpanKind.PRODUCER),
                # Named and shaped as FastStream's own publish span, so a trace reads the same whoever sends.
                _tracer.start_as_current_span(
                    f"{subject} publish",
                    kind=trace.SpanKind.PRODUCER,
                    attributes={"messaging.system": "nats", "messaging.destination.name": subject},
                ),
            ):
                inject(headers)  # the consumer's span continues the request's trace
                return await self._jetstream().publish_async(
                    subject, _json(row["payload"]), headers=headers, stream=stream_for(subject).name
                )
        finally:
            otel_context.detach(token)

    def _jetstream(self) -> JetStreamContext:
        if self._js is None:
            self._js = self._broker.connection.jetstream(publish_async_max_pending=_IN_FLIGHT)
        return self._js


def _json(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
