"""Rebuild reporting's read models from the event streams while the service keeps serving.

Every stream reporting consumes is replayed from its first message into a fresh set of tables, all streams at
once, one transaction per batch of 500 (claimed in one round trip), the next batch fetched while one is applied.
Then, in one transaction that holds the read models' lock (live projections wait a moment; readers keep
reading), the messages published meanwhile are applied too and the fresh tables are swapped in with their inbox.
Run by `rsp rebuild-reporting`; the tests call `rebuild_read_models` directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

import asyncpg
import nats
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import FetchTimeoutError

from contracts.codec import UndecodableEvent, decode_event
from contracts.envelope import Envelope
from contracts.events import Event
from contracts.streams import ALL_STREAMS, stream_for
from runtime.database import AnyConnection, create_pool
from runtime.errors import ConfigurationError
from services.reporting.adapters.live_feed import READ_MODELS_LOCK, PostgresLiveFeed
from services.reporting.adapters.read_models import PostgresReadModels
from services.reporting.adapters.rebuild_tables import (
    REBUILD_SUFFIX,
    claim_rebuilt,
    drop_fresh_tables,
    make_fresh_tables,
    swap_in,
    take_rebuild_lock,
)
from services.reporting.service_layer.projections import EVENT_HANDLERS, REPORTING, project

__all__ = ["RebuildReport", "rebuild_read_models", "rebuild_reporting"]

_BATCH = 500
_FETCH_SECONDS = 2.0
_DEADLOCK_ATTEMPTS = 5


@dataclass
class RebuildReport:
    """What a rebuild replayed: events applied, and messages skipped (not valid events: the live consumers
    dead-letter those), per stream."""

    applied: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        streams = ", ".join(f"{name} {count}" for name, count in sorted(self.applied.items()))
        return (
            f"rebuilt reporting's read models from {sum(self.applied.values())} events ({streams}); "
            f"{sum(self.skipped.values())} invalid messages skipped; {self.seconds:.1f}s"
        )


def _all_of(stream: str) -> str:
    """The subject filter capturing all of `stream`."""
    return next(spec.subjects[0] for spec in ALL_STREAMS if spec.name == stream)


class _Replay:
    def __init__(self, js: JetStreamContext, report: RebuildReport) -> None:
        self._js = js
        self._report = report
        self._types: dict[str, type[Event]] = {event.subject: event for event in EVENT_HANDLERS.event_types}
        self.streams = sorted({stream_for(subject).name for subject in self._types})

    def _event_of(self, msg: Msg) -> tuple[Event, Envelope] | None:
        event_type = self._types.get(msg.subject)
        if event_type is None:
            return None
        try:
            return decode_event(event_type, msg.headers, msg.data)
        except UndecodableEvent:
            return None

    async def _apply(self, conn: AnyConnection, stream: str, messages: list[Msg], live_feed: bool) -> None:
        models = PostgresReadModels(conn, REBUILD_SUFFIX)
        feed = PostgresLiveFeed(conn)
        events = [found for found in map(self._event_of, messages) if found is not None]
        self._report.skipped[stream] = self._report.skipped.get(stream, 0) + len(messages) - len(events)
        # One round trip claims the whole batch; each claimed event is then applied once, in stream order.
        unclaimed = await claim_rebuilt(conn, [envelope.id for _, envelope in events])
        for event, envelope in events:
            if envelope.id in unclaimed:
                unclaimed.discard(envelope.id)
                await project(models, event, envelope)
                if live_feed:  # published during the swap: the live projection will find it applied already
                    await feed.add(event, envelope)
                self._report.applied[stream] = self._report.applied.get(stream, 0) + 1
        await models.flush()
        await feed.flush()

    async def _apply_in_transaction(self, pool: asyncpg.Pool, stream: str, messages: list[Msg]) -> None:
        """Streams replay side by side; two batches touching one school's rows can deadlock: then try again."""
        for attempt in range(_DEADLOCK_ATTEMPTS):
            try:
                async with pool.acquire() as conn, conn.transaction():
                    await self._apply(conn, stream, messages, live_feed=False)
                return
            except asyncpg.DeadlockDetectedError:
                if attempt == _DEADLOCK_ATTEMPTS - 1:
                    raise

    async def stream(
        self, pool: asyncpg.Pool | None, conn: AnyConnection | None, stream: str, first: int, last: int
    ) -> None:
        """Apply messages `first`..`last` of `stream`: a transaction per batch from `pool`, or all on `conn`."""
        if last < first:
            return
        config = ConsumerConfig(
            deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
            opt_start_seq=first,
            ack_policy=AckPolicy.NONE,
            inactive_threshold=60.0,
        )
        subscription = await self._js.pull_subscribe(_all_of(stream), stream=stream, config=config)

        async def fetched() -> list[Msg]:
            try:
                return await subscription.fetch(_BATCH, timeout=_FETCH_SECONDS)
            except FetchTimeoutError:
                return []  # the rest was deleted from the stream (limits): nothing more to read

        # The next batch is on its way while this one is applied.
        coming = asyncio.create_task(fetched())
        try:
            reached = first - 1
            while reached < last:
                messages = await coming
                if not messages:
                    break
                reached = messages[-1].metadata.sequence.stream
                if reached > last:  # a batch comes in stream order: only one reaching past `last` needs trimming
                    messages = [m for m in messages if m.metadata.sequence.stream <= last]
                    if not messages:
                        break
                    reached = messages[-1].metadata.sequence.stream
                coming = asyncio.create_task(fetched())
                if conn is not None:
                    await self._apply(conn, stream, messages, live_feed=True)
                else:
                    assert pool is not None
                    await self._apply_in_transaction(pool, stream, messages)
        finally:
            coming.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await coming
            await subscription.unsubscribe()


async def rebuild_read_models(pool: asyncpg.Pool, js: JetStreamContext) -> RebuildReport:
    """Replay every stream reporting consumes into fresh tables and swap them in. `pool` connects as reporting."""
    started = time.monotonic()
    report = RebuildReport()
    replay = _Replay(js, report)
    async with pool.acquire() as guard:
        if not await take_rebuild_lock(guard):
            raise ConfigurationError("another rebuild of reporting's read models is running")
        try:
            await make_fresh_tables(guard)
            replayed = {stream: (await js.stream_info(stream)).state.last_seq for stream in replay.streams}
            # Every stream at once, each on its own connection: facts do not depend on the order they arrive in.
            await asyncio.gather(*(replay.stream(pool, None, stream, 1, last) for stream, last in replayed.items()))
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock($1)", READ_MODELS_LOCK)
                for stream in replay.streams:
                    last = (await js.stream_info(stream)).state.last_seq
                    await replay.stream(None, conn, stream, replayed[stream] + 1, last)
                await swap_in(conn, REPORTING)
        finally:
            await drop_fresh_tables(guard)
            await guard.execute("SELECT pg_advisory_unlock($1)", READ_MODELS_LOCK + 1)
    report.seconds = time.monotonic() - started
    return report


async def rebuild_reporting(postgres_dsn: str, nats_url: str) -> RebuildReport:
    """Connect as reporting's database role and as a NATS user that may read every stream, and rebuild."""
    if not postgres_dsn or not nats_url:
        raise ConfigurationError("a rebuild needs reporting's Postgres DSN and a NATS URL")
    # One connection per stream replayed side by side, and one for the rebuild's own lock.
    pool = await create_pool(postgres_dsn, REPORTING, max_size=len(ALL_STREAMS) + 2)
    client = await nats.connect(nats_url, name="rsp-rebuild-reporting")
    try:
        return await rebuild_read_models(pool, client.jetstream())
    finally:
        await client.close()
        await pool.close()
