"""The online modules against the real stack: catalogue, roster, starts, corrections and progress."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from nats.js import JetStreamContext

from tests.clients import Platform
from tests.support import (
    enrolled_learner,
    enrolled_school,
    eventually,
    learning_knows_staff,
    published,
    registered_staff,
)

COHORT = "e2e-learning-modules"


async def _learning_events(db: asyncpg.Pool, js: JetStreamContext, urn: str) -> list[tuple[str, dict[str, Any]]]:
    return [(kind, event) for kind, event in await published(db, js, "RSP_LEARNING") if event.get("urn") == urn]


async def _complete(api: Platform, staff_id: str, urn: str, module: int) -> httpx.Response:
    body = {"staff_id": staff_id, "urn": urn, "module_number": module}
    return await api.learning.record_completion(body)


async def test_catalogue_lists_the_fifteen_modules_in_order(api: Platform) -> None:
    modules = (await api.learning.modules()).json()

    assert [m["number"] for m in modules] == list(range(1, 16))
    titles = " ".join(m["title"] for m in modules).lower()
    for theme in ("attachment", "adverse childhood", "trauma", "co-regulation", "shame", "behaviour as communication",
                  "restorative conversations", "circles", "send and semh", "inclusive", "families", "wellbeing",
                  "leading relational culture"):  # fmt: skip
        assert theme in titles
    assert all(m["summary"] and m["expected_minutes"] > 0 for m in modules)


async def test_completion_by_staff_not_registered_at_the_school_is_refused_and_writes_nothing(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    urn, elsewhere = await enrolled_school(api, COHORT), await enrolled_school(api, COHORT)
    other_school_staff = await registered_staff(api, elsewhere)
    before = await _learning_events(db, js, urn)

    for stranger in (str(uuid.uuid4()), other_school_staff):
        answer = await _complete(api, stranger, urn, 1)
        assert answer.status_code == 422
        assert stranger in answer.json()["detail"]

    assert await db.fetchval("SELECT count(*) FROM learning.module_completions WHERE urn = $1", urn) == 0
    assert await _learning_events(db, js, urn) == before


async def test_staff_who_left_count_no_more_and_their_later_learning_is_refused(api: Platform) -> None:
    urn = await enrolled_school(api, COHORT)
    today = datetime.now(UTC).date()
    member = {"name": "Leaving Soon", "email": f"{uuid.uuid4().hex}@school.example", "role": "teacher",
              "starts_on": (today - timedelta(days=60)).isoformat()}  # fmt: skip
    leaver = (await api.enrolment.register_staff(urn, member)).json()["staff_id"]
    await learning_knows_staff(api, urn, leaver)
    stayer = await registered_staff(api, urn)
    for staff_id in (leaver, stayer):
        assert (await _complete(api, staff_id, urn, 1)).status_code == 201
    left_on = (today - timedelta(days=1)).isoformat()
    assert (await api.enrolment.record_departure(urn, leaver, {"left_on": left_on})).status_code == 200

    async def leaver_gone() -> dict[str, Any] | None:
        progress: dict[str, Any] = (await api.learning.school_progress(urn)).json()
        return progress if progress["current_staff"] == 1 else None

    progress = await eventually(leaver_gone)
    later = await _complete(api, leaver, urn, 2)

    assert progress["completions_by_module"]["1"] == 1
    assert later.status_code == 422
    assert f"staff_id {leaver} left school {urn}" in later.json()["detail"]


async def test_withdrawn_school_accepts_no_more_completions(api: Platform) -> None:
    urn, staff_id = await enrolled_learner(api, COHORT)
    assert (await api.enrolment.withdraw_school(urn, "x")).is_success

    async def refused() -> httpx.Response | None:
        answer = await _complete(api, staff_id, urn, 1)
        return answer if answer.status_code == 409 else None

    answer = await eventually(refused)
    assert answer.json()["detail"] == f"school {urn} is withdrawn, no longer active in the programme"


async def test_start_is_published_once_and_shows_in_progress(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    urn, staff_id = await enrolled_learner(api, COHORT)
    start = {"staff_id": staff_id, "urn": urn, "module_number": 6}

    first = await api.learning.record_start(start)
    again = await api.learning.record_start(start)
    progress = (await api.learning.staff_progress(urn, staff_id)).json()

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert progress["modules_started"] == [6]
    assert progress["modules_completed"] == []
    events = await _learning_events(db, js, urn)
    assert [t for t, _ in events] == ["rsp.learning.module.started.v1"]
    assert events[0][1] == {**{k: v for k, v in first.json().items()}, "module_number": 6}


async def test_withdrawn_completion_stops_counting_and_flows_on_without_its_reason(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    urn, staff_id = await enrolled_learner(api, COHORT)
    completion = (await _complete(api, staff_id, urn, 3)).json()

    withdrawn = await api.learning.withdraw_completion(
        completion["completion_id"], {"reason": "recorded against the wrong colleague"}
    )
    again = await api.learning.withdraw_completion(completion["completion_id"], {"reason": "twice"})
    progress = (await api.learning.school_progress(urn)).json()
    redone = await _complete(api, staff_id, urn, 3)

    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["reason"] == "recorded against the wrong colleague"
    assert again.status_code == 409
    assert progress["completions_by_module"]["3"] == 0
    assert redone.status_code == 201
    assert redone.json()["completion_id"] != completion["completion_id"]
    events = await _learning_events(db, js, urn)
    assert [t for t, _ in events] == [
        "rsp.learning.module.completed.v1",
        "rsp.learning.module.completion_withdrawn.v1",
        "rsp.learning.module.completed.v1",
    ]
    assert events[1][1]["completion_id"] == completion["completion_id"]
    assert "wrong colleague" not in json.dumps(events[1][1])


@pytest.mark.parametrize(
    ("body", "named"),
    [({"reason": ""}, "reason"), ({}, "reason"), ({"reason": "x", "extra": 1}, "extra")],
    ids=["empty reason", "no reason", "extra field"],
)
async def test_bad_withdrawal_is_refused_naming_the_field_and_writes_nothing(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext, body: dict[str, Any], named: str
) -> None:
    urn, staff_id = await enrolled_learner(api, COHORT)
    completion = (await _complete(api, staff_id, urn, 3)).json()
    before = await _learning_events(db, js, urn)

    answer = await api.learning.withdraw_completion(completion["completion_id"], body)

    assert answer.status_code == 422
    assert named in answer.text
    assert await db.fetchval("SELECT count(*) FROM learning.completion_withdrawals WHERE urn = $1", urn) == 0
    assert await _learning_events(db, js, urn) == before


async def test_school_and_cohort_progress_count_current_staff_and_full_completers(api: Platform) -> None:
    cohort = f"e2e-progress-{uuid.uuid4().hex[:6]}"
    urn, other = await enrolled_school(api, cohort), await enrolled_school(api, cohort)
    finisher, starter = await registered_staff(api, urn), await registered_staff(api, urn)
    for module in range(1, 16):
        assert (await _complete(api, finisher, urn, module)).status_code == 201
    assert (await _complete(api, starter, urn, 15)).status_code == 201
    await registered_staff(api, other)

    school = (await api.learning.school_progress(urn)).json()
    finisher_progress = (await api.learning.staff_progress(urn, finisher)).json()
    whole = (await api.learning.cohort_progress(cohort)).json()

    assert (school["current_staff"], school["staff_started"], school["staff_completed_all"]) == (2, 2, 1)
    assert school["completions_by_module"] == {str(n): 2 if n == 15 else 1 for n in range(1, 16)}
    assert finisher_progress["completed_all"] is True
    assert (whole["current_staff"], whole["staff_started"], whole["staff_completed_all"]) == (3, 2, 1)
    assert [s["urn"] for s in whole["schools"]] == sorted([urn, other])
    assert whole["completions_by_module"]["15"] == 2


async def test_retried_start_with_an_idempotency_key_gets_the_first_answer(api: Platform, db: asyncpg.Pool) -> None:
    urn, staff_id = await enrolled_learner(api, COHORT)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = {"staff_id": staff_id, "urn": urn, "module_number": 9}

    answers = [await api.learning.record_start(body, headers=key) for _ in "ab"]

    assert [a.status_code for a in answers] == [201, 201]
    assert answers[1].headers["idempotent-replayed"] == "true"
    assert (
        await db.fetchval("SELECT count(*) FROM learning.module_starts WHERE staff_id = $1", uuid.UUID(staff_id)) == 1
    )
