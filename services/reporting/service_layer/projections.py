"""Projections: what each event changes in the read models. Applied once per event however often it is
delivered (the inbox), live and when a rebuild replays the streams.

Every event reporting consumes also goes to the live feed, and listeners (dashboards, the public feed) are told
once the transaction commits.
"""

from __future__ import annotations

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
    ModuleStarted,
    PhaseEntered,
    PractitionerTrained,
    SchoolCompleted,
    SchoolEnrolled,
    SchoolWithdrawn,
    StaffLeft,
    StaffRegistered,
)
from contracts.subscriptions import CONSUMES
from runtime.handler_table import EventRoutes, HandlerTable, on
from services.reporting.domain.facts import AttendedSession, SessionKind
from services.reporting.service_layer.unit_of_work import ReadModels, ReportingUnitOfWork

__all__ = ["EVENT_HANDLERS", "PROJECTED", "REPORTING", "project", "project_live"]

REPORTING = "reporting"


async def _school_enrolled(models: ReadModels, event: SchoolEnrolled, _: Envelope) -> None:
    await models.add_school(event)


async def _school_withdrawn(models: ReadModels, event: SchoolWithdrawn, _: Envelope) -> None:
    await models.end_school(event.urn, event.cohort_id, "withdrawn", event.withdrawn_on)


async def _school_completed(models: ReadModels, event: SchoolCompleted, _: Envelope) -> None:
    await models.end_school(event.urn, event.cohort_id, "completed", event.completed_on)


async def _cohort_created(models: ReadModels, event: CohortCreated, _: Envelope) -> None:
    await models.add_cohort(event)


async def _staff_registered(models: ReadModels, event: StaffRegistered, _: Envelope) -> None:
    await models.register_staff(event)


async def _staff_left(models: ReadModels, event: StaffLeft, _: Envelope) -> None:
    await models.staff_left(event)


async def _module_completed(models: ReadModels, event: ModuleCompleted, _: Envelope) -> None:
    await models.module_completed(event)


async def _completion_withdrawn(models: ReadModels, event: ModuleCompletionWithdrawn, _: Envelope) -> None:
    await models.completion_withdrawn(event)


async def _module_started(models: ReadModels, event: ModuleStarted, _: Envelope) -> None:
    await models.module_started(event)


async def _circle_held(models: ReadModels, event: CircleHeld, _: Envelope) -> None:
    await models.circle_held(event)


async def _attended(
    models: ReadModels, event: LeadershipDayHeld | MentoringSessionHeld | ImmersionDayHeld, _: Envelope
) -> None:
    kind: SessionKind = "mentoring"
    day, fidelity = None, None
    if isinstance(event, LeadershipDayHeld):
        kind, day, fidelity = "leadership_day", event.day_number, event.fidelity
    elif isinstance(event, ImmersionDayHeld):
        kind = "immersion_day"
    session = AttendedSession(kind, event.session_id, day, event.held_on, tuple(event.staff_ids), fidelity)
    await models.session_attended(event.urn, event.cohort_id, session)


async def _practitioner_trained(models: ReadModels, event: PractitionerTrained, _: Envelope) -> None:
    await models.practitioner_trained(event)


async def _phase_entered(models: ReadModels, event: PhaseEntered, _: Envelope) -> None:
    await models.phase_entered(event)


async def _flagged_at_risk(models: ReadModels, event: FlaggedAtRisk, envelope: Envelope) -> None:
    await models.flagged_at_risk(event, envelope)


async def _back_on_track(models: ReadModels, event: BackOnTrack, envelope: Envelope) -> None:
    await models.back_on_track(event.urn, event.cohort_id, event.cleared_on, envelope)


async def _journey_ended(models: ReadModels, event: JourneyCompleted | JourneyWithdrawn, _: Envelope) -> None:
    await models.journey_ended(event)


# Event types that change a read model; every other consumed event only reaches the live feed.
PROJECTED: EventRoutes[ReadModels] = EventRoutes(
    on(SchoolEnrolled, _school_enrolled),
    on(SchoolWithdrawn, _school_withdrawn),
    on(SchoolCompleted, _school_completed),
    on(CohortCreated, _cohort_created),
    on(StaffRegistered, _staff_registered),
    on(StaffLeft, _staff_left),
    on(ModuleCompleted, _module_completed),
    on(ModuleCompletionWithdrawn, _completion_withdrawn),
    on(CircleHeld, _circle_held),
    on(ModuleStarted, _module_started),
    on(LeadershipDayHeld, _attended),
    on(MentoringSessionHeld, _attended),
    on(ImmersionDayHeld, _attended),
    on(PractitionerTrained, _practitioner_trained),
    on(PhaseEntered, _phase_entered),
    on(FlaggedAtRisk, _flagged_at_risk),
    on(BackOnTrack, _back_on_track),
    on(JourneyCompleted, _journey_ended),
    on(JourneyWithdrawn, _journey_ended),
)


async def project(models: ReadModels, event: Event, envelope: Envelope) -> None:
    """Apply one event to the read models (inside the caller's transaction, after its inbox claim)."""
    await PROJECTED.handle(models, event, envelope)


async def project_live(uow: ReportingUnitOfWork, event: Event, envelope: Envelope) -> None:
    """Project the event and append it to the live feed, in the unit of work the inbox opened for it."""
    await project(uow.read_models, event, envelope)
    await uow.feed.add(event, envelope)


# Reporting follows every event it consumes the same way: into the read models it changes, and the live feed.
EVENT_HANDLERS: HandlerTable[ReportingUnitOfWork] = HandlerTable(
    REPORTING, *(on(event_type, project_live) for event_type in CONSUMES[REPORTING])
)
