"""Consuming events at least once, with effects applied exactly once and failures made visible.

A process hands its whole handler table to `EventConsumer.subscribe` (through a dispatcher, see
`runtime.handler_table`): one durable JetStream consumer per event type, with manual acks.

- A message that is not a valid event (its body not even JSON included), or whose handler raises a
  `PlatformError`, is dead-lettered at once (published to `rsp.dead_letter.<consumer>` with the reason, one dead
  letter per stream message) and acked.
- A handler failing because a server is away (Postgres, NATS, Temporal; see `runtime.outages`) is retried with
  back-off for as long as the outage lasts: a transient fault never makes a dead letter.
- A handler raising `RetryLater` (it waits for another event) is retried for hours (`wait_for_order`
  deliveries): the event it waits for may itself be held up by an outage or a backlog.
- Anything else (a bug) is retried until `max_deliver` deliveries, then dead-lettered.

Nothing is dropped silently.
"""

from __future__ import annotations

import logging
from uuid import UUID

from faststream.middlewares import AckPolicy
from faststream.nats import ConsumerConfig, DeliverPolicy, JStream, NatsBroker, NatsMessage, PullSub
from nats.aio.msg import Msg

from contracts import DEAD_LETTER, Envelope, Event, stream_for
from contracts.codec import UndecodableEvent, decode_event
from contracts.subscriptions import durable_name
from runtime.broker import inbox_prefix
from runtime.database import AnyConnection
from runtime.errors import ConfigurationError, PlatformError, RetryLater
from runtime.handler_table import EventDispatcher
from runtime.outages import is_outage

__all__ = ["EventConsumer", "claim_event", "claim_events"]

_log = logging.getLogger(__name__)

ACK_WAIT_SECONDS = 30.0
PULL_BATCH = 50
PULL_WAIT_SECONDS = 5.0
MAX_BACK_OFF_SECONDS = 15.0
# Deliveries a `RetryLater` event gets: about six hours at the longest back-off.
WAIT_FOR_ORDER_DELIVERIES = 1500


async def claim_event(conn: AnyConnection, consumer: str, envelope: Envelope) -> bool:
    """Record the event in the inbox; False if this consumer has already applied it.

    Call inside the transaction that applies the effect, so the record and the effect commit together.
    """
    claimed = await conn.fetchval(
        "INSERT INTO inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING true",
        consumer,
        envelope.id,
    )
    return bool(claimed)


async def claim_events(conn: AnyConnection, consumer: str, envelopes: list[Envelope]) -> set[UUID]:
    """`claim_event` for many events in one round trip: the ids of those not applied before (now claimed)."""
    rows = await conn.fetch(
        "INSERT INTO inbox (consumer, event_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING "
        "RETURNING event_id",
        consumer,
        [envelope.id for envelope in envelopes],
    )
    return {row["event_id"] for row in rows}


def _delivery(msg: NatsMessage) -> Msg.Metadata:
    """JetStream's delivery metadata (stream, sequence, how many times delivered)."""
    return msg.raw_message.metadata


async def _undecoded(msg: NatsMessage) -> bytes:
    return msg.body


class EventConsumer:
    """Subscribes one process's handlers to JetStream under durable consumer names."""

    def __init__(
        self, broker: NatsBroker, consumer: str, max_deliver: int, wait_for_order: int = WAIT_FOR_ORDER_DELIVERIES
    ) -> None:
        self._broker = broker
        self.consumer = consumer
        self._max_deliver = max_deliver
        self._wait_for_order = wait_for_order

    def subscribe(self, dispatcher: EventDispatcher) -> None:
        """Subscribe every event of the dispatcher's table, each through its own durable consumer."""
        if dispatcher.table.process != self.consumer:
            # Durable names and NATS permissions are per process: another process's table could never be served.
            raise ConfigurationError(f"{self.consumer} cannot subscribe {dispatcher.table.process}'s handler table")
        for event_type in dispatcher.table:
            self._subscribe_one(event_type, dispatcher)

    def _subscribe_one(self, event_type: type[Event], dispatcher: EventDispatcher) -> None:
        durable = durable_name(self.consumer, event_type)

        async def on_message(msg: NatsMessage) -> None:
            await self._deliver(msg, event_type, dispatcher)

        self._broker.subscriber(
            event_type.subject,
            stream=JStream(stream_for(event_type.subject).name, declare=False),
            durable=durable,
            # Pull consumers share the work between replicas and, fetched in batches, beat push throughput.
            pull_sub=PullSub(batch_size=PULL_BATCH, timeout=PULL_WAIT_SECONDS),
            # The next batch is fetched while this one is handled (up to PULL_BATCH at work and PULL_BATCH queued),
            # instead of after its slowest event. Handlers start in delivery order, which is all the inbox's
            # batching needs; order across event types was never promised (handlers that wait for another event
            # say `RetryLater`).
            max_workers=PULL_BATCH,
            # Deliveries come to this process's own inbox, the only one its NATS user may subscribe to.
            inbox_prefix=f"{inbox_prefix(self.consumer)}.".encode(),
            deliver_policy=DeliverPolicy.ALL,
            config=ConsumerConfig(ack_wait=ACK_WAIT_SECONDS, max_deliver=-1),
            ack_policy=AckPolicy.MANUAL,
            # The body is decoded here, by `decode_event`: FastStream's own JSON decoding would fail before the
            # handler runs, and a message that is not JSON would then be redelivered for ever.
            decoder=_undecoded,
            title=durable,
            description=f"{self.consumer} reacts to {event_type.__name__}",
        )(on_message)

    async def _deliver(self, msg: NatsMessage, event_type: type[Event], dispatcher: EventDispatcher) -> None:
        try:
            event, envelope = decode_event(event_type, msg.headers, msg.body)
        except UndecodableEvent as bad:
            await self._dead_letter(msg, str(bad))
            return
        try:
            await dispatcher.handle(event, envelope)
        except PlatformError as refused:
            await self._dead_letter(msg, refused.message)
        except Exception as failure:
            # Read only on failure: parsing the delivery metadata is a cost every message would otherwise pay.
            attempt = _delivery(msg).num_delivered or 1
            if not self._worth_waiting(failure, attempt):
                await self._dead_letter(msg, f"gave up after {attempt} deliveries: {failure!r}")
                return
            delay = min(0.5 * 2 ** min(attempt - 1, 16), MAX_BACK_OFF_SECONDS)
            _log.warning(
                "%s: %s %s failed (%r); retry %d in %.1fs",
                self.consumer,
                event_type.__name__,
                envelope.id,
                failure,
                attempt,
                delay,
            )
            await msg.nack(delay=delay)
        else:
            await msg.ack()

    def _worth_waiting(self, failure: Exception, attempt: int) -> bool:
        if is_outage(failure):
            return True  # Postgres, NATS or Temporal is away: the same event succeeds once it is back
        if isinstance(failure, RetryLater):
            # Waiting for another event, which may itself be held up by an outage or a backlog: hours, not seconds.
            return attempt < self._wait_for_order
        return attempt < self._max_deliver

    async def _dead_letter(self, msg: NatsMessage, reason: str) -> None:
        original_id = msg.headers.get("ce-id", "unknown")
        # One dead letter per stream message: messages without a usable ce-id must not share one Nats-Msg-Id, or
        # JetStream would keep only the first of them.
        delivery = _delivery(msg)
        message_id = f"{self.consumer}:{delivery.stream}:{delivery.sequence.stream}"
        headers = {key: value for key, value in msg.headers.items() if key.startswith("ce-")}
        headers.update(
            {
                "rsp-dead-letter-reason": reason[:1000],
                "rsp-dead-letter-consumer": self.consumer,
                "rsp-original-subject": msg.raw_message.subject,
                "Nats-Msg-Id": message_id,
            }
        )
        await self._broker.publish(
            msg.body,
            subject=f"rsp.dead_letter.{self.consumer}",
            headers=headers,
            stream=DEAD_LETTER.name,
        )
        _log.error("%s: dead-lettered event %s: %s", self.consumer, original_id, reason)
        await msg.ack()
