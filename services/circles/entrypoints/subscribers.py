"""Circles' subscriptions: it keeps its own copy of enrolled schools."""

from __future__ import annotations

from collections.abc import Callable

from contracts import Envelope, SchoolEnrolled
from runtime.consumer import EventConsumer
from services.circles.service_layer import handlers
from services.circles.service_layer.unit_of_work import CirclesUnitOfWork

__all__ = ["subscribe"]


def subscribe(consumer: EventConsumer, unit_of_work: Callable[[], CirclesUnitOfWork]) -> None:
    async def on_school_enrolled(event: SchoolEnrolled, envelope: Envelope) -> None:
        await handlers.note_school_enrolled(unit_of_work(), event, envelope)

    consumer.subscribe(SchoolEnrolled, on_school_enrolled)
