"""Reporting's impact API: schools submit returns; schools, the programme team and commissioners read the
rates, the change against baseline and the cohort tables, suppressed, as JSON or CSV."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import fields
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Path, Response, status

from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN
from runtime.auth import Authenticator, Principal
from services.reporting.domain.impact_reports import CohortImpact, SchoolImpact
from services.reporting.domain.rates import COMPARED_RATES
from services.reporting.domain.suppression import PublishedChange, PublishedFigures
from services.reporting.entrypoints.authorisation import POLICY
from services.reporting.entrypoints.csv_export import Cell, csv_response
from services.reporting.entrypoints.views.impact import (
    CohortImpactView,
    NewImpactReturn,
    SchoolImpactView,
    SubmittedReturnView,
)
from services.reporting.service_layer import handlers
from services.reporting.service_layer.commands import SubmitImpactReturn
from services.reporting.service_layer.queries import cohort_impact_of, school_impact_of
from services.reporting.service_layer.unit_of_work import ReportingUnitOfWork

__all__ = ["build_impact_router"]

_PUBLISHED = tuple(f.name for f in fields(PublishedFigures))


def _published_cells(figures: PublishedFigures | None) -> list[Cell]:
    return [None] * len(_PUBLISHED) if figures is None else [getattr(figures, name) for name in _PUBLISHED]


def _change_cells(change: PublishedChange | None) -> list[Cell]:
    return [None] * len(COMPARED_RATES) if change is None else [getattr(change, name) for name in COMPARED_RATES]


def _school_csv_rows(impact: SchoolImpact) -> Iterator[Sequence[Cell]]:
    for shown in impact.published:
        yield [shown.period.label, *_published_cells(shown.figures), *_change_cells(None)]
    if impact.change is not None and impact.latest is not None:
        label = f"change: {impact.latest.label} against baseline"
        yield [label, *_published_cells(None), *_change_cells(impact.change)]


def _cohort_csv_rows(impact: CohortImpact) -> Iterator[Sequence[Cell]]:
    for row in impact.rows:
        yield [
            row.school.urn,
            row.school.school_name,
            row.compared,
            *_published_cells(row.baseline),
            row.latest_period.label if row.latest_period else None,
            *_published_cells(row.latest),
            *_change_cells(row.change),
        ]
    if impact.schools_compared:
        yield [
            None,
            f"Total of the {impact.schools_compared} compared schools",
            None,
            *_published_cells(impact.baseline_total),
            None,
            *_published_cells(impact.latest_total),
            *_change_cells(impact.change),
        ]


_URN_PATH = Path(pattern=URN_PATTERN, description="The school's six-digit URN")
_COHORT_PATH = Path(pattern=COHORT_ID_PATTERN, description="The cohort's id, e.g. `oxon-2026`")


def build_impact_router(unit_of_work: Callable[[], ReportingUnitOfWork], authenticate: Authenticator) -> APIRouter:
    router = APIRouter()
    router.include_router(_school_impact_router(unit_of_work, authenticate))
    router.include_router(_cohort_impact_router(unit_of_work, authenticate))
    return router


def _school_impact_router(unit_of_work: Callable[[], ReportingUnitOfWork], authenticate: Authenticator) -> APIRouter:
    router = APIRouter(tags=["impact"])
    caller_of = Depends(authenticate)

    @router.post(
        "/schools/{urn}/impact/returns",
        status_code=status.HTTP_201_CREATED,
        summary="Submit or correct an impact return (201 new version; 200 when the figures are unchanged)",
    )
    async def submit_impact_return(
        body: NewImpactReturn, response: Response, caller: Principal = caller_of, urn: str = _URN_PATH
    ) -> SubmittedReturnView:
        POLICY.check(caller, "submit_impact_return", urn)
        command = SubmitImpactReturn(
            urn=urn,
            period=body.period,
            academic_year=body.academic_year,
            figures=body.figures(),
            submitted_at=datetime.now(UTC),
        )
        submitted, new = await handlers.submit_impact_return(unit_of_work(), command)
        if not new:
            response.status_code = status.HTTP_200_OK
        return SubmittedReturnView.of_return(submitted)

    @router.get("/schools/{urn}/impact", summary="A school's returns, rates and change")
    async def school_impact(caller: Principal = caller_of, urn: str = _URN_PATH) -> SchoolImpactView:
        POLICY.check(caller, "read_school_impact", urn)
        return SchoolImpactView.of(await school_impact_of(unit_of_work(), urn))

    @router.get(
        "/schools/{urn}/impact.csv",
        response_class=Response,
        summary="A school's published figures, rates and change as CSV",
    )
    async def school_impact_csv(caller: Principal = caller_of, urn: str = _URN_PATH) -> Response:
        POLICY.check(caller, "read_school_impact", urn)
        impact = await school_impact_of(unit_of_work(), urn)
        header = ["period", *_PUBLISHED, *(f"change_{name}" for name in COMPARED_RATES)]
        return csv_response(f"school-{urn}-impact.csv", header, _school_csv_rows(impact))

    return router


def _cohort_impact_router(unit_of_work: Callable[[], ReportingUnitOfWork], authenticate: Authenticator) -> APIRouter:
    router = APIRouter(tags=["impact"])
    caller_of = Depends(authenticate)

    @router.get("/cohorts/{cohort_id}/impact", summary="A cohort's impact table, suppressed")
    async def cohort_impact(caller: Principal = caller_of, cohort_id: str = _COHORT_PATH) -> CohortImpactView:
        POLICY.check(caller, "read_cohort_impact")
        return CohortImpactView.of(await cohort_impact_of(unit_of_work(), cohort_id))

    @router.get(
        "/cohorts/{cohort_id}/impact.csv",
        response_class=Response,
        summary="A cohort's impact table as CSV, suppressed",
    )
    async def cohort_impact_csv(caller: Principal = caller_of, cohort_id: str = _COHORT_PATH) -> Response:
        POLICY.check(caller, "read_cohort_impact")
        impact = await cohort_impact_of(unit_of_work(), cohort_id)
        header = [
            "urn",
            "school_name",
            "compared",
            *(f"baseline_{name}" for name in _PUBLISHED),
            "latest_term",
            *(f"latest_{name}" for name in _PUBLISHED),
            *(f"change_{name}" for name in COMPARED_RATES),
        ]
        return csv_response(f"cohort-{cohort_id}-impact.csv", header, _cohort_csv_rows(impact))

    return router
