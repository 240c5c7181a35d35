"""The foundation slice, end to end through the HTTP APIs of the real running stack.

enrol a school -> outbox -> JetStream -> bridge -> SchoolJourney (found by URN); complete a module -> JetStream
-> bridge -> journey query, and reporting's projection -> reporting API.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import asyncpg
from nats.js import JetStreamContext
from temporalio.client import Client

from contracts import journey_id
from tests.clients import Platform
from tests.support import (
    enrolled_learner,
    ensure_cohort,
    eventually,
    next_urn,
    stream_messages,
)
from workflows.journey.messages import JourneyProgress
from workflows.verify import journey_progress

COHORT = "e2e-slice"


async def _event_about(js: JetStreamContext, stream: str, urn: str) -> tuple[dict[str, str], bytes] | None:
    found = [m for m in await stream_messages(js, stream) if json.loads(m[1]).get("urn") == urn]
    assert len(found) <= 1, f"expected at most one event about {urn}, found {len(found)}"
    return found[0] if found else None


async def _journey(temporal: Client, urn: str) -> JourneyProgress:
    return await eventually(lambda: journey_progress(temporal, COHORT, urn))


async def test_enrolled_school_gets_a_journey_admins_find_by_urn(
    api: Platform, js: JetStreamContext, temporal: Client
) -> None:
    await ensure_cohort(api, COHORT, "End to end")
    urn = next_urn()

    answer = await api.enrolment.enrol_school({"urn": urn, "name": f"School {urn}", "cohort_id": COHORT,
                                               "phase": "primary"})  # fmt: skip

    assert answer.status_code == 201, answer.text
    assert answer.json()["journey_id"] == f"journey-{COHORT}-{urn}"
    event = await eventually(lambda: _event_about(js, "RSP_ENROLMENT", urn))
    headers, data = event
    assert headers["ce-type"] == "rsp.enrolment.school.enrolled.v1"
    assert headers["ce-source"] == "/rsp/enrolment"
    assert headers["ce-specversion"] == "1.0"
    assert headers["ce-subject"] == urn
    assert headers["Nats-Msg-Id"] == headers["ce-id"]
    assert json.loads(data)["cohort_id"] == COHORT

    async def found_by_urn() -> list[str]:
        return [w.id async for w in temporal.list_workflows(f'Urn = "{urn}"')]

    assert await eventually(found_by_urn) == [journey_id(COHORT, urn)]
    progress = await _journey(temporal, urn)
    assert (progress.urn, progress.cohort_id, progress.phase) == (urn, COHORT, "launch")


async def test_module_completion_reaches_the_journey_and_reporting_once(
    api: Platform, js: JetStreamContext, temporal: Client
) -> None:
    urn, staff_id = await enrolled_learner(api, COHORT)

    completion = {"staff_id": staff_id, "urn": urn, "module_number": 3}
    first = await api.learning.record_completion(completion)
    again = await api.learning.record_completion(completion)

    assert first.status_code == 201, first.text
    assert again.status_code == 200
    assert again.json()["completion_id"] == first.json()["completion_id"]

    async def journey_shows_it() -> JourneyProgress | None:
        progress = await _journey(temporal, urn)
        return progress if progress.module_completions() else None

    progress = await eventually(journey_shows_it)
    assert progress.modules_of(staff_id) == [3]

    async def reporting_counts_it() -> dict[str, Any] | None:
        answer = await api.reporting.progress(urn)
        body: dict[str, Any] = answer.json()
        return body if answer.status_code == 200 and body["modules"]["module_completions"] else None

    report = await eventually(reporting_counts_it)
    assert report["modules"] == {
        "module_completions": 1,
        "staff_with_completions": 1,
        "staff_completed_all": 0,
        "completions_by_module": {str(n): int(n == 3) for n in range(1, 16)},
    }
    headers, data = await eventually(lambda: _event_about(js, "RSP_LEARNING", urn))  # exactly one, or it fails
    assert headers["ce-type"] == "rsp.learning.module.completed.v1"
    assert json.loads(data)["staff_id"] == staff_id


async def test_redelivered_event_changes_nothing(
    api: Platform, js: JetStreamContext, temporal: Client, db: asyncpg.Pool
) -> None:
    urn, staff_id = await enrolled_learner(api, COHORT)
    answer = await api.learning.record_completion({"staff_id": staff_id, "urn": urn, "module_number": 1})
    assert answer.status_code == 201
    headers, data = await eventually(lambda: _event_about(js, "RSP_LEARNING", urn))

    async def applied_everywhere() -> bool:
        progress = await _journey(temporal, urn)
        seen = await db.fetchval(
            "SELECT count(*) FROM reporting.inbox WHERE event_id = $1", uuid.UUID(headers["ce-id"])
        )
        return progress.module_completions() == 1 and seen == 1

    await eventually(applied_everywhere)

    # The same event again, as a redelivery would bring it (a new JetStream message id gets past de-duplication).
    await js.publish("rsp.learning.module.completed.v1", data, headers={**headers, "Nats-Msg-Id": str(uuid.uuid4())})

    async def duplicate_consumed() -> bool:
        pending = 0
        for durable in ("bridge-rsp-learning-module-completed-v1", "reporting-rsp-learning-module-completed-v1"):
            info = await js.consumer_info("RSP_LEARNING", durable)
            pending += info.num_pending + info.num_ack_pending
        return pending == 0

    await eventually(duplicate_consumed)
    progress = await _journey(temporal, urn)
    assert progress.module_completions() == 1
    assert headers["ce-id"] in progress.events_seen  # seen, and counted once
    report = (await api.reporting.progress(urn)).json()
    assert report["modules"]["module_completions"] == 1
