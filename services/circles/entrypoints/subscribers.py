"""Circles' subscriptions: its own copies of enrolled schools, their cohorts' dates and their registered staff."""

from __future__ import annotations

from collections.abc import Callable

from contracts import Envelope, SchoolEnrolled, SchoolWithdrawn, StaffLeft, StaffRegistered
from contracts.events import CohortCreated, SchoolCompleted, SchoolUrnChanged
from runtime.consumer import EventConsumer
from services.circles.service_layer import handlers
from services.circles.service_layer.unit_of_work import CirclesUnitOfWork

__all__ = ["subscribe"]


def subscribe(consumer: EventConsumer, unit_of_work: Callable[[], CirclesUnitOfWork]) -> None:
    async def on_school_enrolled(event: SchoolEnrolled, envelope: Envelope) -> None:
        await handlers.note_school_enrolled(unit_of_work(), event, envelope)

    async def on_school_withdrawn(event: SchoolWithdrawn, envelope: Envelope) -> None:
        await handlers.note_school_ended(unit_of_work(), event, envelope)

    async def on_school_completed(event: SchoolCompleted, envelope: Envelope) -> None:
        await handlers.note_school_ended(unit_of_work(), event, envelope)

    async def on_school_urn_changed(event: SchoolUrnChanged, envelope: Envelope) -> None:
        await handlers.note_school_urn_changed(unit_of_work(), event, envelope)

    async def on_cohort_created(event: CohortCreated, envelope: Envelope) -> None:
        await handlers.note_cohort_created(unit_of_work(), event, envelope)

    async def on_staff_registered(event: StaffRegistered, envelope: Envelope) -> None:
        await handlers.note_staff_registered(unit_of_work(), event, envelope)

    async def on_staff_left(event: StaffLeft, envelope: Envelope) -> None:
        await handlers.note_staff_left(unit_of_work(), event, envelope)

    consumer.subscribe(SchoolEnrolled, on_school_enrolled)
    consumer.subscribe(SchoolWithdrawn, on_school_withdrawn)
    consumer.subscribe(SchoolCompleted, on_school_completed)
    consumer.subscribe(SchoolUrnChanged, on_school_urn_changed)
    consumer.subscribe(CohortCreated, on_cohort_created)
    consumer.subscribe(StaffRegistered, on_staff_registered)
    consumer.subscribe(StaffLeft, on_staff_left)
