"""The event bridge: turns JetStream events into Temporal starts and signals. `python -m workflows.bridge`.

It keeps no state of its own: starting a workflow is idempotent (one id per cohort, one per school and cohort),
and workflows ignore a signal whose event id they have already seen. An event about a workflow that does not
exist yet (its start event is still on its way) is retried later.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import signal
import time
from collections.abc import Callable, Coroutine
from dataclasses import fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import TypeAdapter
from temporalio.client import Client, WorkflowExecutionDescription, WorkflowExecutionStatus, WorkflowHandle
from temporalio.common import (
    SearchAttributeKey,
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.types import MethodSyncOrAsyncSingleParam

from contracts import Envelope, Event, journey_id
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
from contracts.events.journey import JOURNEY_PHASES
from contracts.events.learning import (
    ImmersionDayHeld,
    LeadershipDayHeld,
    MentoringSessionHeld,
    ModuleCompleted,
    ModuleCompletionWithdrawn,
    PractitionerTrained,
)
from contracts.events.notifications import MessageUndeliverable
from contracts.events.reporting import ImpactReturnSubmitted
from contracts.programme import programme_end
from contracts.search_attributes import (
    AT_RISK,
    COHORT_ID,
    JOURNEY_PHASE,
    LOCAL_AUTHORITY,
    MONTHS_ELAPSED,
    STAFF_COMPLETED_ALL_PERCENT,
    URN,
)
from runtime.broker import create_broker, wait_for_streams
from runtime.calendar_file import load_half_terms
from runtime.consumer import EventConsumer
from runtime.errors import RetryLater
from runtime.handler_table import ContextDispatcher, HandlerTable, on
from runtime.log import configure_logging
from runtime.readiness import mark_ready
from runtime.settings import Settings
from runtime.telemetry import setup_telemetry
from runtime.temporal import connect_temporal
from workflows.cohort.messages import CohortCalendarState, CohortStart, SchoolJoined, SchoolsJoined
from workflows.cohort.workflows import Cohort, cohort_workflow_id
from workflows.journey import messages as journey
from workflows.journey.plan import journey_plan
from workflows.journey.terminated import TerminatedJourney, terminated_journey_id
from workflows.journey.workflows import SchoolJourney

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = ["EVENT_HANDLERS", "JourneyBridge", "run_bridge"]

_log = logging.getLogger(__name__)

W = TypeVar("W")
M = TypeVar("M")
T = TypeVar("T")
D = TypeVar("D", bound="DataclassInstance")
# A workflow's signal, named by reference (`SchoolJourney.module_completed`): renaming it fails `mypy`.
Signal = MethodSyncOrAsyncSingleParam[W, M, None]

# What one signal carries at most: its payload stays a few tens of kilobytes.
_MAX_JOINS_A_SIGNAL = 500
_MAX_COMPLETIONS_A_SIGNAL = 200

_ADAPTERS: dict[type[Any], tuple[TypeAdapter[Any], frozenset[str]]] = {}


def _heard(message: type[D], event: Event, envelope: Envelope, **differing: Any) -> D:
    """The workflow-side `message` for `event`, carrying the event's id.

    Signals are standard-library dataclasses (the workflow sandbox) whose fields are named as the event's, so they
    are filled from the event by name; `differing` gives only the fields a message names or shapes differently.
    """
    if message not in _ADAPTERS:
        _ADAPTERS[message] = (TypeAdapter(message), frozenset(item.name for item in fields(message)))
    adapter, names = _ADAPTERS[message]
    data = event.model_dump(mode="json") | differing | {"event_id": str(envelope.id)}
    heard: D = adapter.validate_python({name: value for name, value in data.items() if name in names})
    return heard


def _ignored(workflow_id: str, status: WorkflowExecutionStatus, message: object) -> None:
    """An event for a journey that has ended (completed, withdrawn, or cancelled or terminated in the Temporal UI)
    changes nothing it could still decide: it is acknowledged, with the reason in the log, never dead-lettered."""
    event_id = getattr(message, "event_id", "")
    _log.info(
        "journey %s has ended (%s): %s of event %s acknowledged and ignored",
        workflow_id,
        status.name.lower(),
        type(message).__name__,
        event_id,
    )


def _static_summary(event: SchoolEnrolled) -> str:
    return (
        f"School {event.urn} ({event.phase or 'phase not given'}), cohort {event.cohort_id}, from {event.enrolled_on}"
    )


class _CohortCalendars:
    """Each cohort's calendar as its workflow last answered, kept a short while: a cohort of 3,000 schools costs
    one query, not one per school, and the enrolments that miss it together share that one query. A moved
    leadership day forgets it at once; the Cohort workflow tells its journeys of moves itself, so a start with a
    calendar a moment old is corrected like any running journey."""

    def __init__(self, client: Client, keep_seconds: float = 60.0) -> None:
        self._client = client
        self._keep_seconds = keep_seconds
        self._known: dict[str, tuple[float, CohortCalendarState]] = {}
        self._asking: dict[str, asyncio.Task[CohortCalendarState]] = {}

    async def of(self, cohort_id: str) -> CohortCalendarState:
        known = self._known.get(cohort_id)
        if known is not None and time.monotonic() - known[0] < self._keep_seconds:
            return known[1]
        asking = self._asking.get(cohort_id)
        if asking is None:
            asking = self._asking[cohort_id] = asyncio.create_task(self._ask(cohort_id))
        # Shielded: one caller giving up (its message cancelled) must not cancel the answer the others wait for.
        return await asyncio.shield(asking)

    async def _ask(self, cohort_id: str) -> CohortCalendarState:
        cohort: WorkflowHandle[Cohort, Any] = self._client.get_workflow_handle_for(
            Cohort.run, cohort_workflow_id(cohort_id)
        )
        try:
            calendar = await cohort.query(Cohort.calendar)
        except RPCError as failure:
            if failure.status == RPCStatusCode.NOT_FOUND:
                raise RetryLater(f"cohort {cohort_id} has no workflow yet") from failure
            raise
        finally:
            # Not ours any more if a moved day made `forget` drop it while asking: the answer may predate the move.
            ours = self._asking.get(cohort_id) is asyncio.current_task()
            if ours:
                del self._asking[cohort_id]
        if ours:
            self._known[cohort_id] = (time.monotonic(), calendar)
        return calendar

    def forget(self, cohort_id: str) -> None:
        self._known.pop(cohort_id, None)
        self._asking.pop(cohort_id, None)


class _NotRunning(Exception):
    """The workflow a gathered signal was for does not exist (not started yet, or under another id)."""


class _GroupSignals(Generic[T]):
    """Carries many events to one workflow in one signal (group commit).

    An item waits for at most one signal to its workflow already on its way; the next signal carries every item
    that gathered meanwhile (at most `most`), and goes no sooner than `gap` after the one before it: an item that
    finds its workflow's last signal longer ago goes at once. Each caller returns only once the signal carrying its
    own item was accepted (or fails as that signal failed), so an event is still acked only after its effect. A
    workflow takes signals one at a time, each a history event and a workflow task: a signal per event made a
    cohort the bulk enrolment's bottleneck, and busy schools' journeys the completions' one (on the local stack
    Temporal spends up to about 10 ms of CPU on each signal and its workflow task, whatever the signal carries).
    """

    def __init__(self, send: Callable[[str, list[T]], Coroutine[Any, Any, None]], most: int, gap: float = 0.0) -> None:
        self._send_batch = send
        self._most = most
        self._gap = gap  # least seconds from one signal's sending to the next one's, per workflow
        self._waiting: dict[str, list[tuple[T, asyncio.Future[None], contextvars.Context]]] = {}
        self._sending: dict[str, asyncio.Task[None]] = {}

    async def add(self, workflow_id: str, item: T) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(workflow_id, []).append((item, done, contextvars.copy_context()))
        if workflow_id not in self._sending:
            self._sending[workflow_id] = asyncio.create_task(self._send(workflow_id), context=contextvars.Context())
        await done

    async def _send(self, workflow_id: str) -> None:
        batch: list[tuple[T, asyncio.Future[None], contextvars.Context]] = []
        try:
            sent_at: float | None = None
            while True:
                if sent_at is not None and (pause := sent_at + self._gap - time.monotonic()) > 0:
                    # Still this workflow's sender until the gap is over, so what arrives meanwhile waits for it
                    # and goes in one signal, instead of a new sender signalling each item as it comes.
                    await asyncio.sleep(pause)
                if workflow_id not in self._waiting:
                    break
                waiting = self._waiting.pop(workflow_id)
                sent_at = time.monotonic()
                batch, rest = waiting[: self._most], waiting[self._most :]
                if rest:
                    self._waiting[workflow_id] = rest
                # Sent in the first event's context: the signal continues that event's trace (one trace each).
                sending = self._send_batch(workflow_id, [item for item, *_ in batch])
                try:
                    await asyncio.create_task(sending, context=batch[0][2])
                except (RetryLater, _NotRunning) as failure:
                    _settle(batch, failure)
                else:
                    _settle(batch, None)
        except BaseException as failure:
            # Each waiter's consumer decides what the failure means (an outage is retried, a bug dead-lettered);
            # the items still waiting fail with it too rather than wait for a signal no one will send.
            _settle(batch + self._waiting.pop(workflow_id, []), failure)
            if not isinstance(failure, Exception):
                raise
        finally:
            self._sending.pop(workflow_id, None)


def _settle(batch: list[tuple[Any, asyncio.Future[None], contextvars.Context]], failure: BaseException | None) -> None:
    for _, done, _ in batch:
        if done.done():
            continue
        if failure is None:
            done.set_result(None)
        elif isinstance(failure, asyncio.CancelledError):
            done.cancel()  # the bridge is stopping: its messages go back unacked
        else:
            done.set_exception(failure)


class JourneyBridge:
    """Handlers that carry each event to the cohort's or the school's workflow."""

    def __init__(
        self,
        client: Client,
        task_queue: str,
        calendar: HalfTermCalendar,
        completions_gap_seconds: float = 0.0,
        catch_up_quiet_seconds: int = journey.JourneyStart.catch_up_quiet_seconds,
    ) -> None:
        self._client = client
        self._catch_up_quiet_seconds = catch_up_quiet_seconds
        self._task_queue = task_queue
        self._calendar = calendar
        self._cohorts = _CohortCalendars(client)
        self._joins = _GroupSignals[SchoolJoined](self._send_joins, _MAX_JOINS_A_SIGNAL)
        self._completions = _GroupSignals[journey.ModuleCompletion](
            self._send_completions, _MAX_COMPLETIONS_A_SIGNAL, completions_gap_seconds
        )

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
        moved = _heard(journey.LeadershipDayMoved, event, envelope)
        self._cohorts.forget(event.cohort_id)
        await self._signal(self._cohort(event.cohort_id), Cohort.leadership_day_moved, moved)

    # --- schools ----------------------------------------------------------------------------------------------

    async def on_school_enrolled(self, event: SchoolEnrolled, envelope: Envelope) -> None:
        calendar = await self._cohorts.of(event.cohort_id)
        ends_on = programme_end(event.enrolled_on)
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
            # Enrolled on a day already past (a back-dated enrolment): the journey lives its history in date order.
            catch_up=event.enrolled_on < datetime.now(UTC).date(),
            catch_up_quiet_seconds=self._catch_up_quiet_seconds,
            # This code knows every patch the journey's code has in STARTED_PATCHED: no patch markers at its start.
            started_patched=True,
        )
        # Every attribute the journey shows, with the values a new journey has: the journey upserts only what
        # differs from these, so its first wake writes nothing to the history or the visibility store.
        attributes = TypedSearchAttributes(
            [
                SearchAttributePair(SearchAttributeKey.for_keyword(URN), event.urn),
                SearchAttributePair(SearchAttributeKey.for_keyword(COHORT_ID), event.cohort_id),
                SearchAttributePair(SearchAttributeKey.for_keyword(LOCAL_AUTHORITY), start.local_authority),
                SearchAttributePair(SearchAttributeKey.for_keyword(JOURNEY_PHASE), "launch"),
                SearchAttributePair(SearchAttributeKey.for_bool(AT_RISK), False),
                SearchAttributePair(SearchAttributeKey.for_float(STAFF_COMPLETED_ALL_PERCENT), 0.0),
                SearchAttributePair(SearchAttributeKey.for_int(MONTHS_ELAPSED), 0),
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
        await self._joins.add(event.cohort_id, SchoolJoined(str(envelope.id), workflow_id))

    async def _send_joins(self, cohort_id: str, joins: list[SchoolJoined]) -> None:
        await self._signal(self._cohort(cohort_id), Cohort.schools_joined, SchoolsJoined(joins))

    async def on_school_withdrawn(self, event: SchoolWithdrawn, envelope: Envelope) -> None:
        withdrawal = _heard(journey.Withdrawal, event, envelope)
        await self._to_journey(event.cohort_id, event.urn, SchoolJourney.school_withdrawn, withdrawal)

    async def on_urn_changed(self, event: SchoolUrnChanged, envelope: Envelope) -> None:
        change = _heard(journey.UrnChange, event, envelope)
        await self._to_journey(event.cohort_id, event.predecessor_urn, SchoolJourney.urn_changed, change)

    async def on_staff_registered(self, event: StaffRegistered, envelope: Envelope) -> None:
        joined = _heard(journey.StaffJoined, event, envelope)
        await self._to_journey(event.cohort_id, event.urn, SchoolJourney.staff_registered, joined)

    async def on_staff_left(self, event: StaffLeft, envelope: Envelope) -> None:
        left = _heard(journey.StaffLeft, event, envelope)
        await self._to_journey(event.cohort_id, event.urn, SchoolJourney.staff_left, left)

    # --- learning, circles, impact ----------------------------------------------------------------------------

    async def on_module_completed(self, event: ModuleCompleted, envelope: Envelope) -> None:
        completion = _heard(journey.ModuleCompletion, event, envelope)
        if event.cohort_id is None:
            await self._to_journey(event.cohort_id, event.urn, SchoolJourney.module_completed, completion)
            return
        workflow_id = journey_id(event.cohort_id, event.urn)
        try:
            await self._completions.add(workflow_id, completion)
        except _NotRunning:
            # No journey under the usual id: found one by one, as every other event finds its journey.
            signal = SchoolJourney.module_completed
            await self._not_under_its_id(workflow_id, event.cohort_id, event.urn, signal, completion)

    async def _send_completions(self, workflow_id: str, completions: list[journey.ModuleCompletion]) -> None:
        try:
            await self._journey(workflow_id).signal(
                SchoolJourney.modules_completed, journey.ModuleCompletions(completions)
            )
        except RPCError as failure:
            if failure.status == RPCStatusCode.NOT_FOUND:
                raise _NotRunning(workflow_id) from failure
            raise

    async def on_completion_withdrawn(self, event: ModuleCompletionWithdrawn, envelope: Envelope) -> None:
        withdrawn = _heard(journey.CompletionWithdrawn, event, envelope)
        await self._to_journey(event.cohort_id, event.urn, SchoolJourney.completion_withdrawn, withdrawn)

    async def on_circle_held(self, event: CircleHeld, envelope: Envelope) -> None:
        circle = _heard(journey.CircleHeld, event, envelope)
        await self._to_journey(event.cohort_id, event.urn, SchoolJourney.circle_held, circle)

    async def on_leadership_day_held(self, event: LeadershipDayHeld, envelope: Envelope) -> None:
        attended = _heard(journey.LeadershipDayAttended, event, envelope)
        await self._to_journey(event.cohort_id, event.urn, SchoolJourney.leadership_day_attended, attended)

    async def on_mentoring_held(self, event: MentoringSessionHeld, envelope: Envelope) -> None:
        session = _heard(journey.SessionHeld, event, envelope)
        await self._to_journey(event.cohort_id, event.urn, SchoolJourney.mentoring_session_held, session)

    async def on_immersion_day_held(self, event: ImmersionDayHeld, envelope: Envelope) -> None:
        session = _heard(journey.SessionHeld, event, envelope)
        await self._to_journey(event.cohort_id, event.urn, SchoolJourney.immersion_day_held, session)

    async def on_practitioner_trained(self, event: PractitionerTrained, envelope: Envelope) -> None:
        # One trained person per event; the journey's SessionHeld names the day and attendees as the others do.
        session = _heard(
            journey.SessionHeld, event, envelope, held_on=event.trained_on, staff_ids=[str(event.staff_id)]
        )
        await self._to_journey(event.cohort_id, event.urn, SchoolJourney.practitioner_trained, session)

    async def on_impact_return(self, event: ImpactReturnSubmitted, envelope: Envelope) -> None:
        submitted = _heard(journey.ImpactReturn, event, envelope)
        await self._to_journey(event.cohort_id, event.urn, SchoolJourney.impact_return_submitted, submitted)

    async def on_message_undeliverable(self, event: MessageUndeliverable, envelope: Envelope) -> None:
        if event.urn is None or event.cohort_id is None:
            return  # a sign-in invitation, say: no school's journey to tell
        failure = _heard(journey.LeadNotReached, event, envelope, failed_at=event.failed_at.isoformat())
        await self._to_journey(event.cohort_id, event.urn, SchoolJourney.lead_not_reached, failure)

    # --- delivery ---------------------------------------------------------------------------------------------

    def _cohort(self, cohort_id: str) -> WorkflowHandle[Cohort, Any]:
        return self._client.get_workflow_handle_for(Cohort.run, cohort_workflow_id(cohort_id))

    def _journey(self, workflow_id: str) -> WorkflowHandle[SchoolJourney, Any]:
        return self._client.get_workflow_handle_for(SchoolJourney.run, workflow_id)

    async def _to_journey(self, cohort_id: str | None, urn: str, signal: Signal[SchoolJourney, M], message: M) -> None:
        if cohort_id is not None:
            handle = self._journey(journey_id(cohort_id, urn))
            try:
                await handle.signal(signal, message)
                return
            except RPCError as failure:
                if failure.status != RPCStatusCode.NOT_FOUND:
                    raise
            await self._not_under_its_id(handle.id, cohort_id, urn, signal, message)
            return
        await self._found_by_urn(cohort_id, urn, signal, message)

    async def _not_under_its_id(
        self, workflow_id: str, cohort_id: str, urn: str, signal: Signal[SchoolJourney, M], message: M
    ) -> None:
        """`workflow_id`, the school's usual journey, answered NOT_FOUND to a signal: it ended, or never ran."""
        ended = await self._ended(workflow_id)
        if ended is not None:
            await self._journey_ended(ended, message)
            return
        await self._found_by_urn(cohort_id, urn, signal, message)

    async def _found_by_urn(
        self, cohort_id: str | None, urn: str, signal: Signal[SchoolJourney, M], message: M
    ) -> None:
        # No journey under that id: the school may have a new URN (its journey keeps its first id, and its
        # search attribute follows the URN), or its enrolment has not started the journey yet.
        query = f'{URN} = "{urn}" AND WorkflowType = "SchoolJourney"'
        if cohort_id is not None:
            query += f' AND {COHORT_ID} = "{cohort_id}"'
        found = [w async for w in self._client.list_workflows(query, limit=10)]
        running = [w.id for w in found if w.status == WorkflowExecutionStatus.RUNNING]
        if len(running) == 1:
            await self._signal(self._journey(running[0]), signal, message)
        elif not running and found and found[0].status is not None:
            _ignored(found[0].id, found[0].status, message)
        else:
            raise RetryLater(f"no running journey for school {urn} yet")

    async def _ended(self, workflow_id: str) -> WorkflowExecutionDescription | None:
        """The journey `workflow_id` if it has ended; None when there is none (or it runs after all)."""
        try:
            description = await self._journey(workflow_id).describe()
        except RPCError as failure:
            if failure.status == RPCStatusCode.NOT_FOUND:
                return None
            raise
        return None if description.status in (None, WorkflowExecutionStatus.RUNNING) else description

    async def _journey_ended(self, ended: WorkflowExecutionDescription, message: object) -> None:
        """Acknowledge an event for a journey that has ended. One terminated in the Temporal UI could not say so
        itself: TerminatedJourney publishes its withdrawal for it, so enrolment withdraws the school."""
        assert ended.status is not None
        _ignored(ended.id, ended.status, message)
        if ended.status != WorkflowExecutionStatus.TERMINATED:
            return
        phase = ended.typed_search_attributes.get(SearchAttributeKey.for_keyword(JOURNEY_PHASE))
        terminated = journey.JourneyTerminated(
            urn=str(ended.typed_search_attributes.get(SearchAttributeKey.for_keyword(URN)) or ""),
            cohort_id=str(ended.typed_search_attributes.get(SearchAttributeKey.for_keyword(COHORT_ID)) or ""),
            journey_id=ended.id,
            terminated_on=(ended.close_time or datetime.now(UTC)).date(),
            phase=phase if phase in JOURNEY_PHASES else "launch",
        )
        with contextlib.suppress(WorkflowAlreadyStartedError):
            await self._client.start_workflow(
                TerminatedJourney.run,
                terminated,
                id=terminated_journey_id(ended.id),
                task_queue=self._task_queue,
                static_summary=f"Journey {ended.id} was terminated: its withdrawal is published for it",
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )

    async def _signal(self, handle: WorkflowHandle[W, Any], signal: Signal[W, M], message: M) -> None:
        try:
            await handle.signal(signal, message)
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
    on(MessageUndeliverable, JourneyBridge.on_message_undeliverable),
)


async def run_bridge(settings: Settings) -> None:
    tracer_provider = setup_telemetry("bridge", settings)
    broker = create_broker(settings.require_nats(), "bridge", tracer_provider)
    client = await connect_temporal(settings)
    bridge = JourneyBridge(
        client,
        settings.journey_task_queue,
        load_half_terms(settings.half_terms_file),
        settings.journey_signal_gap_ms / 1000,
        settings.journey_catch_up_quiet_seconds,
    )
    EventConsumer(broker, "bridge", settings.max_deliver).subscribe(ContextDispatcher(EVENT_HANDLERS, bridge))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await broker.connect()
    await wait_for_streams(broker.connection.jetstream())
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
