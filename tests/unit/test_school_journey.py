"""Whole journeys on Temporal's time-skipping test server: months pass in a moment. One workflow per environment
(the test server misbehaves with several signalled at once), with a stand-in for the publishing activity that
records what the journey decided.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio import workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from contracts.programme import PlanTargets, add_months
from runtime.calendar_file import load_half_terms
from runtime.temporal import DATA_CONVERTER, register_search_attributes
from services.enrolment.domain.model import programme_plan
from workflows.cohort.messages import CohortStart, SchoolJoined
from workflows.cohort.workflows import Cohort
from workflows.journey import messages as m
from workflows.journey.activities import JourneyActivities, PublishJourneyEvent
from workflows.journey.plan import journey_plan
from workflows.journey.workflows import SchoolJourney

TEST_SERVER = Path(sys.executable).parent / "temporal-test-server"
QUEUE = "journey-unit"
HISTORIES = Path(__file__).parents[1] / "histories"
HEAD, TEACHER = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"


Journey = WorkflowHandle[SchoolJourney, Any]


@dataclass
class Published:
    """Stands in for JetStream under the real publishing activity: keeps what the journey decided, in order."""

    items: list[PublishJourneyEvent] = field(default_factory=list)

    async def publish(self, subject: str, payload: bytes, *, timeout: float, headers: dict[str, Any]) -> object:  # noqa: ASYNC109
        self.items.append(PublishJourneyEvent(headers["ce-id"], subject, json.loads(payload)))
        return None

    def worker(self, client: Client) -> Worker:
        """A worker for one journey, publishing here."""
        activities = JourneyActivities(self)
        return Worker(
            client,
            task_queue=QUEUE,
            workflows=[SchoolJourney],
            activities=activities.registered(),
        )

    def subjects(self) -> list[str]:
        return [item.subject.removeprefix("rsp.journey.").removesuffix(".v1") for item in self.items]

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [item.payload for item in self.items if item.subject == f"rsp.journey.{kind}.v1"]


@pytest.fixture
async def env() -> AsyncIterator[WorkflowEnvironment]:
    environment = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(TEST_SERVER), data_converter=DATA_CONVERTER
    )
    await register_search_attributes(environment.client, "default")
    try:
        yield environment
    finally:
        await environment.shutdown()


async def _start(
    client: Client, enrolled_on: date, history_limit: int = 10_000, catch_up_quiet_seconds: int | None = None
) -> Journey:
    """A journey as the bridge starts it; given a quiet spell, a back-dated one that catches up first."""
    half_terms = [
        m.HalfTermSpan(term.half_term_id, term.starts_on, term.ends_on)
        for term in load_half_terms().overlapping(enrolled_on, add_months(enrolled_on, 18))
    ]
    start = m.JourneyStart(
        event_id=str(uuid.uuid4()),
        urn="123456",
        cohort_id="oxon-2026",
        local_authority="Oxfordshire",
        enrolled_on=enrolled_on,
        plan=journey_plan(programme_plan(enrolled_on, PlanTargets(), None)),
        half_terms=half_terms,
        history_limit=history_limit,
        catch_up=catch_up_quiet_seconds is not None,
        catch_up_quiet_seconds=catch_up_quiet_seconds or 120,
        # As the bridge starts every journey.
        started_patched=True,
    )
    return await client.start_workflow(SchoolJourney.run, start, id="journey-oxon-2026-123456", task_queue=QUEUE)


async def _today(env: WorkflowEnvironment) -> date:
    return (await env.get_current_time()).date()


async def _progress(handle: Journey) -> m.JourneyProgress:
    return await handle.query(SchoolJourney.progress)


def _event() -> str:
    return str(uuid.uuid4())


async def _staff(handle: Journey, on: date) -> None:
    await handle.signal(SchoolJourney.staff_registered, m.StaffJoined(_event(), HEAD, "headteacher", on))
    await handle.signal(SchoolJourney.staff_registered, m.StaffJoined(_event(), TEACHER, "teacher", on))


async def _modules(handle: Journey, upto: int) -> None:
    for staff_id in (HEAD, TEACHER):
        for module in range(1, upto + 1):
            completion = m.ModuleCompletion(_event(), staff_id, module, "2027-01-01T10:00:00+00:00")
            await handle.signal(SchoolJourney.module_completed, completion)


def _record_history(name: str) -> bool:
    return os.environ.get("RSP_RECORD_HISTORIES") == "1" and bool(name)


async def _save_history(handle: WorkflowHandle[Any, Any], name: str) -> None:
    if _record_history(name):
        history = await handle.fetch_history()
        HISTORIES.mkdir(exist_ok=True)
        (HISTORIES / f"{name}.json").write_text(history.to_json(), encoding="utf-8")


async def test_school_that_keeps_up_completes_with_no_at_risk_flag(env: WorkflowEnvironment) -> None:
    published = Published()
    async with published.worker(env.client):
        today = await _today(env)
        handle = await _start(env.client, today)
        state = await _progress(handle)
        await _staff(handle, today)
        await handle.signal(SchoolJourney.impact_return_submitted, m.ImpactReturn(_event(), "baseline", ""))
        await _modules(handle, 15)
        for index, term in enumerate(state.half_terms):
            await handle.signal(
                SchoolJourney.circle_held, m.CircleHeld(_event(), f"circle-{index}", term.starts_on, term.half_term_id)
            )
        terms = {term.term_id: term.starts_on for term in state.half_terms}
        for term_id, first_day in terms.items():
            await handle.signal(
                SchoolJourney.mentoring_session_held, m.SessionHeld(_event(), f"mentoring-{term_id}", first_day)
            )
            year, season = term_id.rsplit("-", 1)
            await handle.signal(
                SchoolJourney.impact_return_submitted, m.ImpactReturn(_event(), season, year.replace("-", "/"))
            )
        for day in ("immersion-1", "immersion-2"):
            await handle.signal(SchoolJourney.immersion_day_held, m.SessionHeld(_event(), day, today))
        await handle.signal(
            SchoolJourney.practitioner_trained, m.SessionHeld(_event(), "training", today, [HEAD, TEACHER])
        )

        final = await handle.result()
        await _save_history(handle, "journey_keeps_up_v5")

    assert "flagged_at_risk" not in published.subjects()
    assert "reminder_issued" not in published.subjects()
    assert published.subjects()[:2] == ["started", "phase_entered"]
    assert [p["phase"] for p in published.of("phase_entered")] == ["launch", "foundations", "deepening", "embedding"]
    assert len(published.of("milestone_reached")) == 4
    [completed] = published.of("completed")
    assert completed["at_risk"] is False
    assert (final.staff_completed_all_modules, final.staff_counted, final.practitioners_trained) == (2, 2, 2)
    assert completed["completed_on"] == str(add_months(today, 18))


async def test_lagging_school_is_flagged_at_the_end_of_foundations_reminded_and_cleared_when_it_catches_up(
    env: WorkflowEnvironment,
) -> None:
    published = Published()
    async with published.worker(env.client):
        today = await _today(env)
        handle = await _start(env.client, today)
        await _staff(handle, today)
        await handle.signal(SchoolJourney.impact_return_submitted, m.ImpactReturn(_event(), "baseline", ""))

        await env.sleep(timedelta(days=(add_months(today, 6) - today).days + 2))
        flagged = published.of("flagged_at_risk")
        reminders = published.of("reminder_issued")
        ended = [t for t in (await _progress(handle)).half_terms if t.ends_on < add_months(today, 6)]

        await _modules(handle, 5)
        for index in range(len(ended)):
            await handle.signal(
                SchoolJourney.circle_held, m.CircleHeld(_event(), f"late-{index}", today, ended[index].half_term_id)
            )
        for index in range(3):
            await handle.signal(SchoolJourney.mentoring_session_held, m.SessionHeld(_event(), f"late-{index}", today))
        await env.sleep(timedelta(hours=1))
        progress = await _progress(handle)
        await _save_history(handle, "journey_lags_and_catches_up_v5")
        await handle.terminate("test over")

    assert [f["phase"] for f in flagged] == ["foundations"]
    assert any(reason.startswith("modules: 0 of 2 staff") for reason in flagged[0]["reasons"])
    assert any(reason.startswith("circles: 0 held") for reason in flagged[0]["reasons"])
    assert {r["reminder"] for r in reminders} >= {"circle_missing", "mentoring_due"}
    assert len(published.of("back_on_track")) == 1
    assert (progress.at_risk, progress.at_risk_reasons, progress.times_flagged_at_risk) == (False, [], 1)


async def test_a_back_dated_journey_lives_its_history_after_the_quiet_spell_it_was_started_with(
    env: WorkflowEnvironment,
) -> None:
    published = Published()
    async with published.worker(env.client):
        today = await _today(env)
        enrolled_on = today - timedelta(days=40)
        handle = await _start(env.client, enrolled_on, catch_up_quiet_seconds=3600)
        await _staff(handle, enrolled_on)
        await env.sleep(timedelta(minutes=30))
        halfway = await _progress(handle)
        await env.sleep(timedelta(minutes=31))
        lived = await _progress(handle)
        await handle.terminate("test over")

    assert halfway.catching_up, "half an hour into an hour's quiet spell, it still gathers its history"
    assert halfway.staff == {}, "what it gathers is lived only once the spell is over"
    assert not lived.catching_up
    assert set(lived.staff) == {HEAD, TEACHER}


async def test_school_withdrawn_in_month_4_gets_nothing_after(env: WorkflowEnvironment) -> None:
    published = Published()
    async with published.worker(env.client):
        today = await _today(env)
        handle = await _start(env.client, today)
        await _staff(handle, today)
        await env.sleep(timedelta(days=120))
        withdrawn_on = await _today(env)

        await handle.signal(SchoolJourney.school_withdrawn, m.Withdrawal(withdrawn_on, _event()))
        final = await handle.result()
        count = len(published.items)
        await env.sleep(timedelta(days=200))

    assert published.subjects()[-1] == "withdrawn"
    assert published.of("withdrawn")[0]["phase"] == "foundations"
    assert len(published.items) == count
    assert all(date.fromisoformat(r["issued_on"]) <= withdrawn_on for r in published.of("reminder_issued"))
    assert final.staff_counted == 2


async def test_a_repeated_event_changes_nothing(env: WorkflowEnvironment) -> None:
    published = Published()
    async with published.worker(env.client):
        handle = await _start(env.client, await _today(env))
        joined = m.StaffJoined(_event(), TEACHER, "teacher", await _today(env))
        completion = m.ModuleCompletion(_event(), TEACHER, 4, "2027-01-01T10:00:00+00:00", "completion-1")
        for _ in range(3):
            await handle.signal(SchoolJourney.staff_registered, joined)
            await handle.signal(SchoolJourney.module_completed, completion)
        progress = await _progress(handle)
        await handle.terminate("test over")

    assert progress.modules_of(TEACHER) == [4]
    assert progress.module_completions() == 1
    assert list(progress.staff) == [TEACHER]


async def test_signals_between_wakes_keep_the_journeys_timer_and_its_history_short(env: WorkflowEnvironment) -> None:
    published = Published()
    async with published.worker(env.client):
        handle = await _start(env.client, await _today(env))
        await _staff(handle, await _today(env))
        for n in range(1, 6):
            completion = m.ModuleCompletion(_event(), TEACHER, n, "2027-01-01T10:00:00+00:00", f"completion-{n}")
            await handle.signal(SchoolJourney.module_completed, completion)
        progress = await _progress(handle)
        history = await handle.fetch_history()
        await handle.terminate("test over")

    kinds = [event.event_type for event in history.events]
    assert progress.modules_of(TEACHER) == [1, 2, 3, 4, 5]
    # Each signal woke the journey, and its next wake stayed where it was: one timer, never cancelled.
    assert kinds.count(EventType.EVENT_TYPE_TIMER_STARTED) == 1
    assert EventType.EVENT_TYPE_TIMER_CANCELED not in kinds


async def test_completions_gathered_into_one_signal_count_as_if_each_came_alone(env: WorkflowEnvironment) -> None:
    published = Published()
    async with published.worker(env.client):
        handle = await _start(env.client, await _today(env))
        await _staff(handle, await _today(env))
        alone = m.ModuleCompletion(_event(), HEAD, 1, "2027-01-01T10:00:00+00:00", "completion-1")
        await handle.signal(SchoolJourney.module_completed, alone)
        gathered = [m.ModuleCompletion(_event(), TEACHER, n, "2027-01-02T10:00:00+00:00", f"t-{n}") for n in (1, 2, 3)]
        # The one already heard, redelivered inside a batch, and one twice in the same batch: each counts once.
        batch = m.ModuleCompletions(
            [alone, *gathered, gathered[0], m.ModuleCompletion(_event(), HEAD, 2, "2027-01-02T10:00:00+00:00")]
        )
        await handle.signal(SchoolJourney.modules_completed, batch)
        progress = await _progress(handle)
        counted = await handle.query(SchoolJourney.module_completions)
        await handle.terminate("test over")

    assert progress.modules_of(HEAD) == [1, 2]
    assert progress.modules_of(TEACHER) == [1, 2, 3]
    assert progress.module_completions() == 5
    assert counted == 5  # the narrow query a monitor polls agrees with the whole state


async def test_registration_arriving_after_a_completion_still_says_who_they_are(env: WorkflowEnvironment) -> None:
    published = Published()
    async with published.worker(env.client):
        today = await _today(env)
        handle = await _start(env.client, today)
        completion = m.ModuleCompletion(_event(), HEAD, 1, "2027-01-01T10:00:00+00:00", "completion-1")
        await handle.signal(SchoolJourney.module_completed, completion)
        await handle.signal(SchoolJourney.staff_left, m.StaffLeft(_event(), TEACHER, today))
        await _staff(handle, today - timedelta(days=7))
        progress = await _progress(handle)
        await handle.terminate("test over")

    head, teacher = progress.staff[HEAD], progress.staff[TEACHER]
    assert (head.role, head.starts_on, head.left_on) == ("headteacher", today - timedelta(days=7), None)
    assert progress.modules_of(HEAD) == [1]
    assert (teacher.role, teacher.left_on) == ("teacher", today)


async def test_journey_that_continues_as_new_keeps_every_count(env: WorkflowEnvironment) -> None:
    published = Published()
    async with published.worker(env.client):
        handle = await _start(env.client, await _today(env), history_limit=40)
        first_run = (await handle.describe()).run_id
        await _staff(handle, await _today(env))
        await _modules(handle, 15)
        await env.sleep(timedelta(hours=1))
        latest = env.client.get_workflow_handle_for(SchoolJourney.run, handle.id)
        progress = await _progress(latest)
        repeat = m.ModuleCompletion(progress.events_seen[0], HEAD, 1, "2027-01-01T10:00:00+00:00")
        await latest.signal(SchoolJourney.module_completed, repeat)
        again = await _progress(latest)
        run_now = (await latest.describe()).run_id
        await latest.terminate("test over")

    assert run_now != first_run
    assert progress.module_completions() == 30
    assert again.module_completions() == 30
    assert published.subjects().count("started") == 1


async def _refusal(update: Awaitable[str]) -> str:
    """The reason an update was refused with."""
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await update
    return str(getattr(refused.value.cause, "message", ""))


async def test_bad_updates_are_refused_with_a_reason_and_change_nothing(env: WorkflowEnvironment) -> None:
    published = Published()
    async with published.worker(env.client):
        handle = await _start(env.client, await _today(env))
        before = await _progress(handle)
        refusals = [
            await _refusal(handle.execute_update(SchoolJourney.pause, m.Pause("  "))),
            await _refusal(handle.execute_update(SchoolJourney.extend_deadline, m.DeadlineExtension(365, "holiday"))),
            await _refusal(
                handle.execute_update(
                    SchoolJourney.change_plan, m.JourneyPlan([m.LeadershipDayDate(2, date(2027, 1, 1))])
                )
            ),
            await _refusal(
                handle.execute_update(SchoolJourney.withdraw, m.Withdrawal(before.enrolled_on - timedelta(days=1)))
            ),
        ]
        after = await _progress(handle)
        extended = await handle.execute_update(
            SchoolJourney.extend_deadline, m.DeadlineExtension(14, "school closed for a flood")
        )
        await handle.terminate("test over")

    assert refusals == [
        "reason: say why the journey is paused",
        "days: 365 is not between 1 and 90",
        "leadership_days: days must be numbered 1, 2, 3, ... in order",
        f"withdrawn_on: {before.enrolled_on - timedelta(days=1)} is before the school enrolled",
    ]
    assert replace(after, published=0) == replace(before, published=0)  # its start events may land between
    assert extended == f"launch is now judged on {before.phase_ends_on + timedelta(days=14)}"  # type: ignore[operator]


async def test_paused_journey_issues_no_reminders_and_no_flags(env: WorkflowEnvironment) -> None:
    published = Published()
    async with published.worker(env.client):
        handle = await _start(env.client, await _today(env))
        await handle.execute_update(SchoolJourney.pause, m.Pause("school closed after a fire"))
        await env.sleep(timedelta(days=200))
        paused = published.subjects()
        await handle.terminate("test over")

    assert "reminder_issued" not in paused
    assert "flagged_at_risk" not in paused
    assert paused.count("phase_entered") == 3  # launch, foundations, deepening: the journey still moves on


@workflow.defn(name="StandInJourney")
class StandInJourney:
    """Receives what the Cohort workflow tells a journey, and when."""

    def __init__(self) -> None:
        self.heard: list[tuple[str, int, str, str]] = []

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: False)

    def _note(self, kind: str, day: int, held_on: date) -> None:
        self.heard.append((kind, day, str(held_on), str(workflow.now().date())))

    @workflow.signal
    def leadership_day_upcoming(self, notice: m.LeadershipDayNotice) -> None:
        self._note("upcoming", notice.day_number, notice.held_on)

    @workflow.signal
    def leadership_day_passed(self, notice: m.LeadershipDayNotice) -> None:
        self._note("passed", notice.day_number, notice.held_on)

    @workflow.signal
    def leadership_day_moved(self, moved: m.LeadershipDayMoved) -> None:
        self._note("moved", moved.day_number, moved.held_on)

    @workflow.query
    def notices(self) -> list[tuple[str, int, str, str]]:
        return self.heard


async def test_a_moved_leadership_day_moves_its_reminders(env: WorkflowEnvironment) -> None:
    async with Worker(env.client, task_queue=QUEUE, workflows=[Cohort, StandInJourney]):
        today = await _today(env)
        plan = m.JourneyPlan(
            [m.LeadershipDayDate(1, today + timedelta(days=20)), m.LeadershipDayDate(2, today + timedelta(days=60))]
        )
        start = CohortStart(_event(), "oxon-2026", "Oxfordshire", today, add_months(today, 18), plan)
        cohort = await env.client.start_workflow(Cohort.run, start, id="cohort-oxon-2026", task_queue=QUEUE)
        journey = await env.client.start_workflow(StandInJourney.run, id="journey-stand-in", task_queue=QUEUE)
        await cohort.signal(Cohort.school_joined, SchoolJoined(_event(), "journey-stand-in"))
        await cohort.signal(Cohort.leadership_day_moved, m.LeadershipDayMoved(_event(), 1, today + timedelta(days=40)))

        await env.sleep(timedelta(days=70))
        heard = await journey.query(StandInJourney.notices)
        await _save_history(cohort, "cohort_moves_a_leadership_day_v3")
        await journey.terminate("test over")
        await cohort.terminate("test over")

    moved = str(today + timedelta(days=40))
    assert [h[:3] for h in heard] == [
        ("moved", 1, moved),
        ("upcoming", 1, moved),
        ("passed", 1, moved),
        ("upcoming", 2, str(today + timedelta(days=60))),
        ("passed", 2, str(today + timedelta(days=60))),
    ]
    upcoming_day_one = next(h for h in heard if h[0] == "upcoming" and h[1] == 1)
    assert upcoming_day_one[3] == str(today + timedelta(days=33))  # a week before the new date, not the old


async def test_a_cohort_ends_once_its_last_day_and_its_months_are_over(env: WorkflowEnvironment) -> None:
    async with Worker(env.client, task_queue=QUEUE, workflows=[Cohort]):
        today = await _today(env)
        held_on = today + timedelta(days=10)
        plan = m.JourneyPlan([m.LeadershipDayDate(1, held_on)])
        start = CohortStart(_event(), "oxon-2026", "Oxfordshire", today, today + timedelta(days=30), plan)
        cohort = await env.client.start_workflow(Cohort.run, start, id="cohort-oxon-2026", task_queue=QUEUE)
        final = await cohort.result()
        await _save_history(cohort, "cohort_ends_v2")

    assert final.notices_sent == [f"upcoming:1:{held_on}", f"passed:1:{held_on}"]
