"""The console's composition root: its pool and tables, the services' APIs, the pages and the assets."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from runtime.auth import Authenticator
from runtime.database import create_pool, migrate
from runtime.errors import ConfigurationError
from runtime.http import create_app
from runtime.log import configure_logging
from runtime.settings import Settings
from runtime.telemetry import setup_telemetry
from services.console.adapters.notifications import NotificationsInvitations
from services.console.adapters.platform_api import PlatformApi
from services.console.adapters.postgres import PostgresConsoleStore
from services.console.entrypoints.programme_pages import build_programme_router
from services.console.entrypoints.school_pages import build_school_router
from services.console.entrypoints.sign_in import build_sign_in_router
from services.console.entrypoints.web import Console, add_error_pages
from services.console.settings import ConsoleSettings

__all__ = ["ConsoleRuntime", "build_service"]

_MIGRATIONS = Path(__file__).parent / "migrations"


class ConsoleRuntime:
    """The console's process: no broker, no outbox (it publishes nothing), one pool for its own tables."""

    def __init__(self, settings: Settings | None = None, console_settings: ConsoleSettings | None = None) -> None:
        self.settings = settings or Settings()
        self.console_settings = console_settings or ConsoleSettings()
        configure_logging("console", self.settings.log_level)
        self.tracer_provider = setup_telemetry("console", self.settings)
        self.pool: asyncpg.Pool | None = None
        self.http = httpx.AsyncClient(timeout=15, limits=httpx.Limits(max_connections=50, keepalive_expiry=4))

    def service_urls(self) -> dict[str, str]:
        """Each service the console calls: its URL setting (a deployment), else the local stack's host and port."""
        local = "127.0.0.1" if self.settings.host in ("0.0.0.0", "::") else self.settings.host
        urls = {}
        for name in ("enrolment", "learning", "circles", "reporting"):
            configured = getattr(self.console_settings, f"{name}_url")
            urls[name] = (configured or f"http://{local}:{self.settings.port_of(name)}").rstrip("/")
        return urls

    def base_url(self) -> str:
        return self.console_settings.console_url or f"http://{self.settings.host}:{self.settings.port_of('console')}"

    async def readiness(self) -> dict[str, bool]:
        if self.pool is None:
            return {"started": False, "database": False}
        try:
            answers = bool(await self.pool.fetchval("SELECT true"))
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            answers = False
        return {"started": True, "database": answers}

    def serve(self, app: FastAPI) -> None:
        uvicorn.run(
            app,
            host=self.settings.host,
            port=self.settings.port_of("console"),
            log_config=None,
            access_log=False,
            timeout_keep_alive=75,
            timeout_graceful_shutdown=5,
        )


def _assets(app: FastAPI, node_modules: Path) -> None:
    """govuk-frontend's built files from node_modules (installed by ./rsp with npm ci), served here: no CDN."""
    dist = node_modules / "govuk-frontend" / "dist" / "govuk"
    if not (dist / "govuk-frontend.min.css").exists():
        raise ConfigurationError(f"govuk-frontend is not installed in {node_modules}: run ./rsp (it runs npm ci)")
    app.mount("/assets", StaticFiles(directory=dist / "assets"), name="govuk-assets")
    app.mount("/govuk", StaticFiles(directory=dist), name="govuk")


def build_service(
    settings: Settings | None = None, console_settings: ConsoleSettings | None = None
) -> tuple[ConsoleRuntime, FastAPI]:
    runtime = ConsoleRuntime(settings, console_settings)
    secret = runtime.settings.require_jwt_secret()
    options = runtime.console_settings
    base_url = runtime.base_url()
    console = Console(PlatformApi(runtime.http, runtime.service_urls(), secret), base_url, base_url.startswith("https"))
    sender = (
        NotificationsInvitations(runtime.http, options.notifications_url, secret) if options.notifications_url else None
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        runtime.pool = await create_pool(runtime.settings.require_postgres(), "console", max_size=5)
        await migrate(runtime.pool, "console", [_MIGRATIONS])
        console.store_ = PostgresConsoleStore(runtime.pool)
        try:
            yield
        finally:
            await runtime.http.aclose()
            await runtime.pool.close()
            runtime.pool = None

    app = create_app(
        "RSP console",
        "The web console for the programme team, school leads and facilitators. It owns no programme data: every "
        "page reads, and every form writes, through the other services' APIs as the signed-in person.",
        lifespan,
        runtime.tracer_provider,
        runtime.readiness,
        runtime.settings.max_body_bytes,
        untraced_paths=("/sign-in/",),  # the link's secret is in the path: no span may keep it
    )
    _assets(app, options.console_node_modules)
    app.include_router(
        build_sign_in_router(
            console,
            Authenticator(secret),
            sender,
            timedelta(hours=options.sign_in_link_hours),
            timedelta(hours=options.console_session_hours),
        )
    )
    app.include_router(build_programme_router(console))
    app.include_router(build_school_router(console))
    add_error_pages(app, console)

    async def not_found(_: Request, error: Exception) -> HTMLResponse:
        status = error.status_code if isinstance(error, HTTPException) else 500
        template = "not_found.html" if status == 404 else "problem.html"
        return console.html(template, status=status, message="", person=None)

    app.add_exception_handler(HTTPException, not_found)
    return runtime, app
