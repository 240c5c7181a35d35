"""Learning's subscriptions: its own copy of enrolled schools and of their registered staff."""

from __future__ import annotations

from collections.abc import Callable

from contracts import Envelope, SchoolEnrolled, SchoolWithdrawn, StaffLeft, StaffRegistered
from contracts.events.enrolment import SchoolCompleted
from runtime.consumer import EventConsumer
from services.learning.service_layer import handlers
from services.learning.service_layer.unit_of_work import LearningUnitOfWork

__all__ = ["subscribe"]


def subscribe(consumer: EventConsumer, unit_of_work: Callable[[], LearningUnitOfWork]) -> None:
    async def on_school_enrolled(event: SchoolEnrolled, envelope: Envelope) -> None:
        await handlers.note_school_enrolled(unit_of_work(), event, envelope)

    async def on_school_withdrawn(event: SchoolWithdrawn, envelope: Envelope) -> None:
        await handlers.note_school_ended(unit_of_work(), event, envelope)

    async def on_school_completed(event: SchoolCompleted, envelope: Envelope) -> None:
        await handlers.note_school_ended(unit_of_work(), event, envelope)

    async def on_staff_registered(event: StaffRegistered, envelope: Envelope) -> None:
        await handlers.note_staff_registered(unit_of_work(), event, envelope)

    async def on_staff_left(event: StaffLeft, envelope: Envelope) -> None:
        await handlers.note_staff_left(unit_of_work(), event, envelope)

    consumer.subscribe(SchoolEnrolled, on_school_enrolled)
    consumer.subscribe(SchoolWithdrawn, on_school_withdrawn)
    consumer.subscribe(SchoolCompleted, on_school_completed)
    consumer.subscribe(StaffRegistered, on_staff_registered)
    consumer.subscribe(StaffLeft, on_staff_left)
