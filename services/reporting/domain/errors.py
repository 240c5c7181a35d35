"""Reporting's errors; the HTTP edge turns them into 404 and 422 answers."""

from __future__ import annotations

from runtime.errors import Invalid, NotFound, PlatformError

__all__ = [
    "ForecastRefused",
    "ImpossibleReturn",
    "InvalidEvidence",
    "NoForecast",
    "NoSuchCohort",
    "NoSuchEvidence",
    "NoSuchSchool",
    "ReportingError",
]


class ReportingError(PlatformError):
    """Base of reporting's errors."""


class NoSuchSchool(ReportingError, NotFound):
    def __init__(self, urn: str) -> None:
        super().__init__(f"school {urn} has no progress recorded (not enrolled, or its enrolment is not yet seen)")


class NoSuchCohort(ReportingError, NotFound):
    def __init__(self, cohort_id: str) -> None:
        super().__init__(f"cohort {cohort_id!r} has no schools recorded (none enrolled, or not yet seen)")


class ImpossibleReturn(ReportingError, Invalid):
    """An impact return that cannot be true; the message starts with the field at fault."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field


class InvalidEvidence(ReportingError, Invalid):
    """A survey response, instrument, feedback or adaptation that cannot be taken; the message names the field."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field


class NoSuchEvidence(ReportingError, NotFound):
    """An instrument, feedback or adaptation that does not exist (or is not the caller's to see)."""


class NoForecast(ReportingError, NotFound):
    def __init__(self, cohort_id: str) -> None:
        super().__init__(f"cohort {cohort_id!r} has no forecast yet (make one with `rsp forecast {cohort_id}`)")


class ForecastRefused(ReportingError, Invalid):
    """A forecast that cannot be kept as sent; the message starts with the field at fault."""
