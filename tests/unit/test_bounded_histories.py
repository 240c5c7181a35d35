"""No workflow's history grows without bound: a journey over its whole 18 months, and a cohort told of more
schools than one history holds, each continue as new and keep everything they heard. On Temporal's
time-skipping test server, one workflow per environment (see test_school_journey.py)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from contracts.programme import add_months
from tests.unit.test_school_journey import (
    HEAD,
    QUEUE,
    TEACHER,
    Published,
    _event,
    _progress,
    _staff,
    _start,
    _today,
    env,  # noqa: F401 - the time-skipping environment fixture
)
from workflows.cohort.messages import CohortStart, SchoolJoined, SchoolsJoined
from workflows.cohort.workflows import Cohort
from workflows.journey import messages as m
from workflows.journey.workflows import SchoolJourney

HISTORY_LIMIT = 100
# What one wake may add after the limit was checked: a phase's end and the next phase's start (two publishing
# activities), a few reminders, the timers and the workflow tasks around them.
ONE_WAKE = 60


async def _history_lengths(client: Client, handle: WorkflowHandle[Any, Any]) -> list[int]:
    """The number of events in each run of the workflow, following continue-as-new from its first run."""
    lengths: list[int] = []
    run_id: str | None = handle.first_execution_run_id or handle.run_id
    while run_id:
        history = await client.get_workflow_handle(handle.id, run_id=run_id).fetch_history()
        lengths.append(len(history.events))
        last = history.events[-1]
        continued = last.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
        run_id = last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id if continued else None
    return lengths


async def _tell_cohort(cohort: WorkflowHandle[Cohort, Any], joined: SchoolsJoined | SchoolJoined) -> None:
    """Signal the cohort's latest run. Real Temporal hands a signal that arrives while a run continues as new to
    the new run; the time-skipping test server can refuse it for a moment ("Completed workflow", NOT_FOUND). A
    refused signal was not delivered, so sending it again cannot count it twice."""
    for _ in range(100):
        try:
            if isinstance(joined, SchoolsJoined):
                await cohort.signal(Cohort.schools_joined, joined)
            else:
                await cohort.signal(Cohort.school_joined, joined)
            return
        except RPCError as refused:
            if refused.status != RPCStatusCode.NOT_FOUND:
                raise
            await asyncio.sleep(0.05)
    raise TimeoutError(f"{cohort.id} refused a signal for 5 s")


async def _asleep(client: Client, workflow_id: str) -> None:
    """Wait until the workflow's latest run has handled everything it was sent and sleeps on its timer."""
    for _ in range(500):
        history = await client.get_workflow_handle(workflow_id).fetch_history()
        if history.events[-1].event_type == EventType.EVENT_TYPE_TIMER_STARTED:
            return
        await asyncio.sleep(0.02)
    raise TimeoutError(f"{workflow_id} never settled")


async def test_a_journey_heard_of_every_month_for_18_months_keeps_each_run_short_and_counts_everything(
    env: WorkflowEnvironment,  # noqa: F811
) -> None:
    published = Published()
    async with published.worker(env.client):
        today = await _today(env)
        handle = await _start(env.client, today, history_limit=HISTORY_LIMIT)
        await _staff(handle, today)
        half_terms = (await _progress(handle)).half_terms
        circles = 0
        for month in range(18):
            on = add_months(today, month)
            for staff_id in (HEAD, TEACHER):
                if month < 15:
                    completion = m.ModuleCompletion(_event(), staff_id, month + 1, f"{on}T10:00:00+00:00")
                    await handle.signal(SchoolJourney.module_completed, completion)
            term = next((t for t in half_terms if t.starts_on <= on <= t.ends_on), None)
            if term is not None:
                circle = m.CircleHeld(_event(), f"circle-{month}", on, term.half_term_id)
                await handle.signal(SchoolJourney.circle_held, circle)
                circles += 1
            await handle.signal(SchoolJourney.mentoring_session_held, m.SessionHeld(_event(), f"mentor-{month}", on))
            await env.sleep(add_months(today, month + 1) - on)
        final = await handle.result()  # of the last run: the result follows continue-as-new
        lengths = await _history_lengths(env.client, handle)

    assert sum(lengths) > 3 * HISTORY_LIMIT  # one run could not have held it all
    assert len(lengths) > 3
    assert max(lengths) <= HISTORY_LIMIT + ONE_WAKE
    assert published.subjects().count("started") == 1
    assert published.subjects().count("completed") == 1
    assert (final.module_completions, final.staff_completed_all_modules) == (30, 2)
    assert final.mentoring_sessions == 18
    assert circles > 0


async def test_a_cohort_told_of_schools_in_batches_keeps_each_once_across_runs(
    env: WorkflowEnvironment,  # noqa: F811
) -> None:
    async with Worker(env.client, task_queue=QUEUE, workflows=[Cohort]):
        today = await _today(env)
        plan = m.JourneyPlan([m.LeadershipDayDate(1, today + timedelta(days=100))])
        start = CohortStart(_event(), "oxon-2026", "Oxfordshire", today, add_months(today, 18), plan, history_limit=40)
        cohort = await env.client.start_workflow(Cohort.run, start, id="cohort-oxon-2026", task_queue=QUEUE)
        schools = [f"journey-oxon-2026-{100000 + n}" for n in range(300)]
        joins = [SchoolJoined(_event(), journey) for journey in schools]
        for first in range(0, len(joins), 5):
            await _tell_cohort(cohort, SchoolsJoined(joins[first : first + 5]))
            if first % 50 == 45:
                # As the bridge does, signal by signal with pauses between bursts: the cohort continues as new
                # between bursts, never while its signals still arrive (the server refuses that workflow task).
                await _asleep(env.client, cohort.id)
        # Redelivered joins (the same events again, in other batches) and a join from an older bridge.
        await _tell_cohort(cohort, SchoolsJoined(joins[10:60]))
        await _tell_cohort(cohort, SchoolJoined(_event(), schools[0]))
        calendar = await cohort.query(Cohort.calendar)
        lengths = await _history_lengths(env.client, cohort)
        await cohort.terminate("test over")

    assert calendar.journeys == schools
    assert len(lengths) > 2
    assert max(lengths) <= 2 * 40  # signals arriving while it continues as new are handled first


async def test_a_cohort_tells_hundreds_of_journeys_of_a_coming_day_in_a_few_workflow_tasks(
    env: WorkflowEnvironment,  # noqa: F811
) -> None:
    async with Worker(env.client, task_queue=QUEUE, workflows=[Cohort]):
        today = await _today(env)
        plan = m.JourneyPlan([m.LeadershipDayDate(1, today + timedelta(days=10))])
        start = CohortStart(_event(), "oxon-2026", "Oxfordshire", today, add_months(today, 18), plan)
        cohort = await env.client.start_workflow(Cohort.run, start, id="cohort-oxon-2026", task_queue=QUEUE)
        # Journeys that no longer run (ended, say): their signals fail, which the cohort expects and passes over.
        joins = [SchoolJoined(_event(), f"journey-oxon-2026-{100000 + n}") for n in range(1200)]
        for first in range(0, len(joins), 400):
            await cohort.signal(Cohort.schools_joined, SchoolsJoined(joins[first : first + 400]))
        await env.sleep(timedelta(days=4))
        calendar = await cohort.query(Cohort.calendar)
        events = [event.event_type for event in (await cohort.fetch_history()).events]
        await cohort.terminate("test over")

    tasks = events.count(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
    assert calendar.notices_sent == [f"upcoming:1:{today + timedelta(days=10)}"]
    assert events.count(EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED) == 1200
    # A few per join signal, timer and batch of 500 signals, never one per journey: how many exactly depends on
    # when the server reports each batch's failed signals (several tasks may share a batch's answers), 12 to 18
    # seen; one per journey would be 1,200.
    assert tasks <= 40
    assert len(events) <= 2 * 1200 + 60
