"""Circles' handlers."""

from __future__ import annotations

from contracts import Envelope, SchoolEnrolled
from services.circles.domain.model import CircleSchool
from services.circles.service_layer.unit_of_work import CirclesUnitOfWork

__all__ = ["note_school_enrolled"]

CONSUMER = "circles"


async def note_school_enrolled(uow: CirclesUnitOfWork, event: SchoolEnrolled, envelope: Envelope) -> None:
    async with uow:
        if await uow.claim(CONSUMER, envelope):
            await uow.schools.save(CircleSchool(event.urn, event.cohort_id, event.enrolled_on))
            await uow.commit()
