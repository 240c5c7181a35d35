"""Submitting impact returns: a correction replaces the current version and keeps the earlier one; refused
returns write and publish nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from contracts.events.reporting import ImpactReturnSubmitted
from services.reporting.domain.errors import ImpossibleReturn, NoSuchSchool
from services.reporting.domain.impact_returns import ImpactFigures
from services.reporting.domain.periods import Period
from services.reporting.domain.progress import ReportedSchool
from services.reporting.service_layer.commands import SubmitImpactReturn
from services.reporting.service_layer.handlers import submit_impact_return
from tests.unit.reporting_fakes import FakeReportingUnitOfWork

SCHOOL = ReportedSchool(urn="123456", cohort_id="oxon-2026", school_name="Cherwell", enrolled_on=date(2026, 9, 1))
FIGURES = ImpactFigures(400, 5, 4, 0, 50_000, 2_500, 48)
NOW = datetime(2026, 11, 22, 10, tzinfo=UTC)


def autumn(figures: ImpactFigures = FIGURES) -> SubmitImpactReturn:
    return SubmitImpactReturn("123456", "autumn", "2026/27", figures, NOW)


async def test_first_return_is_version_one_and_is_published() -> None:
    uow = FakeReportingUnitOfWork([SCHOOL])

    submitted, new = await submit_impact_return(uow, autumn())

    assert new
    assert submitted.version == 1
    assert submitted.period == Period(2026, "autumn")
    assert uow.impact.rows == [submitted]
    [event] = uow.published
    assert isinstance(event, ImpactReturnSubmitted)
    assert (event.urn, event.academic_year, event.period, event.version, event.suspensions) == (
        "123456",
        "2026/27",
        "autumn",
        1,
        5,
    )


async def test_correction_replaces_the_current_version_and_keeps_the_earlier_one() -> None:
    uow = FakeReportingUnitOfWork([SCHOOL])
    first, _ = await submit_impact_return(uow, autumn())

    corrected, new = await submit_impact_return(uow, autumn(replace(FIGURES, suspensions=6)))

    assert new
    assert corrected.version == 2
    assert corrected.replaces == first.return_id
    assert [r.version for r in uow.impact.rows] == [1, 2]
    assert [e.version for e in uow.published if isinstance(e, ImpactReturnSubmitted)] == [1, 2]


async def test_the_same_figures_again_change_nothing() -> None:
    uow = FakeReportingUnitOfWork([SCHOOL])
    first, _ = await submit_impact_return(uow, autumn())

    again, new = await submit_impact_return(uow, autumn())

    assert not new
    assert again == first
    assert len(uow.impact.rows) == len(uow.published) == 1


async def test_baseline_year_may_be_left_out() -> None:
    uow = FakeReportingUnitOfWork([SCHOOL])

    submitted, _ = await submit_impact_return(uow, SubmitImpactReturn("123456", "baseline", None, FIGURES, NOW))

    assert submitted.period == Period(2025, "baseline")


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (SubmitImpactReturn("123456", "autumn", None, FIGURES, NOW), "academic_year"),
        (SubmitImpactReturn("123456", "spring", "2026/27", FIGURES, NOW), "period"),  # begins in January
        (SubmitImpactReturn("123456", "autumn", "2028/29", FIGURES, NOW), "period"),
        (autumn(replace(FIGURES, sessions_missed=60_000)), "sessions_missed"),
    ],
)
async def test_refused_return_writes_and_publishes_nothing(command: SubmitImpactReturn, field: str) -> None:
    uow = FakeReportingUnitOfWork([SCHOOL])

    with pytest.raises(ImpossibleReturn) as refused:
        await submit_impact_return(uow, command)

    assert refused.value.field == field
    assert uow.impact.rows == []
    assert uow.published == []


async def test_unknown_school_is_not_found() -> None:
    with pytest.raises(NoSuchSchool):
        await submit_impact_return(FakeReportingUnitOfWork([]), replace(autumn(), urn="654321"))
