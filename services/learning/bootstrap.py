"""Learning's composition root: wires the real adapters into the HTTP app and the subscribers."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from runtime.service import ServiceRuntime
from runtime.settings import Settings
from services.learning.adapters.postgres import PostgresLearningUnitOfWork
from services.learning.entrypoints import subscribers
from services.learning.entrypoints.http import build_router

__all__ = ["bootstrap"]


def bootstrap(settings: Settings | None = None) -> tuple[ServiceRuntime, FastAPI]:
    runtime = ServiceRuntime("learning", Path(__file__).parent / "migrations", settings)

    def unit_of_work() -> PostgresLearningUnitOfWork:
        return PostgresLearningUnitOfWork(runtime.pool)

    subscribers.subscribe(runtime.consumer, unit_of_work)
    app = runtime.app(
        "RSP learning",
        "The Trauma Informed Relational Practice modules: who completed what.",
        [build_router(unit_of_work, runtime.authenticate)],
    )
    return runtime, app
