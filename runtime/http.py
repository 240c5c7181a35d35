"""The HTTP edge shared by the services: health, error translation, tracing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.trace import TracerProvider

from contracts.asyncapi import asyncapi_document
from runtime.api_document import Error, FieldProblem
from runtime.errors import Conflict, Forbidden, Invalid, NotFound, PlatformError, Unauthenticated

__all__ = ["create_app"]

_STATUS: tuple[tuple[type[PlatformError], int], ...] = (
    (Unauthenticated, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (Invalid, 422),
)


async def _platform_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, PlatformError)
    status = next((code for kind, code in _STATUS if isinstance(error, kind)), 400)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(Error(detail=error.message).model_dump(), status_code=status, headers=headers)


async def _invalid_input(_: Request, error: Exception) -> JSONResponse:
    """FastAPI's own validation errors, in the one error shape (and never echoing the values sent)."""
    assert isinstance(error, RequestValidationError)
    problems = [
        FieldProblem(loc=list(problem["loc"]), msg=problem["msg"], type=problem["type"]) for problem in error.errors()
    ]
    detail = "; ".join(f"{'.'.join(map(str, p.loc))}: {p.msg}" for p in problems) or "invalid input"
    return JSONResponse(Error(detail=detail, errors=problems).model_dump(), status_code=422)


_DOCS_ASSETS = "/docs/assets"


def _serve_docs_offline(app: FastAPI, title: str) -> None:
    """`/docs` (Swagger UI 5, which reads OpenAPI 3.1) and `/redoc`, their assets from the `fastapi-offline`
    package, so both work with no network at all."""
    assets = files("fastapi_offline") / "static"
    app.mount(_DOCS_ASSETS, StaticFiles(directory=str(assets)), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title}: API",
            swagger_js_url=f"{_DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{_DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{_DOCS_ASSETS}/favicon.png",
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{title}: API",
            redoc_js_url=f"{_DOCS_ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{_DOCS_ASSETS}/favicon.png",
            with_google_fonts=False,
        )


def create_app(
    title: str,
    description: str,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]],
    tracer_provider: TracerProvider,
    readiness: Callable[[], Awaitable[dict[str, bool]]],
    max_body_bytes: int,
    untraced_paths: tuple[str, ...] = (),
) -> FastAPI:
    """`untraced_paths`: regular expressions of paths whose requests make no span (one that carries a secret in
    its URL, as a one-time sign-in link does, besides the health probes)."""
    # A body over the limit is answered 413 as soon as its length says so, before it is read into memory.
    app = FastAPI(
        title=title,
        description=description,
        lifespan=lifespan,
        max_body_size=max_body_bytes,
        # Swagger UI and ReDoc come from a CDN by default: a blank page without internet. Both are served below
        # from an installed package instead.
        docs_url=None,
        redoc_url=None,
        # Requests are traced once, by the OpenTelemetry instrumentation below; FastAPI's own telemetry would
        # wrap each request a second time (a measured share of learning's CPU at load).
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    _serve_docs_offline(app, title)
    app.add_exception_handler(PlatformError, _platform_error)
    app.add_exception_handler(RequestValidationError, _invalid_input)

    # Kubernetes' two questions apart: is the process alive (else restart it), and can it serve now (else send
    # no traffic). A service whose database or NATS is away is alive but not ready, and heals by itself.
    @app.get("/health/live", tags=["health"], summary="The process answers: restart it only if this fails")
    async def live() -> JSONResponse:
        return JSONResponse({"status": "alive"})

    @app.get("/health", tags=["health"], summary="Ready to serve: started, database and NATS reachable")
    @app.get("/health/ready", tags=["health"], summary="Ready to serve: started, database and NATS reachable")
    async def ready() -> JSONResponse:
        checks = await readiness()
        is_ready = all(checks.values())
        return JSONResponse(
            {"status": "ok" if is_ready else "unavailable", "checks": checks}, status_code=200 if is_ready else 503
        )

    @app.get("/asyncapi.json", tags=["events"], summary="The catalogue of every event the platform publishes")
    async def event_catalogue() -> JSONResponse:
        return JSONResponse(asyncapi_document())

    # The ASGI receive/send sub-spans triple the spans per request and say nothing the request span does not.
    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=tracer_provider,
        excluded_urls=",".join(("health", *untraced_paths)),
        exclude_spans=["receive", "send"],
    )
    return app
