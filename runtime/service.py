"""What a service process holds besides its domain: pool, migrations, broker, outbox relay, HTTP app."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar

import asyncpg
import uvicorn
from fastapi import APIRouter, FastAPI

from runtime.api_document import document_the_edge
from runtime.auth import Authenticator
from runtime.broker import create_broker, wait_for_streams
from runtime.consumer import EventConsumer
from runtime.database import MESSAGING_MIGRATIONS, create_pool, migrate
from runtime.http import create_app
from runtime.idempotency import IdempotencyMiddleware
from runtime.input_guard import InputGuardMiddleware
from runtime.log import configure_logging
from runtime.outbox import OutboxRelay
from runtime.settings import Settings
from runtime.telemetry import setup_telemetry

__all__ = ["ServiceRuntime"]

_log = logging.getLogger(__name__)
U = TypeVar("U")
_HEALTH_CHECK_SECONDS = 2.0


async def _database_answers(pool: asyncpg.Pool) -> bool:
    try:
        async with asyncio.timeout(_HEALTH_CHECK_SECONDS):
            return bool(await pool.fetchval("SELECT true"))
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
        return False


class ServiceRuntime:
    """One service's infrastructure. Its schema is named after the service."""

    def __init__(self, name: str, migrations: Path, settings: Settings | None = None) -> None:
        self.name = name
        self.settings = settings or Settings()
        configure_logging(name, self.settings.log_level)
        self.tracer_provider = setup_telemetry(name, self.settings)
        self.broker = create_broker(self.settings.require_nats(), name, self.tracer_provider)
        self.consumer = EventConsumer(self.broker, name, self.settings.max_deliver)
        self.authenticate = Authenticator(self.settings.require_jwt_secret())
        self._migrations = migrations
        self._pool: asyncpg.Pool | None = None
        self._ready = False
        self._background: list[Callable[[asyncio.Event], Awaitable[None]]] = []

    def run_beside(self, task: Callable[[asyncio.Event], Awaitable[None]]) -> None:
        """Run `task(stop)` while the service is up (started once it is ready; `stop` is set when it stops)."""
        self._background.append(task)

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError(f"{self.name} has not started")
        return self._pool

    def units_of_work(self, unit_of_work: Callable[[asyncpg.Pool], U]) -> Callable[[], U]:
        """A factory of the service's units of work on this process's pool (open once the service has started)."""
        return lambda: unit_of_work(self.pool)

    async def readiness(self) -> dict[str, bool]:
        """Started, Postgres answering and NATS connected; each named, so an operator sees which is away."""
        return {
            "started": self._ready,
            "database": self._ready and await _database_answers(self.pool),
            "nats": self._ready and self.broker.connection.is_connected,
        }

    @asynccontextmanager
    async def lifespan(self, _: FastAPI) -> AsyncIterator[None]:
        self._pool = await create_pool(self.settings.require_postgres(), self.name)
        applied = await migrate(self._pool, self.name, [MESSAGING_MIGRATIONS, self._migrations])
        if applied:
            _log.info("applied migrations %s", ", ".join(applied))
        await self.broker.connect()
        await wait_for_streams(self.broker.connection.jetstream())
        dsn = self.settings.require_postgres()
        relay = OutboxRelay(
            self._pool, self.broker, self.name, self.settings.relay_poll_seconds, lambda: asyncpg.connect(dsn)
        )
        await relay.start()
        await self.broker.start()
        self._ready = True
        stop = asyncio.Event()
        beside = [asyncio.ensure_future(task(stop)) for task in self._background]
        _log.info("%s ready", self.name)
        try:
            yield
        finally:
            self._ready = False
            stop.set()
            await asyncio.gather(*beside, return_exceptions=True)
            await self.broker.stop()
            await relay.stop()
            await self._pool.close()
            self._pool = None

    def app(self, title: str, description: str, routers: Sequence[APIRouter]) -> FastAPI:
        app = create_app(
            title, description, self.lifespan, self.tracer_provider, self.readiness, self.settings.max_body_bytes
        )
        for router in routers:
            app.include_router(router)
        app.add_middleware(
            IdempotencyMiddleware,
            pool=lambda: self.pool,
            principal_of=self.authenticate.principal_of,
            keep_hours=self.settings.idempotency_keep_hours,
            answer_lost_seconds=self.settings.idempotency_answer_lost_seconds,
        )
        # Outside the idempotency claims: input no route can store is refused before any key is taken.
        app.add_middleware(InputGuardMiddleware)
        document_the_edge(app)
        return app

    def serve(self, app: FastAPI) -> None:
        uvicorn.run(
            app,
            host=self.settings.host,
            port=self.settings.port_of(self.name),
            log_config=None,
            access_log=False,
            # Outlast clients' idle connections (httpx keeps them 5 s), so a client never sends a request on a
            # connection the server is closing at that moment.
            timeout_keep_alive=75,
            # Open event streams (reporting's SSE) would otherwise hold a stopping server until they end.
            timeout_graceful_shutdown=5,
        )
