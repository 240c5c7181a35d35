"""Enrolment's composition root: wires the real adapters into the HTTP app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from runtime.service import ServiceRuntime
from runtime.settings import Settings
from services.enrolment.adapters.postgres import PostgresEnrolmentUnitOfWork
from services.enrolment.entrypoints import subscribers
from services.enrolment.entrypoints.http import build_router

__all__ = ["bootstrap"]


def bootstrap(settings: Settings | None = None) -> tuple[ServiceRuntime, FastAPI]:
    runtime = ServiceRuntime("enrolment", Path(__file__).parent / "migrations", settings)

    def unit_of_work() -> PostgresEnrolmentUnitOfWork:
        return PostgresEnrolmentUnitOfWork(runtime.pool)

    subscribers.subscribe(runtime.consumer, unit_of_work)
    app = runtime.app(
        "RSP enrolment",
        "Cohorts of the Relational Schools Programme and the schools enrolled in them.",
        [build_router(unit_of_work, runtime.authenticate)],
    )
    return runtime, app
