"""The SchoolJourney workflow on Temporal's time-skipping test server: one journey per environment."""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from runtime.temporal import register_search_attributes
from workflows.journey.messages import (
    QUERY_PROGRESS,
    SIGNAL_MODULE_COMPLETED,
    JourneyProgress,
    JourneyStart,
    ModuleCompletion,
)
from workflows.journey.workflows import PROGRAMME_LENGTH, SchoolJourney

TEST_SERVER = Path(sys.executable).parent / "temporal-test-server"
QUEUE = "journey-unit"


@pytest.fixture
async def env() -> AsyncIterator[WorkflowEnvironment]:
    environment = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(TEST_SERVER), data_converter=pydantic_data_converter
    )
    await register_search_attributes(environment.client, "default")
    try:
        yield environment
    finally:
        await environment.shutdown()


def _start() -> JourneyStart:
    return JourneyStart(event_id=str(uuid.uuid4()), urn="123456", cohort_id="oxon-2026", enrolled_on="2026-09-01")


def _completion(staff_id: str, module: int, event_id: str | None = None) -> ModuleCompletion:
    return ModuleCompletion(
        event_id=event_id or str(uuid.uuid4()),
        staff_id=staff_id,
        module_number=module,
        completed_at="2026-10-01T10:00:00+00:00",
    )


async def test_journey_counts_each_completion_event_once(env: WorkflowEnvironment) -> None:
    client: Client = env.client
    async with Worker(client, task_queue=QUEUE, workflows=[SchoolJourney]):
        handle = await client.start_workflow(
            SchoolJourney.run, _start(), id="journey-oxon-2026-123456", task_queue=QUEUE
        )
        staff = str(uuid.uuid4())
        repeated = _completion(staff, 2)

        await handle.signal(SIGNAL_MODULE_COMPLETED, _completion(staff, 1))
        await handle.signal(SIGNAL_MODULE_COMPLETED, repeated)
        await handle.signal(SIGNAL_MODULE_COMPLETED, repeated)
        progress = await handle.query(QUERY_PROGRESS, result_type=JourneyProgress)

        assert progress.modules_completed == {staff: [1, 2]}
        assert progress.module_completions == 2
        assert progress.events_seen == 3


async def test_journey_completes_after_eighteen_months(env: WorkflowEnvironment) -> None:
    client: Client = env.client
    async with Worker(client, task_queue=QUEUE, workflows=[SchoolJourney]):
        handle = await client.start_workflow(
            SchoolJourney.run, _start(), id="journey-oxon-2026-123456", task_queue=QUEUE
        )
        await handle.signal(SIGNAL_MODULE_COMPLETED, _completion(str(uuid.uuid4()), 1))

        summary = await handle.result()

        assert summary.phase == "completed"
        assert summary.module_completions == 1
        assert PROGRAMME_LENGTH.days >= 18 * 30
