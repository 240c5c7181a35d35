"""Projections: each event updates the read model once, however often it is delivered."""

from __future__ import annotations

from contracts import Envelope, ModuleCompleted, SchoolEnrolled
from services.reporting.service_layer.unit_of_work import ReportingUnitOfWork

__all__ = ["project_module_completed", "project_school_enrolled"]

CONSUMER = "reporting"


async def project_school_enrolled(uow: ReportingUnitOfWork, event: SchoolEnrolled, envelope: Envelope) -> None:
    async with uow:
        if await uow.claim(CONSUMER, envelope):
            await uow.progress.add_school(event)
            await uow.commit()


async def project_module_completed(uow: ReportingUnitOfWork, event: ModuleCompleted, envelope: Envelope) -> None:
    async with uow:
        if await uow.claim(CONSUMER, envelope):
            await uow.progress.add_completion(event)
            await uow.commit()
