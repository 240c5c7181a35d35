"""The live feed in Postgres: events appended as reporting projects them, read back by position, and a signal
that wakes readers the moment a projection commits (LISTEN/NOTIFY reaches every replica of the service)."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

import asyncpg

from contracts.envelope import Envelope
from contracts.events import Event
from contracts.identifiers import URN_PATTERN
from runtime.database import AnyConnection
from runtime.rows import PostgresRepository
from runtime.waker import Waker
from services.reporting.domain.feed import FeedEvent

__all__ = [
    "CHANNEL",
    "READ_MODELS_LOCK",
    "FeedEvent",
    "FeedSignal",
    "PostgresLiveFeed",
    "feed_after",
    "latest_position",
]

_log = logging.getLogger(__name__)

CHANNEL = "reporting_feed"
# Advisory lock of the read models: projections share it, a rebuild's swap takes it alone.
READ_MODELS_LOCK = 8_410_001


_URN = re.compile(URN_PATTERN)


def _urn_of(event: Event) -> str | None:
    """The school an event is about, if any: schools and facilitators read only their own schools' events."""
    for name in ("urn", "successor_urn"):
        value = getattr(event, name, None)
        if isinstance(value, str) and _URN.match(value):
            return value
    return None


_APPEND = (
    "INSERT INTO event_feed (event_id, type, source, time, subject, urn, data) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id) DO NOTHING"
)


class PostgresLiveFeed(PostgresRepository):
    """Appends are held back until `flush` (the unit of work flushes before it commits): a batch of events is
    one pipelined insert and one NOTIFY, not two round trips per event."""

    def __init__(self, conn: AnyConnection) -> None:
        super().__init__(conn)
        self._held: list[tuple[object, ...]] = []

    async def hold_read_models(self) -> None:
        await self._conn.execute("SELECT pg_advisory_xact_lock_shared($1)", READ_MODELS_LOCK)

    async def add(self, event: Event, envelope: Envelope) -> None:
        self._held.append(
            (
                envelope.id,
                envelope.type,
                envelope.source,
                envelope.time,
                envelope.subject,
                _urn_of(event),
                event.model_dump(mode="json"),
            )
        )

    async def flush(self) -> None:
        held, self._held = self._held, []
        if not held:
            return
        if len(held) == 1:
            await self._conn.execute(_APPEND, *held[0])
        else:
            await self._conn.executemany(_APPEND, held)
        await self._conn.execute("SELECT pg_notify($1, '')", CHANNEL)  # delivered on commit only

    async def after(self, position: int, urns: frozenset[str] | None, limit: int) -> list[FeedEvent]:
        await self.flush()
        return await feed_after(self._conn, position, urns, limit)

    async def latest_position(self) -> int:
        await self.flush()
        return await latest_position(self._conn)


async def latest_position(conn: AnyConnection) -> int:
    return int(await conn.fetchval("SELECT coalesce(max(position), 0) FROM event_feed"))


async def feed_after(
    conn: AnyConnection, position: int, urns: frozenset[str] | None, limit: int = 200
) -> list[FeedEvent]:
    """Events after `position`, oldest first; only those about `urns` unless it is None (every event)."""
    rows = await conn.fetch(
        "SELECT position, event_id, type, source, time, subject, data FROM event_feed "
        "WHERE position > $1 AND ($2::text[] IS NULL OR urn = ANY($2::text[])) ORDER BY position LIMIT $3",
        position,
        None if urns is None else sorted(urns),
        limit,
    )
    return [FeedEvent(**dict(row)) for row in rows]


class FeedSignal(Waker):
    """Wakes every waiting reader when a projection commits; readers also look again every few seconds."""

    def __init__(self, connect: Callable[[], Awaitable[asyncpg.Connection]]) -> None:
        super().__init__(connect, CHANNEL)
