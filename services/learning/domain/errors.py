"""Learning's errors; the HTTP edge turns them into 404 answers."""

from __future__ import annotations

from runtime.errors import NotFound, PlatformError

__all__ = ["LearningError", "SchoolNotEnrolled"]


class LearningError(PlatformError):
    """Base of learning's errors."""


class SchoolNotEnrolled(LearningError, NotFound):
    def __init__(self, urn: str) -> None:
        super().__init__(f"school {urn} is not enrolled in the programme")
