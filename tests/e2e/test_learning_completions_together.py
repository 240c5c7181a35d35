"""Completions sent at the same time, against the real stack: each is recorded once, with one event, and each
request gets the answer it would have had alone, however many were written together."""

from __future__ import annotations

import asyncio
import json
import secrets
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from nats.js import JetStreamContext

from tests.clients import Platform
from tests.support import enrolled_school, eventually, published, registered_staff

COHORT = "e2e-learning-together"
COMPLETED = "rsp.learning.module.completed.v1"


async def _complete(api: Platform, staff_id: str, urn: str, module: int) -> httpx.Response:
    return await api.learning.record_completion({"staff_id": staff_id, "urn": urn, "module_number": module})


async def _completed_events(db: asyncpg.Pool, js: JetStreamContext, urn: str) -> list[dict[str, Any]]:
    return [event for kind, event in await published(db, js, "RSP_LEARNING", COMPLETED) if event["urn"] == urn]


async def _stored(db: asyncpg.Pool, urn: str) -> set[str]:
    rows = await db.fetch("SELECT completion_id FROM learning.module_completions WHERE urn = $1", urn)
    return {str(row["completion_id"]) for row in rows}


async def test_a_burst_of_completions_is_recorded_once_each_with_one_event_each(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    urn = await enrolled_school(api, COHORT)
    staff = await asyncio.gather(*(registered_staff(api, urn) for _ in range(6)))
    sent = [(staff_id, module) for staff_id in staff for module in range(1, 8)]

    answers = await asyncio.gather(*(_complete(api, staff_id, urn, module) for staff_id, module in sent))

    assert [a.status_code for a in answers] == [201] * len(sent)
    recorded = {(a.json()["staff_id"], a.json()["module_number"]): a.json()["completion_id"] for a in answers}
    assert set(recorded) == set(sent)
    events = await _completed_events(db, js, urn)
    assert sorted(e["completion_id"] for e in events) == sorted(recorded.values())
    assert await _stored(db, urn) == set(recorded.values())


async def test_the_same_completion_sent_many_times_at_once_is_new_once_and_the_same_completion_otherwise(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    urn = await enrolled_school(api, COHORT)
    staff_id = await registered_staff(api, urn)

    answers = await asyncio.gather(*(_complete(api, staff_id, urn, 4) for _ in range(12)))

    assert sorted(a.status_code for a in answers) == [200] * 11 + [201]
    assert len({a.json()["completion_id"] for a in answers}) == 1
    events = await _completed_events(db, js, urn)
    assert [e["completion_id"] for e in events] == [answers[0].json()["completion_id"]]


async def test_a_bad_completion_in_a_burst_gets_its_own_error_and_the_others_are_recorded(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    urn = await enrolled_school(api, COHORT)
    staff = await asyncio.gather(*(registered_staff(api, urn) for _ in range(4)))
    stranger, not_enrolled = str(uuid.uuid4()), "999998"
    sent = [(s, urn) for s in staff[:2]] + [(stranger, urn), (staff[2], not_enrolled)] + [(s, urn) for s in staff[2:]]

    answers = await asyncio.gather(*(_complete(api, staff_id, school, 5) for staff_id, school in sent))

    assert [a.status_code for a in answers] == [201, 201, 422, 404, 201, 201]
    assert stranger in answers[2].json()["detail"]
    assert not_enrolled in answers[3].json()["detail"]
    recorded = {answers[n].json()["completion_id"] for n in (0, 1, 4, 5)}
    assert await _stored(db, urn) == recorded
    assert {e["completion_id"] for e in await _completed_events(db, js, urn)} == recorded
    assert await db.fetchval("SELECT count(*) FROM learning.module_completions WHERE urn = $1", not_enrolled) == 0


async def test_each_completion_written_together_continues_its_own_request_trace(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext, stack_dir: Path
) -> None:
    urn = await enrolled_school(api, COHORT)
    staff = await asyncio.gather(*(registered_staff(api, urn) for _ in range(5)))
    traces = {staff_id: secrets.token_hex(16) for staff_id in staff}

    answers = await asyncio.gather(
        *(
            api.learning.record_completion(
                {"staff_id": staff_id, "urn": urn, "module_number": 2},
                headers={"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"},
            )
            for staff_id, trace_id in traces.items()
        )
    )
    assert [a.status_code for a in answers] == [201] * len(staff)
    await _completed_events(db, js, urn)  # every one relayed

    def relayed_in(trace_id: str) -> bool:
        path = stack_dir / "traces" / "learning.jsonl"
        return any(
            span["name"] == f"outbox relay {COMPLETED}" and span["context"]["trace_id"] == f"0x{trace_id}"
            for span in map(json.loads, path.read_text(encoding="utf-8").splitlines())
        )

    async def every_event_in_its_request_trace() -> bool:
        return all(relayed_in(trace_id) for trace_id in traces.values())

    assert await eventually(every_event_in_its_request_trace)
