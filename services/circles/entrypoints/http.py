"""Circles' HTTP API (this slice: which schools may hold circles)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import APIRouter, Path
from pydantic import BaseModel

from contracts.identifiers import URN_PATTERN
from runtime.errors import NotFound
from services.circles.service_layer.unit_of_work import CirclesUnitOfWork

__all__ = ["build_router"]


class CircleSchoolView(BaseModel):
    urn: str
    cohort_id: str
    enrolled_on: date


class SchoolNotKnown(NotFound):
    def __init__(self, urn: str) -> None:
        super().__init__(f"school {urn} is not enrolled, so it cannot hold programme circles")


def build_router(unit_of_work: Callable[[], CirclesUnitOfWork]) -> APIRouter:
    router = APIRouter()

    @router.get("/schools/{urn}", tags=["schools"], summary="A school that may hold circles")
    async def read_school(urn: str = Path(pattern=URN_PATTERN)) -> CircleSchoolView:
        async with unit_of_work() as uow:
            school = await uow.schools.get(urn)
        if school is None:
            raise SchoolNotKnown(urn)
        return CircleSchoolView(urn=school.urn, cohort_id=school.cohort_id, enrolled_on=school.enrolled_on)

    return router
