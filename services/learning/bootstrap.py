"""Learning's composition root: wires the real adapters into the HTTP app and the subscribers."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from runtime.service import ServiceRuntime
from runtime.settings import Settings
from services.learning.adapters.activity_map import load_activity_map
from services.learning.adapters.postgres import PostgresLearningUnitOfWork
from services.learning.entrypoints import subscribers
from services.learning.entrypoints.http import build_router
from services.learning.entrypoints.http_sessions import build_sessions_router
from services.learning.entrypoints.http_xapi import build_xapi_router
from services.learning.settings import LearningSettings

__all__ = ["bootstrap"]


def bootstrap(
    settings: Settings | None = None, learning_settings: LearningSettings | None = None
) -> tuple[ServiceRuntime, FastAPI]:
    runtime = ServiceRuntime("learning", Path(__file__).parent / "migrations", settings)
    activities = load_activity_map((learning_settings or LearningSettings()).xapi_activities)

    def unit_of_work() -> PostgresLearningUnitOfWork:
        return PostgresLearningUnitOfWork(runtime.pool)

    subscribers.subscribe(runtime.consumer, unit_of_work)
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
    return runtime, app
