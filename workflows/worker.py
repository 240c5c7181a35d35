"""The worker that runs the SchoolJourney, Cohort and TerminatedJourney workflows and their activity.

`python -m workflows.worker`.
"""

from __future__ import annotations

import asyncio
import logging
import signal

import nats
from temporalio.worker import Worker

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
            activities=[activities.publish_journey_event],
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
