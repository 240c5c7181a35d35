"""Bad input gets a clear error naming the problem, and nothing is written: no row, no outbox row, no event."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import httpx
import pytest
from nats.js import JetStreamContext

from runtime.local.endpoints import Endpoints
from tests.support import eventually, next_urn

COHORT = "e2e-bad-input"


async def _counts(db: asyncpg.Pool, js: JetStreamContext) -> tuple[int, ...]:
    return (
        await db.fetchval("SELECT count(*) FROM enrolment.school_enrolments"),
        await db.fetchval("SELECT count(*) FROM enrolment.outbox"),
        await db.fetchval("SELECT count(*) FROM learning.module_completions"),
        await db.fetchval("SELECT count(*) FROM learning.outbox"),
        (await js.stream_info("RSP_ENROLMENT")).state.messages,
        (await js.stream_info("RSP_LEARNING")).state.messages,
    )


@pytest.fixture(scope="module")
async def enrolled_urn(stack: Endpoints, http: httpx.AsyncClient) -> str:
    cohort = {"cohort_id": COHORT, "name": "Bad input", "starts_on": "2026-09-01"}
    assert (await http.post(f"{stack.url('enrolment')}/cohorts", json=cohort)).status_code == 201
    urn = next_urn()
    body = {"urn": urn, "name": "Known School", "cohort_id": COHORT}
    assert (await http.post(f"{stack.url('enrolment')}/schools", json=body)).status_code == 201

    async def learning_knows() -> bool:
        return (await http.get(f"{stack.url('learning')}/schools/{urn}/completions")).status_code == 200

    await eventually(learning_knows)
    return urn


BAD_ENROLMENTS: list[tuple[str, dict[str, Any], int, str]] = [
    ("urn of five digits", {"urn": "12345", "name": "A", "cohort_id": COHORT}, 422, "urn"),
    ("urn with letters", {"urn": "12345a", "name": "A", "cohort_id": COHORT}, 422, "urn"),
    ("missing name", {"urn": "654321", "cohort_id": COHORT}, 422, "name"),
    ("unknown cohort", {"urn": "654321", "name": "A", "cohort_id": "no-such-cohort"}, 404, "no-such-cohort"),
    ("extra field", {"urn": "654321", "name": "A", "cohort_id": COHORT, "role": "admin"}, 422, "role"),
]


@pytest.mark.parametrize(("case", "body", "status", "named"), BAD_ENROLMENTS, ids=[c[0] for c in BAD_ENROLMENTS])
async def test_bad_enrolment_is_refused_and_writes_nothing(
    stack: Endpoints,
    http: httpx.AsyncClient,
    db: asyncpg.Pool,
    js: JetStreamContext,
    enrolled_urn: str,
    case: str,
    body: dict[str, Any],
    status: int,
    named: str,
) -> None:
    before = await _counts(db, js)

    answer = await http.post(f"{stack.url('enrolment')}/schools", json=body)

    assert answer.status_code == status, answer.text
    assert named in answer.text
    assert await _counts(db, js) == before


async def test_school_enrolled_twice_gets_409_naming_its_cohort(
    stack: Endpoints, http: httpx.AsyncClient, db: asyncpg.Pool, js: JetStreamContext, enrolled_urn: str
) -> None:
    before = await _counts(db, js)

    answer = await http.post(
        f"{stack.url('enrolment')}/schools", json={"urn": enrolled_urn, "name": "Again", "cohort_id": COHORT}
    )

    assert answer.status_code == 409
    assert answer.json()["detail"] == f"school {enrolled_urn} is already enrolled in active cohort {COHORT!r}"
    assert await _counts(db, js) == before


def _completion(enrolled_urn: str, changes: dict[str, Any]) -> dict[str, Any]:
    return {"staff_id": str(uuid.uuid4()), "urn": enrolled_urn, "module_number": 2, **changes}


@pytest.mark.parametrize(
    ("case", "changes", "status", "named"),
    [
        ("module 16", {"module_number": 16}, 422, "module_number"),
        ("module 0", {"module_number": 0}, 422, "module_number"),
        ("staff id not a uuid", {"staff_id": "jane.smith@school.example"}, 422, "staff_id"),
        ("unknown school", {"urn": "999999"}, 404, "999999"),
        ("completion time without zone", {"completed_at": "2026-11-01T10:00:00"}, 422, "completed_at"),
    ],
)
async def test_bad_completion_is_refused_and_writes_nothing(
    stack: Endpoints,
    http: httpx.AsyncClient,
    db: asyncpg.Pool,
    js: JetStreamContext,
    enrolled_urn: str,
    case: str,
    changes: dict[str, Any],
    status: int,
    named: str,
) -> None:
    before = await _counts(db, js)

    answer = await http.post(f"{stack.url('learning')}/completions", json=_completion(enrolled_urn, changes))

    assert answer.status_code == status, answer.text
    assert named in answer.text
    assert await _counts(db, js) == before


async def test_unknown_cohort_and_school_reads_are_404(stack: Endpoints, http: httpx.AsyncClient) -> None:
    cohort = await http.get(f"{stack.url('enrolment')}/cohorts/nowhere")
    school = await http.get(f"{stack.url('enrolment')}/schools/999998")
    progress = await http.get(f"{stack.url('reporting')}/schools/999998/progress")

    assert (cohort.status_code, cohort.json()["detail"]) == (404, "cohort 'nowhere' does not exist")
    assert (school.status_code, school.json()["detail"]) == (404, "school 999998 is not enrolled")
    assert progress.status_code == 404
