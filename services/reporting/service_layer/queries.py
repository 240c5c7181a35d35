"""Reporting's read side: progress per school and per cohort."""

from __future__ import annotations

from services.reporting.domain.progress import SchoolProgress, summarise_modules
from services.reporting.service_layer.unit_of_work import ReportingUnitOfWork

__all__ = ["progress_of"]


async def progress_of(
    uow: ReportingUnitOfWork, *, cohort_id: str | None = None, urn: str | None = None
) -> list[SchoolProgress]:
    """Progress of the schools of one cohort, one school, or (neither given) every school."""
    async with uow:
        schools = await uow.progress.schools(cohort_id=cohort_id, urn=urn)
        completions = await uow.progress.completions([school.urn for school in schools])
    return [SchoolProgress(school, summarise_modules(completions.get(school.urn, []))) for school in schools]
