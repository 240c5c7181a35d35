"""Circles' composition root: wires the adapters into the handler table and the HTTP app."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI

from runtime.calendar_file import load_half_terms
from runtime.handler_table import InboxDispatcher
from runtime.service import ServiceRuntime
from runtime.settings import Settings
from services.circles.adapters.postgres import PostgresCirclesUnitOfWork
from services.circles.entrypoints.http import build_router
from services.circles.service_layer.handlers import EVENT_HANDLERS
from services.circles.service_layer.unit_of_work import CirclesUnitOfWork

__all__ = ["bootstrap", "build_service"]


def bootstrap(unit_of_work: Callable[[], CirclesUnitOfWork]) -> InboxDispatcher[CirclesUnitOfWork]:
    """Circles' event handling on a unit of work: Postgres in the process, an in-memory fake in unit tests."""
    return InboxDispatcher(EVENT_HANDLERS, unit_of_work)


def build_service(settings: Settings | None = None) -> tuple[ServiceRuntime, FastAPI]:
    runtime = ServiceRuntime("circles", Path(__file__).parent / "migrations", settings)
    calendar = load_half_terms(runtime.settings.half_terms_file)

    unit_of_work = runtime.units_of_work(PostgresCirclesUnitOfWork)
    runtime.consumer.subscribe(bootstrap(unit_of_work))
    app = runtime.app(
        "RSP circles",
        "Reflective, practice discussion and decision-making circles in each school, and whether each school held "
        "one every half-term. Circles never record anything about a named pupil; a circle's free-text reflection "
        "never leaves this service and is shown only to the school itself and the programme team.",
        [build_router(unit_of_work, calendar, runtime.authenticate)],
    )
    return runtime, app
