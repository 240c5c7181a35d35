"""The journeys on the real stack: events published to JetStream change what a journey's query shows and what
its search attributes say, and the journey's own decisions come back as events."""

from __future__ import annotations

import json
import uuid
from typing import Any

from nats.js import JetStreamContext
from temporalio.client import Client

from contracts import journey_id
from tests.clients import Platform
from tests.support import enrolled_school, eventually, registered_staff, stream_messages
from workflows.journey.messages import JourneyProgress
from workflows.verify import journey_progress


def _cohort_id() -> str:
    return f"e2e-journey-{uuid.uuid4().hex[:8]}"


async def _progress(temporal: Client, cohort_id: str, urn: str) -> JourneyProgress:
    return await eventually(lambda: journey_progress(temporal, cohort_id, urn))


async def _journey_events(js: JetStreamContext, urn: str) -> list[tuple[dict[str, str], dict[str, Any]]]:
    found = [(headers, json.loads(data)) for headers, data in await stream_messages(js, "RSP_JOURNEY")]
    return [(headers, event) for headers, event in found if event["urn"] == urn]


async def test_events_reach_the_journey_and_change_its_search_attributes(
    api: Platform, js: JetStreamContext, temporal: Client
) -> None:
    cohort_id = _cohort_id()
    urn = await enrolled_school(api, cohort_id)
    headteacher = await registered_staff(api, urn, role="headteacher")
    for module in range(1, 16):
        answer = await api.learning.record_completion({"staff_id": headteacher, "urn": urn, "module_number": module})
        assert answer.status_code == 201, answer.text

    async def journey_has_all_15() -> JourneyProgress | None:
        # The registration and the completions travel on different streams: either may reach the journey first.
        progress = await _progress(temporal, cohort_id, urn)
        known = progress.staff.get(headteacher)
        registered = known is not None and known.role == "headteacher"
        return progress if progress.module_completions() == 15 and registered else None

    progress = await eventually(journey_has_all_15, within=30)
    assert progress.staff[headteacher].role == "headteacher"
    assert progress.plan.modules == 15
    assert len(progress.plan.leadership_days) == 10

    async def found_by_attributes() -> list[str]:
        query = (
            f'Urn = "{urn}" AND CohortId = "{cohort_id}" AND LocalAuthority = "Oxfordshire" AND AtRisk = false '
            'AND JourneyPhase = "launch" AND StaffCompletedAllPercent = 100 AND MonthsElapsed = 0'
        )
        return [w.id async for w in temporal.list_workflows(query)]

    assert await eventually(found_by_attributes, within=30) == [journey_id(cohort_id, urn)]
    description = await temporal.get_workflow_handle(journey_id(cohort_id, urn)).describe()
    assert f"School {urn}" in (await description.static_summary() or "")


async def test_journey_publishes_its_start_and_ends_when_the_school_withdraws(
    api: Platform, js: JetStreamContext, temporal: Client
) -> None:
    cohort_id = _cohort_id()
    urn = await enrolled_school(api, cohort_id)

    async def started() -> list[str] | None:
        kinds = [headers["ce-type"] for headers, _ in await _journey_events(js, urn)]
        return kinds if "rsp.journey.phase_entered.v1" in kinds else None

    assert (await eventually(started, within=30))[:2] == ["rsp.journey.started.v1", "rsp.journey.phase_entered.v1"]
    withdrawal = await api.enrolment.withdraw_school(urn, "closing")
    assert withdrawal.status_code == 200, withdrawal.text

    async def withdrawn() -> dict[str, Any] | None:
        events = [
            event for headers, event in await _journey_events(js, urn) if headers["ce-type"].endswith("withdrawn.v1")
        ]
        return events[0] if events else None

    event = await eventually(withdrawn, within=30)
    assert (event["cohort_id"], event["phase"]) == (cohort_id, "launch")
    result = await temporal.get_workflow_handle(journey_id(cohort_id, urn)).result()
    assert result is not None
    # Each decision has one id, derived from the journey: headers and payload agree and nothing repeats.
    ids = [headers["ce-id"] for headers, _ in await _journey_events(js, urn)]
    assert len(ids) == len(set(ids))
