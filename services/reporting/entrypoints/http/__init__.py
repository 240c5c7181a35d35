"""Reporting's HTTP API, one router per sub-domain: progress and impact (the dashboard and the live feed have
their own modules)."""

from __future__ import annotations

from services.reporting.entrypoints.http.impact import build_impact_router
from services.reporting.entrypoints.http.progress import build_progress_router as build_router

__all__ = ["build_impact_router", "build_router"]
