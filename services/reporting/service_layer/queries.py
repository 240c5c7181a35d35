"""Reporting's read side: progress and impact per school and per cohort, worked out from the projected facts,
and what the dashboard shows of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from services.reporting.domain.errors import NoSuchCohort, NoSuchSchool
from services.reporting.domain.impact_reports import CohortImpact, CohortRow, SchoolImpact, cohort_impact, school_impact
from services.reporting.domain.progress import SchoolProgress, school_progress
from services.reporting.service_layer.unit_of_work import ReportingUnitOfWork

__all__ = [
    "CohortOverview",
    "cohort_impact_of",
    "cohort_names",
    "cohort_overviews",
    "progress_of",
    "school_impact_of",
    "school_with_impact",
]


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


async def school_impact_of(uow: ReportingUnitOfWork, urn: str) -> SchoolImpact:
    async with uow:
        found = await uow.read_models.schools(urn=urn)
        if not found:
            raise NoSuchSchool(urn)
        returns = (await uow.impact.of_schools([urn])).get(urn, [])
    school = found[0]
    return school_impact(school, [r for r in returns if r.cohort_id == school.cohort_id])


async def cohort_impact_of(uow: ReportingUnitOfWork, cohort_id: str) -> CohortImpact:
    async with uow:
        schools = await uow.read_models.schools(cohort_id=cohort_id)
        if not schools:
            raise NoSuchCohort(cohort_id)
        returns = await uow.impact.of_schools([school.urn for school in schools])
    return cohort_impact(cohort_id, [(school, returns.get(school.urn, [])) for school in schools])


@dataclass(frozen=True)
class CohortOverview:
    """One cohort as the dashboard shows it to one caller: only the schools in their reach."""

    cohort_id: str
    name: str
    schools: list[SchoolProgress]
    impact: dict[str, CohortRow]  # by URN


async def cohort_overviews(
    unit_of_work: Callable[[], ReportingUnitOfWork], reach: frozenset[str] | None, cohort_id: str | None = None
) -> list[CohortOverview]:
    """Every cohort with a school in `reach` (None: every school), or only `cohort_id`."""
    progress = await progress_of(unit_of_work(), cohort_id=cohort_id)
    if reach is not None:
        progress = [p for p in progress if p.school.urn in reach]
    names = await cohort_names(unit_of_work())
    overviews = []
    for cohort in sorted({p.school.cohort_id for p in progress}):
        impact = await cohort_impact_of(unit_of_work(), cohort)
        mine = [p for p in progress if p.school.cohort_id == cohort]
        urns = {p.school.urn for p in mine}
        rows = {row.school.urn: row for row in impact.rows if row.school.urn in urns}
        overviews.append(CohortOverview(cohort, names.get(cohort, cohort), mine, rows))
    return overviews


async def school_with_impact(
    unit_of_work: Callable[[], ReportingUnitOfWork], urn: str
) -> tuple[SchoolProgress, CohortRow | None]:
    """A school's progress and its row of its cohort's impact table."""
    found = await progress_of(unit_of_work(), urn=urn)
    if not found:
        raise NoSuchSchool(urn)
    impact = await cohort_impact_of(unit_of_work(), found[0].school.cohort_id)
    return found[0], next((row for row in impact.rows if row.school.urn == urn), None)
