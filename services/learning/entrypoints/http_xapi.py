"""Where bootstrap.py finds learning's xapi router until it imports it from `entrypoints.http`."""

from __future__ import annotations

from services.learning.entrypoints.http import build_xapi_router

__all__ = ["build_xapi_router"]
