"""The worker that runs the SchoolJourney, Cohort and TerminatedJourney workflows and their activity.

`python -m workflows.worker`.
"""

from __future__ import annotations

import asyncio
import logging
import signal

import nats
from temporalio.worker import PollerBehaviorAutoscaling, Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from runtime.broker import connection_options
from runtime.log import configure_logging
from runtime.readiness import mark_ready
from runtime.settings import Settings
from runtime.telemetry import setup_telemetry
from runtime.temporal import connect_temporal
from workflows.cohort.workflows import Cohort
from workflows.journey.activities import JourneyActivities
from workflows.journey.terminated import TerminatedJourney
from workflows.journey.workflows import SchoolJourney

__all__ = ["run_worker"]

_log = logging.getLogger(__name__)


def _pollers(task_slots: int) -> PollerBehaviorAutoscaling:
    return PollerBehaviorAutoscaling(minimum=2, maximum=task_slots, initial=min(5, task_slots))


async def run_worker(settings: Settings) -> None:
    client = await connect_temporal(settings)
    # The journey's decisions go straight to JetStream: its event ids are derived from the workflow, so a retried
    # activity cannot publish one twice, and an outbox would add nothing.
    connection = await nats.connect(settings.require_nats(), **connection_options("worker"))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    activities = JourneyActivities(connection.jetstream())
    try:
        async with Worker(
            client,
            task_queue=settings.journey_task_queue,
            workflows=[SchoolJourney, Cohort, TerminatedJourney],
            activities=activities.registered(),
            # Thousands of journeys sleep for weeks between wakes: keeping each in memory would grow the worker
            # with every school, so the least recently woken are evicted past this many and replayed when needed.
            max_cached_workflows=settings.worker_max_cached_workflows,
            # Tasks taken on wait for this process's CPU while their timeout runs; tasks not yet taken wait on the
            # server, where no timeout runs. Thousands of journeys starting at once must stay on the server.
            max_concurrent_workflow_tasks=settings.worker_max_concurrent_workflow_tasks,
            # Polls follow the server's backlog, up to one per free task slot. The SDK's default, five pollers of
            # which one (a fifth) asks the queue every new run's first task comes on, took a bulk enrolment's new
            # journeys one poll round trip at a time while the worker sat idle.
            workflow_task_poller_behavior=_pollers(settings.worker_max_concurrent_workflow_tasks),
            # The sandbox still refuses non-deterministic calls, but no longer re-imports every module for each
            # new run: that halved the CPU a journey's first task costs (a bulk enrolment starts thousands). Safe
            # because workflow modules import only `contracts/` and the standard library and keep no module state;
            # the replay tests still run the full sandbox.
            workflow_runner=SandboxedWorkflowRunner(
                restrictions=SandboxRestrictions.default.with_passthrough_all_modules()
            ),
        ):
            _log.info("journey worker polling task queue %s", settings.journey_task_queue)
            mark_ready()
            await stop.wait()
    finally:
        await connection.close()
    _log.info("journey worker stopped")


def main() -> None:
    settings = Settings()
    configure_logging("worker", settings.log_level)
    setup_telemetry("worker", settings)
    asyncio.run(run_worker(settings))


if __name__ == "__main__":
    main()
