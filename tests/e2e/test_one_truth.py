"""One truth for each fact, on the real stack: the service that owns a fact decides it, and the others follow.

- The last day of a school's 18 months: enrolment owns it; the journey and reporting say the same day.
- The date of each leadership day: enrolment owns the cohort's plan; learning holds a day only on its plan's date,
  and moves its session when the plan moves.
- Whether a school is still in the programme: enrolment owns withdrawal. A journey withdrawn in the Temporal UI (an
  update or a signal sent there, or the workflow cancelled) withdraws the school in enrolment; events about a school
  whose journey has ended are acknowledged and ignored with a reason, never dead-lettered.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from nats.js import JetStreamContext
from temporalio.client import Client, WorkflowHandle

from contracts import ModuleCompleted, journey_id
from runtime.dead_letters import dead_letters
from runtime.local.stack import LocalStack
from tests.clients import Platform, expect
from tests.support import (
    Footprint,
    enrolled_school,
    eventually,
    planned_leadership_day,
    published,
    registered_staff,
    scheduled_leadership_day,
)
from tests.support_events import publish_event
from workflows.journey.messages import JourneyProgress, Withdrawal
from workflows.journey.workflows import SchoolJourney
from workflows.verify import journey_progress

RSP = str(Path(sys.executable).parent / "rsp")
SESSIONS_WRITTEN = Footprint.rows_of("learning.sessions", streams=("RSP_LEARNING",))


def _cohort_id() -> str:
    return f"e2e-truth-{uuid.uuid4().hex[:8]}"


async def _journey(temporal: Client, cohort_id: str, urn: str) -> JourneyProgress:
    return await eventually(lambda: journey_progress(temporal, cohort_id, urn), within=30)


def _handle(temporal: Client, cohort_id: str, urn: str) -> WorkflowHandle[SchoolJourney, Any]:
    return temporal.get_workflow_handle_for(SchoolJourney.run, journey_id(cohort_id, urn))


async def _ignored_by_the_bridge(local_stack: LocalStack, *saying: str) -> str | None:
    """The bridge's log line acknowledging and ignoring an event, naming everything in `saying`."""
    log = (local_stack.data_dir / "logs" / "bridge.log").read_text(encoding="utf-8", errors="replace")
    return next((line for line in log.splitlines() if "ignored" in line and all(s in line for s in saying)), None)


async def _school_withdrawn(api: Platform, urn: str) -> dict[str, Any] | None:
    school: dict[str, Any] = expect(await api.enrolment.school(urn))
    return school if school["status"] == "withdrawn" else None


async def test_enrolment_the_journey_and_reporting_end_the_programme_on_the_same_day(
    api: Platform, temporal: Client
) -> None:
    cohort_id = _cohort_id()
    urn = await enrolled_school(api, cohort_id)

    school = expect(await api.enrolment.school(urn))
    journey = await _journey(temporal, cohort_id, urn)
    reported = expect(await api.reporting.impact(urn))

    # Enrolment owns the dates: the last day of the 18 months from the day the school joined.
    assert school["programme_ends_on"] > school["enrolled_on"]
    assert journey.ends_on.isoformat() == school["programme_ends_on"]
    assert reported["programme_ends_on"] == school["programme_ends_on"]


async def _withdraw_by_update(handle: WorkflowHandle[SchoolJourney, Any], on: date) -> None:
    await handle.execute_update(SchoolJourney.withdraw, Withdrawal(withdrawn_on=on))


async def _withdraw_by_signal(handle: WorkflowHandle[SchoolJourney, Any], on: date) -> None:
    # As the Temporal UI sends it: no event id, since no event came before it.
    await handle.signal(SchoolJourney.school_withdrawn, Withdrawal(withdrawn_on=on))


async def _cancel(handle: WorkflowHandle[SchoolJourney, Any], _: date) -> None:
    await handle.cancel()


@pytest.mark.parametrize("withdraw", [_withdraw_by_update, _withdraw_by_signal, _cancel], ids=lambda f: f.__name__)
async def test_a_journey_withdrawn_in_temporal_withdraws_the_school_in_enrolment_and_later_events_are_ignored(
    withdraw: Any, api: Platform, js: JetStreamContext, temporal: Client, local_stack: LocalStack
) -> None:
    cohort_id = _cohort_id()
    urn = await enrolled_school(api, cohort_id)
    staff_id = await registered_staff(api, urn)
    await _journey(temporal, cohort_id, urn)
    today = datetime.now(UTC).date()

    await withdraw(_handle(temporal, cohort_id, urn), today)

    school = await eventually(lambda: _school_withdrawn(api, urn), within=30)
    assert school["ended_on"] == today.isoformat()
    await _handle(temporal, cohort_id, urn).result()  # the journey ended, as a withdrawal, not cancelled
    refused = await api.enrolment.register_staff(urn, {"name": "A Teacher", "email": "t@school.example"})
    assert refused.status_code in (409, 422), refused.text  # the owner's answer holds everywhere: no longer active
    # A completion from before the withdrawal arriving late: the bridge acknowledges it with a reason.
    late = ModuleCompleted(
        completion_id=uuid.uuid4(),
        staff_id=uuid.UUID(staff_id),
        urn=urn,
        cohort_id=cohort_id,
        module_number=1,
        completed_at=datetime.now(UTC),
    )
    envelope = await publish_event(js, late)
    reason = await eventually(lambda: _ignored_by_the_bridge(local_stack, str(envelope.id)), within=30)
    assert "has ended" in reason
    assert not [letter async for letter in dead_letters(js, "bridge") if letter.event_id == str(envelope.id)]


async def test_a_journey_terminated_in_temporal_is_named_by_verify_then_withdrawn_when_its_school_is_next_heard_of(
    api: Platform, temporal: Client, local_stack: LocalStack, stack_dir: Path
) -> None:
    cohort_id = _cohort_id()
    urn = await enrolled_school(api, cohort_id)
    await _journey(temporal, cohort_id, urn)

    # Termination runs no workflow code: until the bridge next hears of the school, verify names the difference.
    await _handle(temporal, cohort_id, urn).terminate(reason="an admin in the Temporal UI")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RSP_")}
    env |= {"RSP_DATA_DIR": str(stack_dir), "RSP_JWT_SECRET": local_stack.settings.require_jwt_secret()}
    verified = await asyncio.to_thread(
        subprocess.run, [RSP, "verify", "--urn", urn], env=env, capture_output=True, text=True, timeout=120
    )
    assert verified.returncode == 1, verified.stdout + verified.stderr
    assert f"{urn}  in the programme" in verified.stdout
    assert "the journey is terminated; withdraw the school in enrolment" in verified.stdout

    await registered_staff(api, urn)

    workflow_id = journey_id(cohort_id, urn)
    await eventually(lambda: _ignored_by_the_bridge(local_stack, workflow_id, "(terminated)", "StaffJoined"), within=30)
    school = await eventually(lambda: _school_withdrawn(api, urn), within=30)
    assert school["ended_on"] == datetime.now(UTC).date().isoformat()


# --- leadership days: enrolment owns the cohort's plan; learning holds each day on the plan's date ---------------


async def test_learning_refuses_a_leadership_day_on_a_date_the_plan_does_not_hold_and_writes_nothing(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    cohort_id = _cohort_id()
    await enrolled_school(api, cohort_id)
    planned = date.fromisoformat(await planned_leadership_day(api, cohort_id, 2))
    await scheduled_leadership_day(api, cohort_id, 1)  # the plan has reached learning
    before = await SESSIONS_WRITTEN.taken(db, js)

    elsewhere = await api.learning.schedule_session(
        {"kind": "leadership_day", "cohort_id": cohort_id, "day_number": 2, "held_on": str(planned + timedelta(1))}
    )
    beyond = await api.learning.schedule_session(
        {"kind": "leadership_day", "cohort_id": cohort_id, "day_number": 11, "held_on": str(planned)}
    )

    assert elsewhere.status_code == 422, elsewhere.text
    assert "held_on" in elsewhere.text
    assert f"holds leadership day 2 on {planned.isoformat()}" in elsewhere.text
    assert f"/cohorts/{cohort_id}/leadership-days/2" in elsewhere.text
    assert beyond.status_code == 422, beyond.text
    assert "plan has 10 leadership days" in beyond.text
    assert await SESSIONS_WRITTEN.taken(db, js) == before


async def test_a_leadership_day_moved_in_the_plan_moves_learnings_session_and_it_cannot_move_off_the_plan(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    cohort_id = _cohort_id()
    urn = await enrolled_school(api, cohort_id)
    session = await scheduled_leadership_day(api, cohort_id, 3)
    planned = date.fromisoformat(session["held_on"])
    moved_to = planned + timedelta(days=7)  # the same weekday, a week later

    expect(await api.enrolment.move_leadership_day(cohort_id, 3, {"held_on": moved_to.isoformat()}))

    async def learning_followed() -> dict[str, Any] | None:
        sessions = expect(await api.learning.school_sessions(urn))
        found = next(s for s in sessions if s["session_id"] == session["session_id"])
        return found if found["held_on"] == moved_to.isoformat() else None

    await eventually(learning_followed, within=30)
    scheduled = [
        event
        for kind, event in await published(db, js, "RSP_LEARNING")
        if kind == "rsp.learning.session.scheduled.v1" and event["session_id"] == session["session_id"]
    ]
    assert [e.get("rescheduled_from") for e in scheduled] == [None, planned.isoformat()]
    off_plan = await api.learning.move_session(session["session_id"], planned.isoformat())
    assert off_plan.status_code == 422, off_plan.text
    assert f"holds leadership day 3 on {moved_to.isoformat()}" in off_plan.text
