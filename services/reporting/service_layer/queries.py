"""Reporting's read side: progress per school and per cohort, worked out from the projected facts."""

from __future__ import annotations

from services.reporting.domain.progress import SchoolProgress, school_progress
from services.reporting.service_layer.unit_of_work import ReportingUnitOfWork

__all__ = ["cohort_names", "progress_of"]


async def progress_of(
    uow: ReportingUnitOfWork, *, cohort_id: str | None = None, urn: str | None = None
) -> list[SchoolProgress]:
    """Progress of the schools of one cohort, one school, or (neither given) every school."""
    async with uow:
        schools = await uow.read_models.schools(cohort_id=cohort_id, urn=urn)
        facts = await uow.read_models.facts(schools)
    return [school_progress(school, facts[school.urn]) for school in schools]


async def cohort_names(uow: ReportingUnitOfWork) -> dict[str, str]:
    async with uow:
        return await uow.read_models.cohort_names()
