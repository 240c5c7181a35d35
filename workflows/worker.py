"""The worker process that runs SchoolJourney workflows: `python -m workflows.worker`."""

from __future__ import annotations

import asyncio
import logging
import signal

from temporalio.worker import Worker

from runtime.log import configure_logging
from runtime.readiness import mark_ready
from runtime.settings import Settings
from runtime.telemetry import setup_telemetry
from runtime.temporal import connect_temporal
from workflows.journey.workflows import SchoolJourney

__all__ = ["run_worker"]

_log = logging.getLogger(__name__)


async def run_worker(settings: Settings) -> None:
    client = await connect_temporal(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with Worker(client, task_queue=settings.journey_task_queue, workflows=[SchoolJourney]):
        _log.info("journey worker polling task queue %s", settings.journey_task_queue)
        mark_ready()
        await stop.wait()
    _log.info("journey worker stopped")


def main() -> None:
    settings = Settings()
    configure_logging("worker", settings.log_level)
    setup_telemetry("worker", settings)
    asyncio.run(run_worker(settings))


if __name__ == "__main__":
    main()
