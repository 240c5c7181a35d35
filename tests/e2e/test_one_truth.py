"""One truth for each fact, on the real stack: the service that owns a fact decides it, and the others follow.

- The last day of a school's 18 months: enrolment owns it; the journey and reporting say the same day.
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
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from nats.js import JetStreamContext
from temporalio.client import Client, WorkflowHandle

from contracts import ModuleCompleted, journey_id
from runtime.dead_letters import dead_letters
from runtime.local.stack import LocalStack
from tests.clients import Platform, expect
from tests.support import enrolled_school, eventually, registered_staff
from tests.support_events import publish_event
from workflows.journey.messages import JourneyProgress, Withdrawal
from workflows.journey.workflows import SchoolJourney
from workflows.verify import journey_progress

RSP = str(Path(sys.executable).parent / "rsp")


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


async def test_a_journey_terminated_in_temporal_is_named_by_verify_and_its_events_are_ignored(
    api: Platform, temporal: Client, local_stack: LocalStack, stack_dir: Path
) -> None:
    cohort_id = _cohort_id()
    urn = await enrolled_school(api, cohort_id)
    await _journey(temporal, cohort_id, urn)

    # Termination runs no workflow code, so nothing can tell enrolment: verify names it instead.
    await _handle(temporal, cohort_id, urn).terminate(reason="an admin in the Temporal UI")
    await registered_staff(api, urn)

    workflow_id = journey_id(cohort_id, urn)
    await eventually(lambda: _ignored_by_the_bridge(local_stack, workflow_id, "(terminated)", "StaffJoined"), within=30)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RSP_")}
    env |= {"RSP_DATA_DIR": str(stack_dir), "RSP_JWT_SECRET": local_stack.settings.require_jwt_secret()}
    verified = await asyncio.to_thread(
        subprocess.run, [RSP, "verify", "--urn", urn], env=env, capture_output=True, text=True, timeout=120
    )
    assert verified.returncode == 1
    assert f"{urn}  in the programme" in verified.stdout
    assert "the journey is terminated; withdraw the school in enrolment" in verified.stdout
