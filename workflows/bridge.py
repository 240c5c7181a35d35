"""The event bridge: turns JetStream events into Temporal starts and signals. `python -m workflows.bridge`.

It keeps no state of its own: starting a journey is idempotent (one workflow id per school and cohort), and the
journey ignores a signal whose event id it has already seen.
"""

from __future__ import annotations

import asyncio
import logging
import signal

from temporalio.client import Client
from temporalio.common import (
    SearchAttributeKey,
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from contracts import Envelope, ModuleCompleted, SchoolEnrolled, journey_id
from contracts.search_attributes import COHORT_ID, JOURNEY_PHASE, URN
from runtime.broker import create_broker, ensure_streams
from runtime.consumer import EventConsumer
from runtime.errors import RetryLater
from runtime.log import configure_logging
from runtime.readiness import mark_ready
from runtime.settings import Settings
from runtime.telemetry import setup_telemetry
from runtime.temporal import connect_temporal
from workflows.journey.messages import SIGNAL_MODULE_COMPLETED, JourneyStart, ModuleCompletion
from workflows.journey.workflows import SchoolJourney

__all__ = ["JourneyBridge", "run_bridge"]

_log = logging.getLogger(__name__)


class JourneyBridge:
    """Handlers that carry each event to the school's journey."""

    def __init__(self, client: Client, task_queue: str) -> None:
        self._client = client
        self._task_queue = task_queue

    async def on_school_enrolled(self, event: SchoolEnrolled, envelope: Envelope) -> None:
        workflow_id = journey_id(event.cohort_id, event.urn)
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
                JourneyStart(
                    event_id=str(envelope.id),
                    urn=event.urn,
                    cohort_id=event.cohort_id,
                    enrolled_on=event.enrolled_on.isoformat(),
                ),
                id=workflow_id,
                task_queue=self._task_queue,
                search_attributes=attributes,
                # A redelivered enrolment finds the running journey; a finished journey is never restarted.
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )
        except WorkflowAlreadyStartedError:
            _log.info("journey %s already ran; enrolment %s ignored", workflow_id, envelope.id)

    async def on_module_completed(self, event: ModuleCompleted, envelope: Envelope) -> None:
        workflow_id = journey_id(event.cohort_id, event.urn)
        handle = self._client.get_workflow_handle(workflow_id)
        try:
            await handle.signal(
                SIGNAL_MODULE_COMPLETED,
                ModuleCompletion(
                    event_id=str(envelope.id),
                    staff_id=str(event.staff_id),
                    module_number=event.module_number,
                    completed_at=event.completed_at.isoformat(),
                ),
            )
        except RPCError as failure:
            if failure.status == RPCStatusCode.NOT_FOUND:
                # The enrolment event that starts this journey may still be on its way.
                raise RetryLater(f"journey {workflow_id} not started yet") from failure
            raise

    def subscribe(self, consumer: EventConsumer) -> None:
        consumer.subscribe(SchoolEnrolled, self.on_school_enrolled)
        consumer.subscribe(ModuleCompleted, self.on_module_completed)


async def run_bridge(settings: Settings) -> None:
    tracer_provider = setup_telemetry("bridge", settings)
    broker = create_broker(settings.require_nats(), "bridge", tracer_provider)
    client = await connect_temporal(settings)
    JourneyBridge(client, settings.journey_task_queue).subscribe(EventConsumer(broker, "bridge", settings.max_deliver))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await broker.connect()
    await ensure_streams(broker)
    await broker.start()
    _log.info("bridge consuming enrolment and learning events")
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
