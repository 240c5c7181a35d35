"""Text no database can store, JSON too deep to read and bodies too big get a clear 4xx, and nothing is written."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import pytest
from nats.js import JetStreamContext

from runtime.local.endpoints import Endpoints
from tests.clients import Platform
from tests.e2e.test_access_control import ENDPOINTS, WRITTEN, Endpoint
from tests.support import enrolled_school, ensure_cohort

COHORT = "e2e-unstorable"
BAD_TEXT = {"nul": "\x00", "lone surrogate": "\ud800"}


def _text_fields(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _text_fields(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _text_fields(inner, (*path, index))


def _with(value: Any, path: tuple[str | int, ...], bad: str) -> Any:
    if not path:
        return f"{value}{bad}"
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _with(value[path[0]], path[1:], bad)  # type: ignore[index]
    return copy


def _cases() -> Iterator[tuple[Endpoint, tuple[str | int, ...]]]:
    for endpoint in ENDPOINTS:
        if endpoint.writes and endpoint.body is not None:
            body = endpoint.body("123456")
            if isinstance(body, dict):
                for field in _text_fields(body):
                    yield endpoint, field


CASES = list(_cases())


@pytest.mark.parametrize("bad", list(BAD_TEXT), ids=list(BAD_TEXT))
@pytest.mark.parametrize(("endpoint", "field"), CASES, ids=[f"{e.name}-{'.'.join(map(str, f))}" for e, f in CASES])
async def test_unstorable_text_in_any_field_of_any_write_is_refused_naming_it_and_writes_nothing(
    stack: Endpoints,
    http: httpx.AsyncClient,
    db: asyncpg.Pool,
    js: JetStreamContext,
    endpoint: Endpoint,
    field: tuple[str | int, ...],
    bad: str,
) -> None:
    urn = "123456"
    body = endpoint.body(urn) if endpoint.body else None
    assert isinstance(body, dict)
    path = endpoint.path.format(
        urn=urn, staff_id=uuid.uuid4(), circle_id=uuid.uuid4(), learner=uuid.uuid4(), completion=uuid.uuid4(),
        session=uuid.uuid4(),
    )  # fmt: skip
    # Escaped JSON: a lone surrogate cannot even be encoded as UTF-8, only written as `\ud800`.
    content = json.dumps(_with(body, field, BAD_TEXT[bad])).encode()

    async with WRITTEN.unchanged(db, js):
        answer = await http.request(
            endpoint.method,
            f"{stack.url(endpoint.service)}{path}",
            content=content,
            headers={"Content-Type": "application/json"},
        )

    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["errors"]
    assert problem["loc"] == ["body", *field]


async def test_nul_in_a_query_parameter_or_a_csv_upload_is_refused_and_writes_nothing(
    stack: Endpoints, http: httpx.AsyncClient, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    enrolment = stack.url("enrolment")
    async with WRITTEN.unchanged(db, js):
        in_query = await http.get(f"{enrolment}/cohorts", params={"status": "active\x00"})
        in_csv = await http.post(
            f"{enrolment}/cohorts/{COHORT}/gias-imports",
            content=b"URN,EstablishmentName\r\n123456,Cherwell\x00 Primary\r\n",
            headers={"Content-Type": "text/csv"},
        )

    assert in_query.status_code == 422
    assert in_query.json()["errors"][0]["loc"] == ["query", "status"]
    assert in_csv.status_code == 422  # the extract's own reader refuses it


async def test_json_nested_thousands_deep_is_refused_and_the_service_keeps_answering(
    stack: Endpoints, http: httpx.AsyncClient
) -> None:
    learning = stack.url("learning")
    deep = b"[" * 100_000 + b"]" * 100_000

    answer = await http.post(f"{learning}/xapi/statements", content=deep, headers={"Content-Type": "application/json"})

    assert answer.status_code == 422
    assert "nested more than" in answer.json()["errors"][0]["msg"]
    assert (await http.get(f"{learning}/health")).status_code == 200


async def test_body_over_the_limit_is_refused_with_413_before_it_is_read(
    stack: Endpoints, api: Platform, http: httpx.AsyncClient, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    await ensure_cohort(api, COHORT)
    urn = await enrolled_school(api, COHORT)
    huge = json.dumps({"name": "x" * 6_000_000, "email": "a@b.example", "role": "teacher"}).encode()

    async with WRITTEN.unchanged(db, js):
        answer = await http.post(
            f"{stack.url('enrolment')}/schools/{urn}/staff", content=huge, headers={"Content-Type": "application/json"}
        )

    assert answer.status_code == 413
