"""Postgres LISTEN/NOTIFY as a wake-up call, on a connection of its own that comes back after any outage.

Whoever waits takes `current()` before looking at the table and then waits on it: a NOTIFY that lands in
between is not missed. Waiters always give up after their own timeout and look again, so a notification lost
while the connection was down only delays them; the waker itself reconnects every `retry_seconds` until it can
LISTEN again (after a restart of Postgres or a `pg_terminate_backend`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import asyncpg

__all__ = ["Waker"]

_log = logging.getLogger(__name__)


class Waker:
    """Sets the current event whenever NOTIFY arrives on `channel`, then starts a fresh one for later waiters."""

    def __init__(
        self, connect: Callable[[], Awaitable[asyncpg.Connection]], channel: str, retry_seconds: float = 5.0
    ) -> None:
        self._connect = connect
        self._channel = channel
        self._retry_seconds = retry_seconds
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()

    def current(self) -> asyncio.Event:
        """The event the next NOTIFY sets; starts listening on first use (and again if listening ever stopped)."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._listen(), name=f"listen-{self._channel}")
        return self._changed

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    @staticmethod
    async def wait(changed: asyncio.Event, seconds: float) -> bool:
        """Wait until `changed` is set or `seconds` pass; True if it was set."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(changed.wait(), seconds)
        return changed.is_set()

    def _notified(self, *_: object) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def _listen(self) -> None:
        while True:
            try:
                conn = await self._connect()
            except (OSError, asyncpg.PostgresError) as failure:
                _log.warning("cannot LISTEN on %s (%r); waiters poll meanwhile", self._channel, failure)
                await asyncio.sleep(self._retry_seconds)
                continue
            lost = asyncio.Event()
            conn.add_termination_listener(lambda _, lost=lost: lost.set())
            try:
                await conn.add_listener(self._channel, self._notified)
                self.listening.set()
                # Whatever was notified while the connection was down is looked for by the waiters now.
                self._notified()
                await lost.wait()
                _log.warning("LISTEN connection for %s lost; reconnecting", self._channel)
            except (OSError, asyncpg.PostgresError) as failure:
                _log.warning("LISTEN on %s failed (%r); reconnecting", self._channel, failure)
            finally:
                self.listening.clear()
                with contextlib.suppress(Exception):
                    await conn.close()
            await asyncio.sleep(min(self._retry_seconds, 1.0))
