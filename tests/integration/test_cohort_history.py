"""A cohort told of more schools than one history holds continues as new and keeps each school once, on the
stack's real Temporal server: signals that arrive while a run continues as new go to the next run, which the
time-skipping test server did not always do (it refused such a signal, or left a query unanswered)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle
from temporalio.worker import Worker

from contracts.identifiers import journey_id
from contracts.programme import add_months
from runtime.local.endpoints import Endpoints
from runtime.temporal import DATA_CONVERTER
from tests.support import history_lengths
from workflows.cohort.messages import CohortStart, SchoolJoined, SchoolsJoined
from workflows.cohort.workflows import Cohort, cohort_workflow_id
from workflows.journey import messages as m

HISTORY_LIMIT = 40


@pytest.fixture
async def platform_temporal(stack: Endpoints) -> Client:
    """The stack's Temporal, with the payload converter the platform's workers use."""
    return await Client.connect(
        stack.temporal_address, namespace=stack.temporal_namespace, data_converter=DATA_CONVERTER
    )


async def _asleep(client: Client, workflow_id: str) -> None:
    """Wait until the workflow's latest run has handled everything it was sent and sleeps on its timer."""
    for _ in range(1000):
        history = await client.get_workflow_handle(workflow_id).fetch_history()
        if history.events[-1].event_type == EventType.EVENT_TYPE_TIMER_STARTED:
            return
        await asyncio.sleep(0.02)
    raise TimeoutError(f"{workflow_id} never settled")


def _event() -> str:
    return str(uuid.uuid4())


async def _cohort(client: Client, schools: int) -> tuple[WorkflowHandle[Cohort, Any], str, list[str]]:
    """A cohort of its own on a task queue of its own (the stack's worker and its cohorts never see it), its
    queue, and the journey ids of `schools` schools to tell it of."""
    queue, cohort_id = f"cohort-history-{uuid.uuid4()}", f"history-{uuid.uuid4().hex[:8]}"
    today = datetime.now(UTC).date()
    plan = m.JourneyPlan([m.LeadershipDayDate(1, today + timedelta(days=100))])
    start = CohortStart(
        _event(), cohort_id, "Oxfordshire", today, add_months(today, 18), plan, history_limit=HISTORY_LIMIT
    )
    cohort = await client.start_workflow(Cohort.run, start, id=cohort_workflow_id(cohort_id), task_queue=queue)
    return cohort, queue, [journey_id(cohort_id, f"{100000 + n}") for n in range(schools)]


async def test_a_cohort_told_of_schools_one_signal_each_continues_as_new_and_keeps_them_all(
    platform_temporal: Client,
) -> None:
    cohort, queue, schools = await _cohort(platform_temporal, 60)
    async with Worker(platform_temporal, task_queue=queue, workflows=[Cohort]):
        for journey in schools:
            await cohort.signal(Cohort.school_joined, SchoolJoined(_event(), journey))
        calendar = await cohort.query(Cohort.calendar)
        described = await cohort.describe()
        history = await platform_temporal.get_workflow_handle(cohort.id).fetch_history()
        await cohort.terminate("test over")

    assert calendar.journeys == schools
    assert described.run_id != cohort.first_execution_run_id
    assert len(history.events) <= 60


async def test_a_cohort_told_of_schools_in_batches_keeps_each_once_across_runs(platform_temporal: Client) -> None:
    cohort, queue, schools = await _cohort(platform_temporal, 300)
    async with Worker(platform_temporal, task_queue=queue, workflows=[Cohort]):
        joins = [SchoolJoined(_event(), journey) for journey in schools]
        for first in range(0, len(joins), 5):
            await cohort.signal(Cohort.schools_joined, SchoolsJoined(joins[first : first + 5]))
            if first % 50 == 45:
                # As the bridge does, signal by signal with pauses between bursts: within a burst the cohort may
                # continue as new while signals still arrive (the server then has it handle those first).
                await _asleep(platform_temporal, cohort.id)
        # Redelivered joins (the same events again, in other batches) and a join from an older bridge.
        await cohort.signal(Cohort.schools_joined, SchoolsJoined(joins[10:60]))
        await cohort.signal(Cohort.school_joined, SchoolJoined(_event(), schools[0]))
        calendar = await cohort.query(Cohort.calendar)
        lengths = await history_lengths(platform_temporal, cohort)
        await cohort.terminate("test over")

    assert calendar.journeys == schools
    assert len(lengths) > 2
    assert max(lengths) <= 2 * HISTORY_LIMIT  # signals arriving while it continues as new are handled first
