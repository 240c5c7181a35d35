"""Learning's composition root: wires the adapters into the handler table and the HTTP app."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI

from runtime.handler_table import InboxDispatcher
from runtime.service import ServiceRuntime
from runtime.settings import Settings
from services.learning.adapters.activity_map import load_activity_map
from services.learning.adapters.postgres import PostgresLearningUnitOfWork
from services.learning.domain.errors import BatchTooLarge
from services.learning.entrypoints.http import build_router, build_sessions_router, build_xapi_router
from services.learning.entrypoints.http.xapi import XapiVersionHeader, batch_too_large
from services.learning.service_layer.handlers import EVENT_HANDLERS
from services.learning.service_layer.unit_of_work import LearningUnitOfWork
from services.learning.settings import LearningSettings

__all__ = ["bootstrap", "build_service"]


def bootstrap(unit_of_work: Callable[[], LearningUnitOfWork]) -> InboxDispatcher[LearningUnitOfWork]:
    """Learning's event handling on a unit of work: Postgres in the process, an in-memory fake in unit tests."""
    return InboxDispatcher(EVENT_HANDLERS, unit_of_work)


def build_service(
    settings: Settings | None = None, learning_settings: LearningSettings | None = None
) -> tuple[ServiceRuntime, FastAPI]:
    runtime = ServiceRuntime("learning", Path(__file__).parent / "migrations", settings)
    activities = load_activity_map((learning_settings or LearningSettings()).xapi_activities)

    unit_of_work = runtime.units_of_work(PostgresLearningUnitOfWork)
    runtime.consumer.subscribe(bootstrap(unit_of_work))
    app = runtime.app(
        "RSP learning",
        "The Trauma Informed Relational Practice modules (also from xAPI learning platforms) and the face-to-face "
        "programme: leadership days, immersion days, practitioner training and mentoring.",
        [
            build_router(unit_of_work, runtime.authenticate),
            build_xapi_router(unit_of_work, runtime.authenticate, activities),
            build_sessions_router(unit_of_work, runtime.authenticate),
        ],
    )
    app.add_exception_handler(BatchTooLarge, batch_too_large)
    app.add_middleware(XapiVersionHeader)
    return runtime, app
