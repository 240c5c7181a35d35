"""Reporting's write handlers: plain functions over a unit of work."""

from __future__ import annotations

from uuid import uuid4

from runtime.lookups import found
from services.reporting.domain.errors import ImpossibleReturn, NoSuchSchool
from services.reporting.domain.impact_returns import ImpactReturn, check_figures
from services.reporting.domain.periods import Period, baseline_of, check_period, parse_academic_year
from services.reporting.domain.progress import ReportedSchool
from services.reporting.service_layer.commands import SubmitImpactReturn
from services.reporting.service_layer.unit_of_work import ReportingUnitOfWork

__all__ = ["submit_impact_return"]


def _period_of(command: SubmitImpactReturn, school: ReportedSchool) -> Period:
    if command.academic_year is not None:
        return Period(parse_academic_year(command.academic_year), command.period)
    if command.period == "baseline":
        return baseline_of(school.enrolled_on)
    raise ImpossibleReturn("academic_year", f"is required for a {command.period} term's return, e.g. 2026/27")


async def submit_impact_return(uow: ReportingUnitOfWork, command: SubmitImpactReturn) -> tuple[ImpactReturn, bool]:
    """Record a return, or a correction that replaces the period's current one (earlier versions are kept).

    Returns it and whether it is new: the same figures as the current version change nothing and publish nothing.
    """
    check_figures(command.figures)
    async with uow:
        # Locks the school: two corrections of one period at once get consecutive versions.
        school = found(await uow.impact.school_for_update(command.urn), NoSuchSchool(command.urn))
        period = _period_of(command, school)
        check_period(period, school.enrolled_on, command.submitted_at.date())
        versions = await uow.impact.versions_of(school.urn, school.cohort_id, period)
        current = max(versions, key=lambda found: found.version, default=None)
        if current is not None and current.figures == command.figures:
            return current, False
        submitted = ImpactReturn(
            return_id=uuid4(),
            urn=school.urn,
            cohort_id=school.cohort_id,
            period=period,
            version=current.version + 1 if current else 1,
            replaces=current.return_id if current else None,
            figures=command.figures,
            submitted_at=command.submitted_at,
        )
        await uow.impact.add(submitted)
        await uow.record(submitted.submitted_event())
        await uow.commit()
    return submitted, True
