"""No workflow's history grows without bound: a journey over its whole 18 months continues as new and keeps
everything it heard, and a cohort tells hundreds of journeys of a day in a few workflow tasks. On Temporal's
time-skipping test server, one workflow per environment (see test_school_journey.py). A cohort told of more
schools than one history holds is tested on the real server: tests/integration/test_cohort_history.py."""

from __future__ import annotations

from datetime import timedelta

from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from contracts.programme import add_months
from tests.support import history_lengths
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
        lengths = await history_lengths(env.client, handle)

    assert sum(lengths) > 3 * HISTORY_LIMIT  # one run could not have held it all
    assert len(lengths) > 3
    assert max(lengths) <= HISTORY_LIMIT + ONE_WAKE
    assert published.subjects().count("started") == 1
    assert published.subjects().count("completed") == 1
    assert (final.module_completions, final.staff_completed_all_modules) == (30, 2)
    assert final.mentoring_sessions == 18
    assert circles > 0


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
