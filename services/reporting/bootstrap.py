"""Reporting's composition root: wires the read models into the handler table, the API and the dashboard."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import asyncpg
from fastapi import FastAPI

from runtime.calendar_file import load_half_terms
from runtime.handler_table import InboxDispatcher
from runtime.service import ServiceRuntime
from runtime.settings import Settings
from services.reporting.adapters.evidence import PostgresEvidenceUnitOfWork
from services.reporting.adapters.live_feed import FeedSignal
from services.reporting.adapters.postgres import PostgresReportingUnitOfWork
from services.reporting.entrypoints.dashboard import build_dashboard
from services.reporting.entrypoints.dashboard.evidence_page import build_evidence_dashboard
from services.reporting.entrypoints.http import build_impact_router, build_router
from services.reporting.entrypoints.http.evidence import build_evidence_router
from services.reporting.entrypoints.http.forecast import build_forecast_router
from services.reporting.entrypoints.live import LiveStreams, build_live_feed_router
from services.reporting.service_layer.projections import EVENT_HANDLERS
from services.reporting.service_layer.unit_of_work import ReportingUnitOfWork

__all__ = ["bootstrap", "build_service"]


def bootstrap(unit_of_work: Callable[[], ReportingUnitOfWork]) -> InboxDispatcher[ReportingUnitOfWork]:
    """Reporting's event handling on a unit of work: Postgres in the process, an in-memory fake in unit tests."""
    return InboxDispatcher(EVENT_HANDLERS, unit_of_work)


def build_service(settings: Settings | None = None) -> tuple[ServiceRuntime, FastAPI]:
    runtime = ServiceRuntime("reporting", Path(__file__).parent / "migrations", settings)
    unit_of_work = runtime.units_of_work(PostgresReportingUnitOfWork)
    runtime.consumer.subscribe(bootstrap(unit_of_work))
    # Wakes the live streams when a projection commits, on a connection of its own (LISTEN holds it).
    signal = FeedSignal(lambda: asyncpg.connect(runtime.settings.require_postgres()))
    streams = LiveStreams(unit_of_work, signal)
    evidence = runtime.units_of_work(PostgresEvidenceUnitOfWork)
    calendar = load_half_terms(runtime.settings.half_terms_file)
    min_group = runtime.settings.survey_min_group
    app = runtime.app(
        "RSP reporting",
        "Progress of every school and cohort, projected from the programme's event streams, and the impact "
        "returns schools submit, with rates, change against baseline and suppression.",
        [
            build_router(unit_of_work, runtime.authenticate),
            build_impact_router(unit_of_work, runtime.authenticate),
            build_forecast_router(unit_of_work, runtime.authenticate),
            build_dashboard(unit_of_work, runtime.authenticate, streams),
            build_live_feed_router(streams, runtime.authenticate),
            build_evidence_router(evidence, runtime.authenticate, calendar, min_group),
            build_evidence_dashboard(evidence, runtime.authenticate, calendar, min_group),
        ],
    )
    return runtime, app
