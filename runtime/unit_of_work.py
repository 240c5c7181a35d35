"""The Postgres unit of work: one connection, one transaction, explicit commit, events into the outbox."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from asyncpg.transaction import Transaction

from contracts import Envelope, Event
from runtime.consumer import claim_event
from runtime.database import AnyConnection
from runtime.idempotency import claim_key
from runtime.outbox import record_event

__all__ = ["PostgresUnitOfWork", "UnitOfWork"]


class UnitOfWork(Protocol):
    """What every service's handlers rely on; each service's protocol adds its repositories."""

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def record(self, event: Event) -> Envelope: ...
    async def claim(self, consumer: str, envelope: Envelope) -> bool: ...
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
        self._conn = await self._pool.acquire()
        self._transaction = self._conn.transaction()
        await self._transaction.start()
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
            if self._conn is not None:
                await self._pool.release(self._conn)
            self._conn = None
            self._transaction = None

    async def record(self, event: Event) -> Envelope:
        envelope = await record_event(self.connection, event)
        self.events.append(envelope)
        return envelope

    async def claim(self, consumer: str, envelope: Envelope) -> bool:
        """Inbox: False if `consumer` already applied this event (then do nothing)."""
        return await claim_event(self.connection, consumer, envelope)

    async def commit(self) -> None:
        if self._transaction is None:
            raise RuntimeError("nothing to commit")
        await self._transaction.commit()
        self._transaction = None
        if self._on_commit is not None:
            self._on_commit()
            self._on_commit = None
