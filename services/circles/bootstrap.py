"""Circles' composition root: wires the real adapters into the HTTP app and the subscribers."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from runtime.calendar_file import load_half_terms
from runtime.service import ServiceRuntime
from runtime.settings import Settings
from services.circles.adapters.postgres import PostgresCirclesUnitOfWork
from services.circles.entrypoints import subscribers
from services.circles.entrypoints.http import build_router

__all__ = ["bootstrap"]


def bootstrap(settings: Settings | None = None) -> tuple[ServiceRuntime, FastAPI]:
    runtime = ServiceRuntime("circles", Path(__file__).parent / "migrations", settings)
    calendar = load_half_terms(runtime.settings.half_terms_file)

    def unit_of_work() -> PostgresCirclesUnitOfWork:
        return PostgresCirclesUnitOfWork(runtime.pool)

    subscribers.subscribe(runtime.consumer, unit_of_work)
    app = runtime.app(
        "RSP circles",
        "Reflective, practice discussion and decision-making circles in each school, and whether each school held "
        "one every half-term. Circles never record anything about a named pupil; a circle's free-text reflection "
        "never leaves this service and is shown only to the school itself and the programme team.",
        [build_router(unit_of_work, calendar, runtime.authenticate)],
    )
    return runtime, app
