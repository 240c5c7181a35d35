"""Reporting's read side for impact: one school's evidence, one cohort's table."""

from __future__ import annotations

from services.reporting.domain.errors import NoSuchCohort, NoSuchSchool
from services.reporting.domain.impact_reports import CohortImpact, SchoolImpact, cohort_impact, school_impact
from services.reporting.service_layer.unit_of_work import ReportingUnitOfWork

__all__ = ["cohort_impact_of", "school_impact_of"]


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
