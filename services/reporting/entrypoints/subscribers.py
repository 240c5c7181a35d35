"""Reporting's subscriptions: it projects enrolment and learning events into its read models."""

from __future__ import annotations

from collections.abc import Callable

from contracts import Envelope, ModuleCompleted, SchoolEnrolled
from runtime.consumer import EventConsumer
from services.reporting.service_layer import projections
from services.reporting.service_layer.unit_of_work import ReportingUnitOfWork

__all__ = ["subscribe"]


def subscribe(consumer: EventConsumer, unit_of_work: Callable[[], ReportingUnitOfWork]) -> None:
    async def on_school_enrolled(event: SchoolEnrolled, envelope: Envelope) -> None:
        await projections.project_school_enrolled(unit_of_work(), event, envelope)

    async def on_module_completed(event: ModuleCompleted, envelope: Envelope) -> None:
        await projections.project_module_completed(unit_of_work(), event, envelope)

    consumer.subscribe(SchoolEnrolled, on_school_enrolled)
    consumer.subscribe(ModuleCompleted, on_module_completed)
