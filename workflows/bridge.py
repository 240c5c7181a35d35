"""The event bridge: turns JetStream events into Temporal starts and signals. `python -m workflows.bridge`.

It keeps no state of its own: starting a workflow is idempotent (one id per cohort, one per school and cohort),
and workflows ignore a signal whose event id they have already seen. An event about a workflow that does not
exist yet (its start event is still on its way) is retried later.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from temporalio.client import Client, WorkflowHandle
from temporalio.common import (
    SearchAttributeKey,
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from contracts import Envelope, journey_id
from contracts.calendar import HalfTermCalendar
from contracts.events.circles import CircleHeld
from contracts.events.enrolment import (
    CohortCreated,
    LeadershipDayRescheduled,
    SchoolEnrolled,
    SchoolUrnChanged,
    SchoolWithdrawn,
    StaffLeft,
    StaffRegistered,
)
from contracts.events.learning import (
    ImmersionDayHeld,
    LeadershipDayHeld,
    MentoringSessionHeld,
    ModuleCompleted,
    ModuleCompletionWithdrawn,
    PractitionerTrained,
)
from contracts.events.reporting import ImpactReturnSubmitted
from contracts.programme import PROGRAMME_MONTHS, add_months
from contracts.search_attributes import COHORT_ID, JOURNEY_PHASE, LOCAL_AUTHORITY, URN
from runtime.broker import create_broker, ensure_streams
from runtime.calendar_file import load_half_terms
from runtime.consumer import EventConsumer
from runtime.errors import RetryLater
from runtime.handler_table import ContextDispatcher, HandlerTable, on
from runtime.log import configure_logging
from runtime.readiness import mark_ready
from runtime.settings import Settings
from runtime.telemetry import setup_telemetry
from runtime.temporal import connect_temporal
from workflows.cohort.messages import QUERY_CALENDAR, CohortCalendarState, CohortStart, SchoolJoined
from workflows.cohort.workflows import Cohort, cohort_workflow_id
from workflows.journey import messages as journey
from workflows.journey.plan import journey_plan
from workflows.journey.workflows import SchoolJourney

__all__ = ["EVENT_HANDLERS", "JourneyBridge", "run_bridge"]

_log = logging.getLogger(__name__)
# A redelivered start finds the running workflow; a finished one is never started again.
_ONCE = {
    "id_conflict_policy": WorkflowIDConflictPolicy.USE_EXISTING,
    "id_reuse_policy": WorkflowIDReusePolicy.REJECT_DUPLICATE,
}


def _static_summary(event: SchoolEnrolled) -> str:
    return (
        f"School {event.urn} ({event.phase or 'phase not given'}), cohort {event.cohort_id}, from {event.enrolled_on}"
    )


class JourneyBridge:
    """Handlers that carry each event to the cohort's or the school's workflow."""

    def __init__(self, client: Client, task_queue: str, calendar: HalfTermCalendar) -> None:
        self._client = client
        self._task_queue = task_queue
        self._calendar = calendar

    # --- cohorts ----------------------------------------------------------------------------------------------

    # Starts use USE_EXISTING and REJECT_DUPLICATE: a redelivered start finds the running workflow, and a finished
    # one is never started again.

    async def on_cohort_created(self, event: CohortCreated, envelope: Envelope) -> None:
        start = CohortStart(
            event_id=str(envelope.id),
            cohort_id=event.cohort_id,
            local_authority=event.local_authority,
            starts_on=event.starts_on,
            ends_on=event.ends_on,
            plan=journey_plan(event.plan),
        )
        try:
            await self._client.start_workflow(
                Cohort.run,
                start,
                id=cohort_workflow_id(event.cohort_id),
                task_queue=self._task_queue,
                static_summary=f"Cohort {event.cohort_id}: {event.name} ({event.local_authority})",
                search_attributes=TypedSearchAttributes(
                    [
                        SearchAttributePair(SearchAttributeKey.for_keyword(COHORT_ID), event.cohort_id),
                        SearchAttributePair(SearchAttributeKey.for_keyword(LOCAL_AUTHORITY), event.local_authority),
                    ]
                ),
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )
        except WorkflowAlreadyStartedError:
            _log.info("cohort workflow %s already ran", cohort_workflow_id(event.cohort_id))

    async def on_leadership_day_rescheduled(self, event: LeadershipDayRescheduled, envelope: Envelope) -> None:
        moved = journey.LeadershipDayMoved(str(envelope.id), event.day_number, event.held_on)
        await self._signal(
            self._client.get_workflow_handle(cohort_workflow_id(event.cohort_id)), "leadership_day_moved", moved
        )

    # --- schools ----------------------------------------------------------------------------------------------

    async def on_school_enrolled(self, event: SchoolEnrolled, envelope: Envelope) -> None:
        cohort = self._client.get_workflow_handle(cohort_workflow_id(event.cohort_id))
        try:
            calendar: CohortCalendarState = await cohort.query(QUERY_CALENDAR, result_type=CohortCalendarState)
        except RPCError as failure:
            if failure.status == RPCStatusCode.NOT_FOUND:
                raise RetryLater(f"cohort {event.cohort_id} has no workflow yet") from failure
            raise
        ends_on = add_months(event.enrolled_on, PROGRAMME_MONTHS)
        half_terms = [
            journey.HalfTermSpan(term.half_term_id, term.starts_on, term.ends_on)
            for term in self._calendar.overlapping(event.enrolled_on, ends_on)
        ]
        workflow_id = journey_id(event.cohort_id, event.urn)
        start = journey.JourneyStart(
            event_id=str(envelope.id),
            urn=event.urn,
            cohort_id=event.cohort_id,
            local_authority=event.local_authority or calendar.local_authority,
            enrolled_on=event.enrolled_on,
            plan=calendar.plan,
            half_terms=half_terms,
        )
        attributes = TypedSearchAttributes(
            [
                SearchAttributePair(SearchAttributeKey.for_keyword(URN), event.urn),
                SearchAttributePair(SearchAttributeKey.for_keyword(COHORT_ID), event.cohort_id),
                SearchAttributePair(SearchAttributeKey.for_keyword(JOURNEY_PHASE), "launch"),
            ]
        )
        try:
            await self._client.start_workflow(
                SchoolJourney.run,
                start,
                id=workflow_id,
                task_queue=self._task_queue,
                search_attributes=attributes,
                static_summary=_static_summary(event),
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )
        except WorkflowAlreadyStartedError:
            _log.info("journey %s already ran; enrolment %s ignored", workflow_id, envelope.id)
            return
        await self._signal(cohort, "school_joined", SchoolJoined(str(envelope.id), workflow_id))

    async def on_school_withdrawn(self, event: SchoolWithdrawn, envelope: Envelope) -> None:
        await self._to_journey(
            event.cohort_id, event.urn, "school_withdrawn", journey.Withdrawal(event.withdrawn_on, str(envelope.id))
        )

    async def on_urn_changed(self, event: SchoolUrnChanged, envelope: Envelope) -> None:
        change = journey.UrnChange(str(envelope.id), event.successor_urn)
        await self._to_journey(event.cohort_id, event.predecessor_urn, "urn_changed", change)

    async def on_staff_registered(self, event: StaffRegistered, envelope: Envelope) -> None:
        joined = journey.StaffJoined(str(envelope.id), str(event.staff_id), event.role, event.starts_on)
        await self._to_journey(event.cohort_id, event.urn, "staff_registered", joined)

    async def on_staff_left(self, event: StaffLeft, envelope: Envelope) -> None:
        left = journey.StaffLeft(str(envelope.id), str(event.staff_id), event.left_on)
        await self._to_journey(event.cohort_id, event.urn, "staff_left", left)

    # --- learning, circles, impact ----------------------------------------------------------------------------

    async def on_module_completed(self, event: ModuleCompleted, envelope: Envelope) -> None:
        completion = journey.ModuleCompletion(
            event_id=str(envelope.id),
            staff_id=str(event.staff_id),
            module_number=event.module_number,
            completed_at=event.completed_at.isoformat(),
            completion_id=str(event.completion_id),
        )
        await self._to_journey(event.cohort_id, event.urn, "module_completed", completion)

    async def on_completion_withdrawn(self, event: ModuleCompletionWithdrawn, envelope: Envelope) -> None:
        withdrawn = journey.CompletionWithdrawn(
            str(envelope.id), str(event.completion_id), str(event.staff_id), event.module_number
        )
        await self._to_journey(event.cohort_id, event.urn, "completion_withdrawn", withdrawn)

    async def on_circle_held(self, event: CircleHeld, envelope: Envelope) -> None:
        circle = journey.CircleHeld(str(envelope.id), str(event.circle_id), event.held_on, event.half_term)
        await self._to_journey(event.cohort_id, event.urn, "circle_held", circle)

    async def on_leadership_day_held(self, event: LeadershipDayHeld, envelope: Envelope) -> None:
        attended = journey.LeadershipDayAttended(
            str(envelope.id), event.day_number, event.held_on, [str(staff) for staff in event.staff_ids]
        )
        await self._to_journey(event.cohort_id, event.urn, "leadership_day_attended", attended)

    async def on_mentoring_held(self, event: MentoringSessionHeld, envelope: Envelope) -> None:
        session = journey.SessionHeld(str(envelope.id), str(event.session_id), event.held_on)
        await self._to_journey(event.cohort_id, event.urn, "mentoring_session_held", session)

    async def on_immersion_day_held(self, event: ImmersionDayHeld, envelope: Envelope) -> None:
        session = journey.SessionHeld(str(envelope.id), str(event.session_id), event.held_on)
        await self._to_journey(event.cohort_id, event.urn, "immersion_day_held", session)

    async def on_practitioner_trained(self, event: PractitionerTrained, envelope: Envelope) -> None:
        session = journey.SessionHeld(str(envelope.id), str(event.session_id), event.trained_on, [str(event.staff_id)])
        await self._to_journey(event.cohort_id, event.urn, "practitioner_trained", session)

    async def on_impact_return(self, event: ImpactReturnSubmitted, envelope: Envelope) -> None:
        submitted = journey.ImpactReturn(str(envelope.id), event.period, event.academic_year)
        await self._to_journey(event.cohort_id, event.urn, "impact_return_submitted", submitted)

    # --- delivery ---------------------------------------------------------------------------------------------

    async def _to_journey(self, cohort_id: str | None, urn: str, signal_name: str, payload: Any) -> None:
        if cohort_id is not None:
            handle: WorkflowHandle[Any, Any] = self._client.get_workflow_handle(journey_id(cohort_id, urn))
            try:
                await handle.signal(signal_name, payload)
                return
            except RPCError as failure:
                if failure.status != RPCStatusCode.NOT_FOUND:
                    raise
        # No journey under that id: the school may have a new URN (its journey keeps its first id, and its
        # search attribute follows the URN), or its enrolment has not started the journey yet.
        query = f'{URN} = "{urn}" AND ExecutionStatus = "Running" AND WorkflowType = "SchoolJourney"'
        if cohort_id is not None:
            query += f' AND {COHORT_ID} = "{cohort_id}"'
        found = [w.id async for w in self._client.list_workflows(query, limit=2)]
        if len(found) != 1:
            raise RetryLater(f"no running journey for school {urn} yet")
        await self._signal(self._client.get_workflow_handle(found[0]), signal_name, payload)

    async def _signal(self, handle: WorkflowHandle[Any, Any], signal_name: str, payload: Any) -> None:
        try:
            await handle.signal(signal_name, payload)
        except RPCError as failure:
            if failure.status == RPCStatusCode.NOT_FOUND:
                raise RetryLater(f"workflow {handle.id} not started yet") from failure
            raise


# Which journey or cohort signal each event becomes. Starts and signals are idempotent by themselves (one
# workflow id, event ids the workflows remember), so the bridge keeps no inbox.
EVENT_HANDLERS: HandlerTable[JourneyBridge] = HandlerTable(
    "bridge",
    on(CohortCreated, JourneyBridge.on_cohort_created),
    on(LeadershipDayRescheduled, JourneyBridge.on_leadership_day_rescheduled),
    on(SchoolEnrolled, JourneyBridge.on_school_enrolled),
    on(SchoolWithdrawn, JourneyBridge.on_school_withdrawn),
    on(SchoolUrnChanged, JourneyBridge.on_urn_changed),
    on(StaffRegistered, JourneyBridge.on_staff_registered),
    on(StaffLeft, JourneyBridge.on_staff_left),
    on(ModuleCompleted, JourneyBridge.on_module_completed),
    on(ModuleCompletionWithdrawn, JourneyBridge.on_completion_withdrawn),
    on(CircleHeld, JourneyBridge.on_circle_held),
    on(LeadershipDayHeld, JourneyBridge.on_leadership_day_held),
    on(MentoringSessionHeld, JourneyBridge.on_mentoring_held),
    on(ImmersionDayHeld, JourneyBridge.on_immersion_day_held),
    on(PractitionerTrained, JourneyBridge.on_practitioner_trained),
    on(ImpactReturnSubmitted, JourneyBridge.on_impact_return),
)


async def run_bridge(settings: Settings) -> None:
    tracer_provider = setup_telemetry("bridge", settings)
    broker = create_broker(settings.require_nats(), "bridge", tracer_provider)
    client = await connect_temporal(settings)
    bridge = JourneyBridge(client, settings.journey_task_queue, load_half_terms(settings.half_terms_file))
    EventConsumer(broker, "bridge", settings.max_deliver).subscribe(ContextDispatcher(EVENT_HANDLERS, bridge))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await broker.connect()
    await ensure_streams(broker)
    await broker.start()
    _log.info("bridge consuming the programme's events")
    mark_ready()
    try:
        await stop.wait()
    finally:
        await broker.stop()
    _log.info("bridge stopped")


def main() -> None:
    settings = Settings()
    configure_logging("bridge", settings.log_level)
    asyncio.run(run_bridge(settings))


if __name__ == "__main__":
    main()
