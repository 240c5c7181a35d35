"""Circles' composition root: wires the real adapters into the HTTP app and the subscribers."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from runtime.service import ServiceRuntime
from runtime.settings import Settings
from services.circles.adapters.postgres import PostgresCirclesUnitOfWork
from services.circles.entrypoints import subscribers
from services.circles.entrypoints.http import build_router

__all__ = ["bootstrap"]


def bootstrap(settings: Settings | None = None) -> tuple[ServiceRuntime, FastAPI]:
    runtime = ServiceRuntime("circles", Path(__file__).parent / "migrations", settings)

    def unit_of_work() -> PostgresCirclesUnitOfWork:
        return PostgresCirclesUnitOfWork(runtime.pool)

    subscribers.subscribe(runtime.consumer, unit_of_work)
    app = runtime.app(
        "RSP circles",
        "Reflective and practice discussion circles in each school.",
        [build_router(unit_of_work, runtime.authenticate)],
    )
    return runtime, app
