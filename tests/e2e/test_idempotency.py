"""Every write honours `Idempotency-Key`: a retry gets the first answer and nothing is written twice."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import asyncpg
from nats.js import JetStreamContext

from runtime.auth import Role
from tests.clients import Platform
from tests.support import enrolled_school, ensure_cohort, next_urn, published

COHORT = "e2e-idempotency"


async def _cohort(api: Platform) -> None:
    await ensure_cohort(api, COHORT, "Idempotency cohort")


def _school(urn: str, name: str, cohort_id: str = COHORT) -> dict[str, str]:
    return {"urn": urn, "name": name, "cohort_id": cohort_id, "phase": "primary"}


async def _events_about(db: asyncpg.Pool, js: JetStreamContext, subject: str, urn: str) -> int:
    return sum(1 for _, event in await published(db, js, "RSP_ENROLMENT", subject) if event["urn"] == urn)


async def test_retried_enrolment_gets_the_first_answer_and_enrols_once(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    await _cohort(api)
    urn = next_urn()
    key = {"Idempotency-Key": str(uuid.uuid4())}

    first = await api.enrolment.enrol_school(_school(urn, "Retry Primary"), headers=key)
    again = await api.enrolment.enrol_school(_school(urn, "Retry Primary"), headers=key)

    assert first.status_code == again.status_code == 201, (first.text, again.text)
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert await db.fetchval("SELECT count(*) FROM enrolment.school_enrolments WHERE urn = $1", urn) == 1
    assert await _events_about(db, js, "rsp.enrolment.school.enrolled.v1", urn) == 1


async def test_retried_staff_registration_returns_the_same_staff_id(api: Platform, db: asyncpg.Pool) -> None:
    urn = await enrolled_school(api, COHORT)
    body = {"name": "Grace Hopper", "email": f"{uuid.uuid4().hex[:8]}@school.example", "role": "teacher"}
    key = {"Idempotency-Key": f"register-{uuid.uuid4()}"}

    answers = [await api.enrolment.register_staff(urn, body, headers=key) for _ in "ab"]

    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json()["staff_id"] == answers[1].json()["staff_id"]
    assert await db.fetchval("SELECT count(*) FROM enrolment.staff WHERE urn = $1", urn) == 1


async def test_concurrent_retries_write_once_and_all_get_the_same_answer(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    await _cohort(api)
    urn = next_urn()
    body = _school(urn, "Racing Academy")
    key = {"Idempotency-Key": str(uuid.uuid4())}

    answers = await asyncio.gather(*(api.enrolment.enrol_school(body, headers=key) for _ in range(6)))

    assert {a.status_code for a in answers} == {201}, [a.text for a in answers]
    assert len({a.text for a in answers}) == 1
    assert await db.fetchval("SELECT count(*) FROM enrolment.school_enrolments WHERE urn = $1", urn) == 1
    assert await _events_about(db, js, "rsp.enrolment.school.enrolled.v1", urn) == 1


async def test_key_reused_for_a_different_request_is_refused_and_writes_nothing(
    api: Platform, db: asyncpg.Pool
) -> None:
    await _cohort(api)
    first_urn, second_urn = next_urn(), next_urn()
    key = {"Idempotency-Key": str(uuid.uuid4())}
    assert (await api.enrolment.enrol_school(_school(first_urn, "A"), headers=key)).is_success

    reused = await api.enrolment.enrol_school(_school(second_urn, "B"), headers=key)

    assert reused.status_code == 422
    assert "Idempotency-Key" in reused.json()["detail"]
    assert await db.fetchval("SELECT count(*) FROM enrolment.school_enrolments WHERE urn = $1", second_urn) == 0


async def test_refused_request_leaves_its_key_free_for_the_corrected_one(api: Platform, db: asyncpg.Pool) -> None:
    await _cohort(api)
    urn = next_urn()
    key = {"Idempotency-Key": str(uuid.uuid4())}

    wrong = await api.enrolment.enrol_school(_school(urn, "A", "no-such-cohort"), headers=key)
    corrected = await api.enrolment.enrol_school(_school(urn, "A"), headers=key)

    assert wrong.status_code == 404
    assert corrected.status_code == 201, corrected.text
    assert await db.fetchval("SELECT count(*) FROM enrolment.school_enrolments WHERE urn = $1", urn) == 1


async def test_keys_belong_to_their_caller(api: Platform, mint: Callable[..., str], db: asyncpg.Pool) -> None:
    await _cohort(api)
    key = str(uuid.uuid4())
    other_admin = {"Authorization": f"Bearer {mint(Role.PROGRAMME_ADMIN, subject='another-admin')}"}
    first_urn, second_urn = next_urn(), next_urn()

    mine = await api.enrolment.enrol_school(_school(first_urn, "A"), headers={"Idempotency-Key": key})
    theirs = await api.enrolment.enrol_school(_school(second_urn, "B"), headers={**other_admin, "Idempotency-Key": key})

    assert mine.status_code == theirs.status_code == 201
    assert theirs.json()["urn"] == second_urn


async def test_malformed_key_is_refused_before_anything_is_written(api: Platform, db: asyncpg.Pool) -> None:
    await _cohort(api)
    urn = next_urn()

    for bad in ("", "x" * 256, "has space"):
        answer = await api.enrolment.enrol_school(_school(urn, "A"), headers={"Idempotency-Key": bad})
        assert answer.status_code == 422, bad
        assert "Idempotency-Key" in answer.json()["detail"]
    assert await db.fetchval("SELECT count(*) FROM enrolment.school_enrolments WHERE urn = $1", urn) == 0


async def test_retried_import_gets_the_first_report_not_a_report_of_nothing_new(api: Platform) -> None:
    await _cohort(api)
    urn = next_urn()
    extract = (
        "URN,EstablishmentName,LA (name),PhaseOfEducation (name),EstablishmentStatus (name),TypeOfEstablishment (name)"
        f"\r\n{urn},Retry Infant School,Oxfordshire,Primary,Open,Community school\r\n"
    ).encode("latin-1")
    key = {"Idempotency-Key": str(uuid.uuid4())}

    first = await api.enrolment.import_gias_extract(COHORT, extract, headers=key)
    again = await api.enrolment.import_gias_extract(COHORT, extract, headers=key)

    assert [s["urn"] for s in first.json()["enrolled"]] == [urn]
    assert again.json() == first.json()


async def test_every_write_of_every_service_documents_the_key(api: Platform) -> None:
    writes: list[str] = []
    for service, client in api.services.items():
        document: dict[str, Any] = (await client.openapi()).json()
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                if method in ("post", "put", "patch", "delete"):
                    names = [p["name"] for p in operation.get("parameters", [])]
                    assert "Idempotency-Key" in names, f"{service} {method} {path}"
                    writes.append(f"{service} {method} {path}")
    assert any(w.startswith("learning post /completions") for w in writes)
