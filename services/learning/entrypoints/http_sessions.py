"""Where bootstrap.py finds learning's sessions router until it imports it from `entrypoints.http`."""

from __future__ import annotations

from services.learning.entrypoints.http import build_sessions_router

__all__ = ["build_sessions_router"]
