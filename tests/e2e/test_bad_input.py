"""Bad input gets a clear error naming the problem, and nothing is written: no row, no outbox row, no event."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import pytest
from nats.js import JetStreamContext

from tests.clients import Platform
from tests.support import Footprint, enrolled_school

COHORT = "e2e-bad-input"
WRITTEN = Footprint.rows_of(
    "enrolment.cohorts", "enrolment.school_enrolments", "enrolment.outbox", "learning.module_completions",
    "learning.outbox", streams=("RSP_ENROLMENT", "RSP_LEARNING"),
)  # fmt: skip


@pytest.fixture(scope="module")
async def enrolled_urn(api: Platform) -> str:
    return await enrolled_school(api, COHORT)


def _write(api: Platform, write: str) -> Callable[[dict[str, Any]], Awaitable[httpx.Response]]:
    return {
        "enrol school": api.enrolment.enrol_school,
        "create cohort": api.enrolment.create_cohort,
        "record completion": api.learning.record_completion,
    }[write]


KNOWN = "<the enrolled school>"  # stands for the URN the fixture enrols

BAD_WRITES: list[tuple[str, str, dict[str, Any], int, str]] = [
    (
        "urn of five digits",
        "enrol school",
        {"urn": "12345", "name": "A", "cohort_id": COHORT, "phase": "primary"},
        422,
        "urn",
    ),
    (
        "urn with letters",
        "enrol school",
        {"urn": "12345a", "name": "A", "cohort_id": COHORT, "phase": "primary"},
        422,
        "urn",
    ),
    (
        "missing school name",
        "enrol school",
        {"urn": "654321", "cohort_id": COHORT, "phase": "primary"},
        422,
        "name",
    ),
    (
        "unknown cohort",
        "enrol school",
        {"urn": "654321", "name": "A", "cohort_id": "no-such", "phase": "primary"},
        404,
        "no-such",
    ),
    (
        "extra field",
        "enrol school",
        {"urn": "654321", "name": "A", "cohort_id": COHORT, "phase": "primary", "role": "x"},
        422,
        "role",
    ),
    (
        "unknown phase",
        "enrol school",
        {"urn": "654321", "name": "A", "cohort_id": COHORT, "phase": "sixth form"},
        422,
        "phase",
    ),
    (
        "headteacher email malformed",
        "enrol school",
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
        "create cohort",
        {"cohort_id": "oxon-no-la", "name": "A", "starts_on": "2026-09-01"},
        422,
        "local_authority",
    ),
    (
        "cohort id with spaces",
        "create cohort",
        {"cohort_id": "Oxon 26", "name": "A", "local_authority": "Oxfordshire", "starts_on": "2026-09-01"},
        422,
        "cohort_id",
    ),
    (
        "missing cohort start",
        "create cohort",
        {"cohort_id": "oxon-bad", "name": "A", "local_authority": "Oxfordshire"},
        422,
        "starts_on",
    ),
    (
        "impossible start date",
        "create cohort",
        {"cohort_id": "oxon-bad", "name": "A", "starts_on": "2026-02-30"},
        422,
        "starts_on",
    ),
    (
        "existing cohort id",
        "create cohort",
        {"cohort_id": COHORT, "name": "B", "local_authority": "Oxfordshire", "starts_on": "2026-09-01"},
        409,
        COHORT,
    ),
    ("module 16", "record completion", {"urn": KNOWN, "module_number": 16}, 422, "module_number"),
    ("module 0", "record completion", {"urn": KNOWN, "module_number": 0}, 422, "module_number"),
    (
        "staff id not a uuid",
        "record completion",
        {"urn": KNOWN, "staff_id": "jane@school.example"},
        422,
        "staff_id",
    ),
    ("unknown school", "record completion", {"urn": "999999"}, 404, "999999"),
    ("staff not registered", "record completion", {"urn": KNOWN}, 422, "is not registered at school"),
    (
        "time without zone",
        "record completion",
        {"urn": KNOWN, "completed_at": "2026-11-01T10:00:00"},
        422,
        "completed_at",
    ),
]


@pytest.mark.parametrize(("case", "write", "body", "status", "named"), BAD_WRITES, ids=[c[0] for c in BAD_WRITES])
async def test_bad_write_is_refused_naming_the_problem_and_writes_nothing(
    api: Platform,
    db: asyncpg.Pool,
    js: JetStreamContext,
    enrolled_urn: str,
    case: str,
    write: str,
    body: dict[str, Any],
    status: int,
    named: str,
) -> None:
    if write == "record completion":
        body = {"staff_id": str(uuid.uuid4()), "module_number": 2, **body}
    body = {key: enrolled_urn if value == KNOWN else value for key, value in body.items()}
    async with WRITTEN.unchanged(db, js):
        answer = await _write(api, write)(body)

        assert answer.status_code == status, answer.text
        assert named in answer.text


async def test_school_enrolled_twice_gets_409_naming_its_cohort(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext, enrolled_urn: str
) -> None:
    async with WRITTEN.unchanged(db, js):
        answer = await api.enrolment.enrol_school(
            {"urn": enrolled_urn, "name": "Again", "cohort_id": COHORT, "phase": "primary"}
        )

        assert answer.status_code == 409
        assert answer.json()["detail"] == f"school {enrolled_urn} is already enrolled in active cohort {COHORT!r}"


async def test_unknown_cohort_and_school_reads_are_404(api: Platform) -> None:
    cohort = await api.enrolment.cohort("nowhere")
    school = await api.enrolment.school("999998")
    progress = await api.reporting.progress("999998")

    assert (cohort.status_code, cohort.json()["detail"]) == (404, "cohort 'nowhere' does not exist")
    assert (school.status_code, school.json()["detail"]) == (404, "school 999998 is not enrolled")
    assert progress.status_code == 404
