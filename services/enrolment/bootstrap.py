"""Enrolment's composition root: wires the adapters into the handler table and the HTTP app."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI

from runtime.handler_table import InboxDispatcher
from runtime.service import ServiceRuntime
from runtime.settings import Settings
from services.enrolment.adapters.postgres import PostgresEnrolmentUnitOfWork
from services.enrolment.entrypoints.http import build_router
from services.enrolment.service_layer.handlers import EVENT_HANDLERS
from services.enrolment.service_layer.unit_of_work import EnrolmentUnitOfWork

__all__ = ["bootstrap", "build_service"]


def bootstrap(unit_of_work: Callable[[], EnrolmentUnitOfWork]) -> InboxDispatcher[EnrolmentUnitOfWork]:
    """Enrolment's event handling on a unit of work: Postgres in the process, an in-memory fake in unit tests."""
    return InboxDispatcher(EVENT_HANDLERS, unit_of_work)


def build_service(settings: Settings | None = None) -> tuple[ServiceRuntime, FastAPI]:
    runtime = ServiceRuntime("enrolment", Path(__file__).parent / "migrations", settings)
    unit_of_work = runtime.units_of_work(PostgresEnrolmentUnitOfWork)
    runtime.consumer.subscribe(bootstrap(unit_of_work))
    app = runtime.app(
        "RSP enrolment",
        "Cohorts of the Relational Schools Programme and the schools enrolled in them.",
        [build_router(unit_of_work, runtime.authenticate)],
    )
    return runtime, app
