"""Learning's HTTP API, one router per sub-domain: the online modules and progress, xAPI, face-to-face sessions."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter

from runtime.auth import Authenticator
from services.learning.entrypoints.http.modules import build_modules_router
from services.learning.entrypoints.http.progress import build_progress_router
from services.learning.entrypoints.http.sessions import build_sessions_router
from services.learning.entrypoints.http.xapi import UNMATCHED_HEADER, XAPI_VERSION, build_xapi_router
from services.learning.service_layer.unit_of_work import LearningUnitOfWork

__all__ = ["UNMATCHED_HEADER", "XAPI_VERSION", "build_router", "build_sessions_router", "build_xapi_router"]


def build_router(unit_of_work: Callable[[], LearningUnitOfWork], authenticate: Authenticator) -> APIRouter:
    """The online modules: the catalogue, starts, completions, corrections and progress."""
    router = APIRouter()
    router.include_router(build_modules_router(unit_of_work, authenticate))
    router.include_router(build_progress_router(unit_of_work, authenticate))
    return router
