"""Enrolment's subscriptions: a school whose journey has ended completes."""

from __future__ import annotations

from collections.abc import Callable

from contracts import Envelope
from contracts.events.journey import JourneyCompleted
from runtime.consumer import EventConsumer
from services.enrolment.service_layer import handlers
from services.enrolment.service_layer.unit_of_work import EnrolmentUnitOfWork

__all__ = ["subscribe"]


def subscribe(consumer: EventConsumer, unit_of_work: Callable[[], EnrolmentUnitOfWork]) -> None:
    async def on_journey_completed(event: JourneyCompleted, envelope: Envelope) -> None:
        await handlers.complete_at_journey_end(unit_of_work(), event, envelope)

    consumer.subscribe(JourneyCompleted, on_journey_completed)
