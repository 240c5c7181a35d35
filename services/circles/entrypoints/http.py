"""Circles' HTTP API (this slice: which schools may hold circles)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel

from contracts.identifiers import URN_PATTERN
from runtime.auth import Authenticator, Principal
from services.circles.domain.errors import SchoolNotKnown
from services.circles.entrypoints.authorisation import POLICY
from services.circles.service_layer.unit_of_work import CirclesUnitOfWork

__all__ = ["build_router"]


class CircleSchoolView(BaseModel):
    urn: str
    cohort_id: str
    enrolled_on: date


def build_router(unit_of_work: Callable[[], CirclesUnitOfWork], authenticate: Authenticator) -> APIRouter:
    router = APIRouter()
    caller_of = Depends(authenticate)

    @router.get("/schools/{urn}", tags=["schools"], summary="A school that may hold circles")
    async def read_school(caller: Principal = caller_of, urn: str = Path(pattern=URN_PATTERN)) -> CircleSchoolView:
        POLICY.check(caller, "read_school", urn)
        async with unit_of_work() as uow:
            school = await uow.schools.get(urn)
        if school is None:
            raise SchoolNotKnown(urn)
        return CircleSchoolView(urn=school.urn, cohort_id=school.cohort_id, enrolled_on=school.enrolled_on)

    return router
