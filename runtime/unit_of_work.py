"""The Postgres unit of work: one connection, one transaction, explicit commit, events into the outbox."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Protocol, Self
from uuid import UUID

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from asyncpg.transaction import Transaction

from contracts import Envelope, Event
from runtime.consumer import claim_event, claim_events
from runtime.database import AnyConnection
from runtime.idempotency import claim_key
from runtime.outbox import record_event, record_events

__all__ = ["PostgresUnitOfWork", "UnitOfWork"]

_log = logging.getLogger(__name__)


class UnitOfWork(Protocol):
    """What every service's handlers rely on; each service's protocol adds its repositories."""

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def record(self, event: Event) -> Envelope: ...
    async def record_all(
        self, events: Sequence[Event], trace_contexts: Sequence[dict[str, str]] | None = None
    ) -> list[Envelope]: ...
    async def claim(self, consumer: str, envelope: Envelope) -> bool: ...
    async def claim_all(self, consumer: str, envelopes: list[Envelope]) -> set[UUID]: ...
    async def commit(self) -> None: ...


class PostgresUnitOfWork:
    """Everything done inside `async with uow:` commits on `await uow.commit()` and is rolled back otherwise.

    Services subclass it to add their repositories in `_open_repositories`.
    """

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._conn: PoolConnectionProxy | None = None
        self._transaction: Transaction | None = None
        self.events: list[Envelope] = []
        self._on_commit: Callable[[], None] | None = None

    @property
    def connection(self) -> AnyConnection:
        if self._conn is None:
            raise RuntimeError("unit of work used outside `async with`")
        return self._conn

    def _open_repositories(self, conn: AnyConnection) -> None:
        """Hook for subclasses: build repositories on the transaction's connection."""

    async def __aenter__(self) -> Self:
        conn = await self._pool.acquire()
        try:
            transaction = conn.transaction()
            await transaction.start()
        except BaseException:
            # The connection was cut under the pool (pg_terminate_backend, a restart): hand it back, or every such
            # failure would keep one of the pool's connections for good and requests would wait for ever.
            await self._pool.release(conn)
            raise
        self._conn, self._transaction = conn, transaction
        self.events = []
        self._open_repositories(self.connection)
        try:
            self._on_commit = await claim_key(self.connection)
        except BaseException:
            await self.__aexit__(None, None, None)
            raise
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if self._transaction is not None:
                await self._transaction.rollback()  # a no-op after commit
        finally:
            conn, self._conn, self._transaction = self._conn, None, None
            if conn is not None:
                try:
                    await self._pool.release(conn)
                except Exception as failure:
                    # The connection was cut after the work was done (or undone): asyncpg has already dropped it
                    # and the pool makes a new one. A committed request must not fail for that.
                    _log.warning("a connection was lost as it went back to the pool: %r", failure)

    async def record(self, event: Event) -> Envelope:
        envelope = await record_event(self.connection, event)
        self.events.append(envelope)
        return envelope

    async def record_all(
        self, events: Sequence[Event], trace_contexts: Sequence[dict[str, str]] | None = None
    ) -> list[Envelope]:
        """Many events at once, in their order: one statement whatever their number (`trace_contexts`: see
        `record_events`)."""
        envelopes = await record_events(self.connection, events, trace_contexts)
        self.events.extend(envelopes)
        return envelopes

    async def claim(self, consumer: str, envelope: Envelope) -> bool:
        """Inbox: False if `consumer` already applied this event (then do nothing)."""
        return await claim_event(self.connection, consumer, envelope)

    async def claim_all(self, consumer: str, envelopes: list[Envelope]) -> set[UUID]:
        """`claim` for a batch in one round trip: the ids of the events `consumer` had not applied yet."""
        return await claim_events(self.connection, consumer, envelopes)

    async def _before_commit(self) -> None:
        """Hook for subclasses: write what repositories held back to write together (one round trip, not many)."""

    async def commit(self) -> None:
        if self._transaction is None:
            raise RuntimeError("nothing to commit")
        await self._before_commit()
        await self._transaction.commit()
        self._transaction = None
        if self._on_commit is not None:
            self._on_commit()
            self._on_commit = None
