"""Projections: what each event changes in the read models. Applied once per event however often it is
delivered (the inbox), live and when a rebuild replays the streams.

Every event reporting consumes also goes to the live feed, and listeners (dashboards, the public feed) are told
once the transaction commits.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from contracts.envelope import Envelope
from contracts.events import (
    BackOnTrack,
    CircleHeld,
    CohortCreated,
    Event,
    FlaggedAtRisk,
    ImmersionDayHeld,
    JourneyCompleted,
    JourneyWithdrawn,
    LeadershipDayHeld,
    MentoringSessionHeld,
    ModuleCompleted,
    ModuleCompletionWithdrawn,
    PhaseEntered,
    PractitionerTrained,
    SchoolCompleted,
    SchoolEnrolled,
    SchoolWithdrawn,
    StaffLeft,
    StaffRegistered,
)
from services.reporting.domain.facts import SessionKind
from services.reporting.service_layer.unit_of_work import ReadModels, ReportingUnitOfWork

__all__ = ["CONSUMER", "PROJECTED", "project", "project_live"]

CONSUMER = "reporting"

Projection = Callable[[ReadModels, Any, Envelope], Awaitable[None]]


async def _attended(models: ReadModels, event: LeadershipDayHeld | MentoringSessionHeld | ImmersionDayHeld) -> None:
    kind: SessionKind = "mentoring"
    day = None
    if isinstance(event, LeadershipDayHeld):
        kind, day = "leadership_day", event.day_number
    elif isinstance(event, ImmersionDayHeld):
        kind = "immersion_day"
    await models.session_attended(
        kind, event.session_id, event.urn, event.cohort_id, day, event.held_on, list(event.staff_ids)
    )


# Event types that change a read model; every other consumed event only reaches the live feed.
PROJECTED: dict[type[Event], Projection] = {
    SchoolEnrolled: lambda m, e, _: m.add_school(e),
    SchoolWithdrawn: lambda m, e, _: m.end_school(e.urn, e.cohort_id, "withdrawn", e.withdrawn_on),
    SchoolCompleted: lambda m, e, _: m.end_school(e.urn, e.cohort_id, "completed", e.completed_on),
    CohortCreated: lambda m, e, _: m.add_cohort(e),
    StaffRegistered: lambda m, e, _: m.register_staff(e),
    StaffLeft: lambda m, e, _: m.staff_left(e),
    ModuleCompleted: lambda m, e, _: m.module_completed(e),
    ModuleCompletionWithdrawn: lambda m, e, _: m.completion_withdrawn(e),
    CircleHeld: lambda m, e, _: m.circle_held(e),
    LeadershipDayHeld: lambda m, e, _: _attended(m, e),
    MentoringSessionHeld: lambda m, e, _: _attended(m, e),
    ImmersionDayHeld: lambda m, e, _: _attended(m, e),
    PractitionerTrained: lambda m, e, _: m.practitioner_trained(e),
    PhaseEntered: lambda m, e, _: m.phase_entered(e),
    FlaggedAtRisk: lambda m, e, envelope: m.flagged_at_risk(e, envelope),
    BackOnTrack: lambda m, e, envelope: m.back_on_track(e.urn, e.cohort_id, e.cleared_on, envelope),
    JourneyCompleted: lambda m, e, _: m.journey_ended(e),
    JourneyWithdrawn: lambda m, e, _: m.journey_ended(e),
}


async def project(models: ReadModels, event: Event, envelope: Envelope) -> None:
    """Apply one event to the read models (inside the caller's transaction, after its inbox claim)."""
    projection = PROJECTED.get(type(event))
    if projection is not None:
        await projection(models, event, envelope)


async def project_live(uow: ReportingUnitOfWork, event: Event, envelope: Envelope) -> None:
    async with uow:
        # Shared with other projections, exclusive while a rebuild swaps its tables in (taken before the inbox
        # claim, so a projection never holds an inbox row the swap is replacing).
        await uow.feed.hold_read_models()
        if await uow.claim(CONSUMER, envelope):
            await project(uow.read_models, event, envelope)
            await uow.feed.add(event, envelope)
            await uow.commit()
