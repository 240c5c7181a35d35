"""The whole platform on one machine: servers from PyPI packages and the platform's own processes.

A server whose address is already configured (`RSP_POSTGRES_DSN`, `RSP_NATS_URL`, `RSP_TEMPORAL_ADDRESS`) is used
as it is and not started here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import TextIO

import httpx

from runtime.auth import Role, mint_token
from runtime.local.endpoints import Endpoints, ServiceEndpoint
from runtime.local.nats_users import OPERATOR, write_server_config
from runtime.local.ports import choose_port
from runtime.local.processes import ManagedProcess
from runtime.local.servers import (
    EmbeddedPostgres,
    nats_process,
    temporal_process,
    wait_for_nats,
    wait_for_temporal,
    wait_until,
)
from runtime.local.signing_key import with_signing_key
from runtime.local.supervision import Supervisor, Watched
from runtime.readiness import READY_FILE_VARIABLE
from runtime.settings import SERVICE_NAMES, Settings
from runtime.setup import set_up

__all__ = ["LocalStack", "StackAlreadyRunning", "isolated_settings"]

_log = logging.getLogger(__name__)

PLATFORM_PROCESSES: tuple[tuple[str, str], ...] = (
    *((name, f"services.{name}") for name in SERVICE_NAMES),
    ("worker", "workflows.worker"),
    ("bridge", "workflows.bridge"),
)


def isolated_settings(data_dir: Path) -> Settings:
    """A stack of its own (tests, benchmarks): its own data folder, local servers, ports the kernel picks.

    It ignores RSP_ variables of the calling shell so that it never meets a developer's running stack.
    """
    return Settings(
        data_dir=data_dir,
        postgres_dsn=None,
        nats_url=None,
        temporal_address=None,
        otlp_endpoint=None,
        traces_file=None,
        enrolment_port=0,
        learning_port=0,
        circles_port=0,
        reporting_port=0,
        console_port=0,
        nats_port=0,
        nats_monitor_port=0,
        temporal_port=0,
        temporal_ui_port=0,
    )


class StackAlreadyRunning(RuntimeError):
    """Another `rsp up` is using this data folder."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class LocalStack:
    """Starts, watches and stops everything; `endpoints` says where it all is once `start` returns."""

    def __init__(self, settings: Settings, echo: TextIO | None = sys.stdout) -> None:
        self.data_dir = settings.data_dir.resolve()
        self.settings = settings = with_signing_key(settings)
        self._echo = echo
        self._postgres: EmbeddedPostgres | None = None
        self._servers: list[ManagedProcess] = []
        self._platform: list[ManagedProcess] = []
        self.endpoints: Endpoints | None = None
        self.service_dsns: dict[str, str] = {}
        self.nats_urls: dict[str, str] = {}
        self.nats_operator_url: str | None = None
        self._lock = self.data_dir / "run" / "stack.pid"

    @property
    def processes(self) -> list[ManagedProcess]:
        return [*self._servers, *self._platform]

    def _take_lock(self) -> None:
        self._lock.parent.mkdir(parents=True, exist_ok=True)
        if self._lock.exists():
            pid = int(self._lock.read_text().strip() or 0)
            if pid and pid != os.getpid() and _alive(pid):
                raise StackAlreadyRunning(
                    f"the stack in {self.data_dir} is already running (pid {pid}); see `rsp status`"
                )
        self._lock.write_text(str(os.getpid()))

    async def start(self) -> Endpoints:
        self._take_lock()
        try:
            return await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> Endpoints:
        settings, data, logs = self.settings, self.data_dir, self.data_dir / "logs"
        taken: set[int] = set()
        # Children see exactly this stack's settings, not whatever RSP_ variables the calling shell holds.
        base_env = {key: value for key, value in os.environ.items() if not key.startswith("RSP_")}
        base_env["PYTHONUNBUFFERED"] = "1"
        base_env.update(
            {f"RSP_{name.upper()}": str(value) for name, value in settings.model_dump().items() if value is not None}
        )
        base_env["RSP_JWT_SECRET"] = settings.require_jwt_secret()
        base_env["RSP_DATA_DIR"] = str(data)

        nats_url, nats_monitor = settings.nats_url, None
        # A configured NATS is used with its URL as given; the local one gives each process its own user.
        self.nats_urls = {name: nats_url for name, _ in PLATFORM_PROCESSES if nats_url}
        self.nats_operator_url = nats_url
        if nats_url is None:
            port = choose_port(settings.nats_port, taken)
            monitor = choose_port(settings.nats_monitor_port, taken)
            config = data / "run" / "nats-server.conf"
            users = write_server_config(config, tuple(name for name, _ in PLATFORM_PROCESSES))
            nats = nats_process(data / "nats", config, port, monitor, base_env, logs, self._echo)
            self._servers.append(nats)
            await nats.start()
            nats_url, nats_monitor = f"nats://127.0.0.1:{port}", f"http://127.0.0.1:{monitor}"
            self.nats_urls = {name: users[name].url("127.0.0.1", port) for name, _ in PLATFORM_PROCESSES}
            self.nats_operator_url = users[OPERATOR].url("127.0.0.1", port)

        temporal_address, temporal_ui = settings.temporal_address, None
        temporal: ManagedProcess | None = None
        if temporal_address is None:
            port = choose_port(settings.temporal_port, taken)
            ui_port = choose_port(settings.temporal_ui_port, taken)
            temporal = temporal_process(
                data / "temporal", port, ui_port, base_env, logs, settings.temporal_namespace, self._echo
            )
            self._servers.append(temporal)
            await temporal.start()
            temporal_address, temporal_ui = f"127.0.0.1:{port}", f"http://127.0.0.1:{ui_port}"

        postgres_dsn = settings.postgres_dsn
        # A configured Postgres is used with its DSN as given; the local one gives each service its own role.
        self.service_dsns = {name: postgres_dsn for name in SERVICE_NAMES if postgres_dsn}
        if postgres_dsn is None:
            self._postgres = EmbeddedPostgres(data / "postgres", data / "run")
            postgres_dsn, self.service_dsns = await self._postgres.start(SERVICE_NAMES)

        if nats_monitor is not None:
            await wait_for_nats(nats_monitor, self._servers[0])
        # The set-up step: the processes' NATS users may not create streams.
        assert self.nats_operator_url is not None
        await set_up(self.nats_operator_url, settings.stream_replicas)
        if temporal is not None:
            await wait_for_temporal(temporal_address, settings.temporal_namespace, temporal)

        service_ports = {name: choose_port(settings.port_of(name), taken) for name in SERVICE_NAMES}
        env = {
            **base_env,
            "RSP_POSTGRES_DSN": postgres_dsn,
            "RSP_NATS_URL": nats_url,
            "RSP_TEMPORAL_ADDRESS": temporal_address,
            "RSP_TEMPORAL_NAMESPACE": settings.temporal_namespace,
            "RSP_HOST": settings.host,
            **{f"RSP_{name.upper()}_PORT": str(port) for name, port in service_ports.items()},
        }
        if "notifications" in service_ports and not env.get("RSP_NOTIFICATIONS_URL"):
            # The console emails sign-in links through notifications when the stack runs it.
            env["RSP_NOTIFICATIONS_URL"] = f"http://{settings.host}:{service_ports['notifications']}"
        for name, module in PLATFORM_PROCESSES:
            child_env = dict(env)
            child_env["RSP_NATS_URL"] = self.nats_urls[name]
            if name in self.service_dsns:
                child_env["RSP_POSTGRES_DSN"] = self.service_dsns[name]
            else:
                child_env.pop("RSP_POSTGRES_DSN", None)  # the worker and the bridge keep no tables
            if not settings.otlp_endpoint and settings.traces_file is None:
                # Spans go to one file per process so the console stays readable.
                child_env["RSP_TRACES_FILE"] = str(data / "traces" / f"{name}.jsonl")
            ready_file = data / "run" / f"{name}.ready"
            ready_file.unlink(missing_ok=True)
            child_env[READY_FILE_VARIABLE] = str(ready_file)
            process = ManagedProcess(name, [sys.executable, "-m", module], child_env, logs, self._echo)
            self._platform.append(process)
            await process.start()

        urls = {name: f"http://{settings.host}:{port}" for name, port in service_ports.items()}
        await asyncio.gather(*(self._wait_ready(process, urls) for process in self._platform))

        self.endpoints = Endpoints(
            services={name: ServiceEndpoint(url=url, docs=f"{url}/docs") for name, url in urls.items()},
            dashboard=f"{urls['reporting']}/dashboard",
            temporal_address=temporal_address,
            temporal_namespace=settings.temporal_namespace,
            temporal_ui=temporal_ui,
            nats_url=nats_url,
            nats_monitor=nats_monitor,
            postgres_dsn=postgres_dsn,
            pids={process.name: process.pid for process in self.processes if process.pid is not None},
        )
        self.endpoints.write(data)
        return self.endpoints

    def token(
        self, role: Role = Role.PROGRAMME_ADMIN, subject: str = "local-admin", schools: tuple[str, ...] = ()
    ) -> str:
        """A bearer token signed with this stack's key, valid for `token_minutes`."""
        lifetime = timedelta(minutes=self.settings.token_minutes)
        return mint_token(self.settings.require_jwt_secret(), role, subject, schools, lifetime)

    async def _wait_ready(self, process: ManagedProcess, urls: dict[str, str]) -> None:
        died = lambda: process.returncode is not None  # noqa: E731
        if process.name in urls:
            health = f"{urls[process.name]}/health"

            async def healthy() -> bool:
                async with httpx.AsyncClient(timeout=2) as client:
                    return (await client.get(health)).status_code == 200

            await wait_until(process.name, healthy, 120, died)
        else:
            ready_file = Path(process.env[READY_FILE_VARIABLE])

            async def ready() -> bool:
                return ready_file.exists()

            await wait_until(process.name, ready, 120, died)

    async def supervise(self) -> str:
        """Keep everything running until something keeps dying; return why it gave up."""
        watched = []
        if self._postgres is not None:
            watched.append(Watched("postgres", self._postgres.running, self._postgres.restart))
        echo = self._echo

        def say(line: str) -> None:
            _log.warning("%s", line)
            if echo is not None:
                echo.write(line + "\n")
                echo.flush()

        return await Supervisor(self.processes, watched, say).run()

    async def stop(self) -> None:
        """Stop the platform's processes, then the servers, newest first; leave no process behind."""
        for process in reversed(self._platform):
            process.stopping = True
        await asyncio.gather(*(process.stop() for process in reversed(self._platform)))
        for process in reversed(self._servers):
            await process.stop()
        if self._postgres is not None:
            await self._postgres.stop()
            self._postgres = None
        with contextlib.suppress(FileNotFoundError):
            (self.data_dir / "endpoints.json").unlink()
        if self._lock.exists() and self._lock.read_text().strip() == str(os.getpid()):
            self._lock.unlink()
