"""Reporting's subscriptions: every event the other parts of the platform publish, each through its own durable
consumer, projected into the read models and the live feed."""

from __future__ import annotations

from collections.abc import Callable

from contracts.envelope import Envelope
from contracts.events import Event
from contracts.subscriptions import CONSUMES
from runtime.consumer import EventConsumer
from services.reporting.service_layer.projections import CONSUMER, project_live
from services.reporting.service_layer.unit_of_work import ReportingUnitOfWork

__all__ = ["subscribe"]


def subscribe(consumer: EventConsumer, unit_of_work: Callable[[], ReportingUnitOfWork]) -> None:
    async def on_event(event: Event, envelope: Envelope) -> None:
        await project_live(unit_of_work(), event, envelope)

    for event_type in CONSUMES[CONSUMER]:
        consumer.subscribe(event_type, on_event)
