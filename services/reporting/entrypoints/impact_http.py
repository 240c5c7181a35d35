"""Where bootstrap.py finds reporting's impact router until it imports it from `entrypoints.http`."""

from __future__ import annotations

from services.reporting.entrypoints.http import build_impact_router

__all__ = ["build_impact_router"]
