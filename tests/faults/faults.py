"""The faults themselves: real processes killed with signal 9, connections cut, a server held down.

Every child of the stack is a `ManagedProcess` found by its name; the supervisor (`LocalStack.supervise`, run by
the session fixture) starts what dies again, as `rsp up` does.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
from temporalio.client import Client

from runtime.database_roles import role_name
from runtime.local.processes import ManagedProcess
from runtime.local.stack import LocalStack
from runtime.readiness import READY_FILE_VARIABLE
from runtime.settings import SERVICE_NAMES
from tests.clients import Platform

__all__ = [
    "Supervision",
    "hold_down",
    "kill",
    "postmaster_pid",
    "stack_is_healthy",
    "terminate_service_connections",
]

# Long enough for a restart with back-off on two busy cores; only a deadline for waiting, never asserted on.
HEAL_WITHIN = 180.0


@dataclass(frozen=True)
class Supervision:
    """The supervisor's task, running for the whole session."""

    task: asyncio.Task[str]

    def check(self) -> None:
        """Fail the test if the supervisor gave up (it returns only then, saying why)."""
        if self.task.done():
            raise AssertionError(f"the supervisor stopped: {self.task.result()}")


def process(local_stack: LocalStack, name: str) -> ManagedProcess:
    [found] = [child for child in local_stack.processes if child.name == name]
    return found


def _ready_file(child: ManagedProcess) -> Path | None:
    """Where the worker and the bridge say they are ready (the services answer /health instead)."""
    path = child.env.get(READY_FILE_VARIABLE)
    return Path(path) if path and child.name not in SERVICE_NAMES else None


def kill(local_stack: LocalStack, name: str) -> int:
    """SIGKILL the process `name` (no clean-up of any kind); return the pid it had."""
    child = process(local_stack, name)
    pid = child.pid
    assert pid is not None, f"{name} never started"
    assert child.returncode is None, f"{name} is not running"
    ready = _ready_file(child)
    if ready is not None:
        # Removed so that the restarted process's readiness is its own, not the file its predecessor left.
        ready.unlink(missing_ok=True)
    os.kill(pid, signal.SIGKILL)
    return pid


def postmaster_pid(local_stack: LocalStack) -> int:
    """The embedded Postgres's postmaster (not a child of ours: pg_ctl started it)."""
    return int((local_stack.data_dir / "postgres" / "postmaster.pid").read_text().split("\n", 1)[0])


async def terminate_service_connections(db: asyncpg.Pool) -> int:
    """`pg_terminate_backend` every connection of every service's role (pools, LISTEN, relays); how many."""
    roles = [role_name(service) for service in SERVICE_NAMES]
    terminated: int = await db.fetchval(
        "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ANY($1)) t",
        roles,
    )
    return terminated


@asynccontextmanager
async def hold_down(local_stack: LocalStack, name: str) -> AsyncIterator[None]:
    """Kill `name` and keep it down while the block runs; then hand it back to the supervisor, which starts it.

    The supervisor passes over a child marked `stopping` (as when the stack stops), so the server stays dead for
    as long as the block lasts, like a server that crashed and whose host took minutes to come back: every client
    meets refused connections, not a paused peer.
    """
    child = process(local_stack, name)
    child.stopping = True
    try:
        kill(local_stack, name)
        await child.wait()
        yield
    finally:
        child.stopping = False


async def stack_is_healthy(local_stack: LocalStack, api: Platform, temporal: Client, supervision: Supervision) -> None:
    """Wait until every process runs again, each service answers /health 200, the worker and the bridge are
    ready, NATS and Temporal answer their health checks; nobody restarts anything by hand."""
    endpoints = local_stack.endpoints
    assert endpoints is not None
    assert endpoints.nats_monitor is not None
    monitor = endpoints.nats_monitor

    async def unhealthy() -> list[str]:
        supervision.check()
        problems = [f"{child.name} is not running" for child in local_stack.processes if child.returncode is not None]
        problems += [
            f"{child.name} is not ready"
            for child in local_stack.processes
            if (ready := _ready_file(child)) is not None and not ready.exists()
        ]
        for name, client in api.services.items():
            try:
                answer = await client.health()
                if answer.status_code != 200:
                    problems.append(f"{name} /health answers {answer.status_code}: {answer.text}")
            except httpx.HTTPError as failure:
                problems.append(f"{name} /health: {failure!r}")
        try:
            async with httpx.AsyncClient(timeout=2) as plain:
                nats = await plain.get(f"{monitor}/healthz", params={"js-enabled-only": "true"})
            if nats.status_code != 200:
                problems.append(f"NATS healthz answers {nats.status_code}")
        except httpx.HTTPError as failure:
            problems.append(f"NATS healthz: {failure!r}")
        try:
            if not await asyncio.wait_for(temporal.service_client.check_health(), 5):
                problems.append("Temporal is not serving")
        except Exception as failure:  # RPCError, timeouts: not up yet
            problems.append(f"Temporal health: {failure!r}")
        return problems

    give_up_at = time.monotonic() + HEAL_WITHIN
    while problems := await unhealthy():
        if time.monotonic() > give_up_at:
            raise AssertionError(f"the stack did not heal within {HEAL_WITHIN:.0f}s: {problems}")
        await asyncio.sleep(0.5)
