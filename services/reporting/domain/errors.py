"""Reporting's errors; the HTTP edge turns them into 404 answers."""

from __future__ import annotations

from runtime.errors import NotFound, PlatformError

__all__ = ["NoSuchSchool", "ReportingError"]


class ReportingError(PlatformError):
    """Base of reporting's errors."""


class NoSuchSchool(ReportingError, NotFound):
    def __init__(self, urn: str) -> None:
        super().__init__(f"school {urn} has no progress recorded (not enrolled, or its enrolment is not yet seen)")
