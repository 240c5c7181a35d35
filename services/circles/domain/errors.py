"""Circles' errors; the HTTP edge turns them into 404 answers."""

from __future__ import annotations

from runtime.errors import NotFound, PlatformError

__all__ = ["CirclesError", "SchoolNotKnown"]


class CirclesError(PlatformError):
    """Base of circles' errors."""


class SchoolNotKnown(CirclesError, NotFound):
    def __init__(self, urn: str) -> None:
        super().__init__(f"school {urn} is not enrolled, so it cannot hold programme circles")
