"""Bad input gets a clear error naming the problem, and nothing is written: no row, no outbox row, no event."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import httpx
import pytest
from nats.js import JetStreamContext

from runtime.local.endpoints import Endpoints
from tests.support import enrolled_school, quiet_outboxes

COHORT = "e2e-bad-input"


async def _counts(db: asyncpg.Pool, js: JetStreamContext) -> tuple[int, ...]:
    await quiet_outboxes(db)
    return (
        await db.fetchval("SELECT count(*) FROM enrolment.cohorts"),
        await db.fetchval("SELECT count(*) FROM enrolment.school_enrolments"),
        await db.fetchval("SELECT count(*) FROM enrolment.outbox"),
        await db.fetchval("SELECT count(*) FROM learning.module_completions"),
        await db.fetchval("SELECT count(*) FROM learning.outbox"),
        (await js.stream_info("RSP_ENROLMENT")).state.messages,
        (await js.stream_info("RSP_LEARNING")).state.messages,
    )


@pytest.fixture(scope="module")
async def enrolled_urn(stack: Endpoints, http: httpx.AsyncClient) -> str:
    return await enrolled_school(http, stack, COHORT)


KNOWN = "<the enrolled school>"  # stands for the URN the fixture enrols

BAD_WRITES: list[tuple[str, str, str, dict[str, Any], int, str]] = [
    (
        "urn of five digits",
        "enrolment",
        "/schools",
        {"urn": "12345", "name": "A", "cohort_id": COHORT, "phase": "primary"},
        422,
        "urn",
    ),
    (
        "urn with letters",
        "enrolment",
        "/schools",
        {"urn": "12345a", "name": "A", "cohort_id": COHORT, "phase": "primary"},
        422,
        "urn",
    ),
    (
        "missing school name",
        "enrolment",
        "/schools",
        {"urn": "654321", "cohort_id": COHORT, "phase": "primary"},
        422,
        "name",
    ),
    (
        "unknown cohort",
        "enrolment",
        "/schools",
        {"urn": "654321", "name": "A", "cohort_id": "no-such", "phase": "primary"},
        404,
        "no-such",
    ),
    (
        "extra field",
        "enrolment",
        "/schools",
        {"urn": "654321", "name": "A", "cohort_id": COHORT, "phase": "primary", "role": "x"},
        422,
        "role",
    ),
    (
        "unknown phase",
        "enrolment",
        "/schools",
        {"urn": "654321", "name": "A", "cohort_id": COHORT, "phase": "sixth form"},
        422,
        "phase",
    ),
    (
        "headteacher email malformed",
        "enrolment",
        "/schools",
        {
            "urn": "654321",
            "name": "A",
            "cohort_id": COHORT,
            "phase": "primary",
            "headteacher": {"name": "H", "email": "h"},
        },
        422,
        "email",
    ),
    (
        "cohort without local authority",
        "enrolment",
        "/cohorts",
        {"cohort_id": "oxon-no-la", "name": "A", "starts_on": "2026-09-01"},
        422,
        "local_authority",
    ),
    (
        "cohort id with spaces",
        "enrolment",
        "/cohorts",
        {"cohort_id": "Oxon 26", "name": "A", "local_authority": "Oxfordshire", "starts_on": "2026-09-01"},
        422,
        "cohort_id",
    ),
    (
        "missing cohort start",
        "enrolment",
        "/cohorts",
        {"cohort_id": "oxon-bad", "name": "A", "local_authority": "Oxfordshire"},
        422,
        "starts_on",
    ),
    (
        "impossible start date",
        "enrolment",
        "/cohorts",
        {"cohort_id": "oxon-bad", "name": "A", "starts_on": "2026-02-30"},
        422,
        "starts_on",
    ),
    (
        "existing cohort id",
        "enrolment",
        "/cohorts",
        {"cohort_id": COHORT, "name": "B", "local_authority": "Oxfordshire", "starts_on": "2026-09-01"},
        409,
        COHORT,
    ),
    ("module 16", "learning", "/completions", {"urn": KNOWN, "module_number": 16}, 422, "module_number"),
    ("module 0", "learning", "/completions", {"urn": KNOWN, "module_number": 0}, 422, "module_number"),
    (
        "staff id not a uuid",
        "learning",
        "/completions",
        {"urn": KNOWN, "staff_id": "jane@school.example"},
        422,
        "staff_id",
    ),
    ("unknown school", "learning", "/completions", {"urn": "999999"}, 404, "999999"),
    ("staff not registered", "learning", "/completions", {"urn": KNOWN}, 422, "is not registered at school"),
    (
        "time without zone",
        "learning",
        "/completions",
        {"urn": KNOWN, "completed_at": "2026-11-01T10:00:00"},
        422,
        "completed_at",
    ),
]


@pytest.mark.parametrize(
    ("case", "service", "path", "body", "status", "named"), BAD_WRITES, ids=[c[0] for c in BAD_WRITES]
)
async def test_bad_write_is_refused_naming_the_problem_and_writes_nothing(
    stack: Endpoints,
    http: httpx.AsyncClient,
    db: asyncpg.Pool,
    js: JetStreamContext,
    enrolled_urn: str,
    case: str,
    service: str,
    path: str,
    body: dict[str, Any],
    status: int,
    named: str,
) -> None:
    if path == "/completions":
        body = {"staff_id": str(uuid.uuid4()), "module_number": 2, **body}
    body = {key: enrolled_urn if value == KNOWN else value for key, value in body.items()}
    before = await _counts(db, js)

    answer = await http.post(f"{stack.url(service)}{path}", json=body)

    assert answer.status_code == status, answer.text
    assert named in answer.text
    assert await _counts(db, js) == before


async def test_school_enrolled_twice_gets_409_naming_its_cohort(
    stack: Endpoints, http: httpx.AsyncClient, db: asyncpg.Pool, js: JetStreamContext, enrolled_urn: str
) -> None:
    before = await _counts(db, js)

    answer = await http.post(
        f"{stack.url('enrolment')}/schools",
        json={"urn": enrolled_urn, "name": "Again", "cohort_id": COHORT, "phase": "primary"},
    )

    assert answer.status_code == 409
    assert answer.json()["detail"] == f"school {enrolled_urn} is already enrolled in active cohort {COHORT!r}"
    assert await _counts(db, js) == before


async def test_unknown_cohort_and_school_reads_are_404(stack: Endpoints, http: httpx.AsyncClient) -> None:
    cohort = await http.get(f"{stack.url('enrolment')}/cohorts/nowhere")
    school = await http.get(f"{stack.url('enrolment')}/schools/999998")
    progress = await http.get(f"{stack.url('reporting')}/schools/999998/progress")

    assert (cohort.status_code, cohort.json()["detail"]) == (404, "cohort 'nowhere' does not exist")
    assert (school.status_code, school.json()["detail"]) == (404, "school 999998 is not enrolled")
    assert progress.status_code == 404
