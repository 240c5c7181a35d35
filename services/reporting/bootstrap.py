"""Reporting's composition root: wires the read models into the API, the dashboard and the subscribers."""

from __future__ import annotations

from pathlib import Path

import asyncpg
from fastapi import FastAPI

from runtime.service import ServiceRuntime
from runtime.settings import Settings
from services.reporting.adapters.live_feed import FeedSignal
from services.reporting.adapters.postgres import PostgresReportingUnitOfWork
from services.reporting.entrypoints import subscribers
from services.reporting.entrypoints.dashboard import build_dashboard
from services.reporting.entrypoints.http import build_router
from services.reporting.entrypoints.impact_http import build_impact_router
from services.reporting.entrypoints.live import LiveStreams, build_live_feed_router

__all__ = ["bootstrap"]


def bootstrap(settings: Settings | None = None) -> tuple[ServiceRuntime, FastAPI]:
    runtime = ServiceRuntime("reporting", Path(__file__).parent / "migrations", settings)

    def unit_of_work() -> PostgresReportingUnitOfWork:
        return PostgresReportingUnitOfWork(runtime.pool)

    subscribers.subscribe(runtime.consumer, unit_of_work)
    # Wakes the live streams when a projection commits, on a connection of its own (LISTEN holds it).
    signal = FeedSignal(lambda: asyncpg.connect(runtime.settings.require_postgres()))
    streams = LiveStreams(unit_of_work, signal)
    app = runtime.app(
        "RSP reporting",
        "Progress of every school and cohort, projected from the programme's event streams, and the impact "
        "returns schools submit, with rates, change against baseline and suppression.",
        [
            build_router(unit_of_work, runtime.authenticate),
            build_impact_router(unit_of_work, runtime.authenticate),
            build_dashboard(unit_of_work, runtime.authenticate, streams),
            build_live_feed_router(streams, runtime.authenticate),
        ],
    )
    return runtime, app
