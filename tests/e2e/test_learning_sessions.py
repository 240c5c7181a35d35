"""The face-to-face programme against the real stack: schedule, move, cancel and record attendance."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from nats.js import JetStreamContext

from runtime.local.endpoints import Endpoints
from tests.clients import Platform
from tests.support import enrolled_school, quiet_outboxes, registered_staff, stream_messages

TODAY = datetime.now(UTC).date()
SOON = (TODAY + timedelta(days=14)).isoformat()


async def _events(db: asyncpg.Pool, js: JetStreamContext, session_id: str) -> list[tuple[str, dict[str, Any]]]:
    await quiet_outboxes(db)
    return [
        (h["ce-type"], json.loads(data))
        for h, data in await stream_messages(js, "RSP_LEARNING")
        if json.loads(data).get("session_id") == session_id
    ]


async def _schedule(api: Platform, **body: Any) -> dict[str, Any]:
    answer = await http.post(f"{stack.url('learning')}/sessions", json=body)
    assert answer.status_code == 201, answer.text
    session: dict[str, Any] = answer.json()
    return session


def _cohort() -> str:
    return f"e2e-sessions-{uuid.uuid4().hex[:6]}"


async def test_leadership_day_held_tells_each_attending_school_without_the_venue(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    cohort = _cohort()
    first, second, absent = [await enrolled_school(api, cohort) for _ in range(3)]
    head = await registered_staff(api, first, role="headteacher")
    day = await _schedule(
        http, stack, kind="leadership_day", cohort_id=cohort, day_number=1, held_on=TODAY.isoformat(),
        venue="Oxford Town Hall",
    )  # fmt: skip

    held = await http.post(
        f"{stack.url('learning')}/sessions/{day['session_id']}/attendance",
        json={"schools": [second], "staff_ids": [head]},
    )

    assert held.status_code == 200, held.text
    assert held.json()["status"] == "held"
    events = await _events(db, js, day["session_id"])
    assert [t for t, _ in events] == ["rsp.learning.session.scheduled.v1"] + ["rsp.learning.leadership_day.held.v1"] * 2
    attended = {e["urn"]: e for _, e in events[1:]}
    assert set(attended) == {first, second}
    assert attended[first]["staff_ids"] == [head]
    assert attended[first]["day_number"] == 1
    assert absent not in attended
    assert all("Oxford" not in json.dumps(e) for _, e in events)
    school_view = (await http.get(f"{stack.url('learning')}/schools/{second}/sessions")).json()
    assert [a["urn"] for a in school_view[0]["attendance"]] == [second]  # a school sees only its own attendance


async def test_practitioner_training_names_each_trained_member_of_staff(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    cohort = _cohort()
    urn = await enrolled_school(api, cohort)
    trainees = [await registered_staff(api, urn) for _ in range(2)]
    training = await _schedule(http, stack, kind="practitioner_training", cohort_id=cohort, held_on=TODAY.isoformat())

    held = await http.post(
        f"{stack.url('learning')}/sessions/{training['session_id']}/attendance", json={"staff_ids": trainees}
    )

    assert held.status_code == 200, held.text
    trained = [
        e for t, e in await _events(db, js, training["session_id"]) if t == "rsp.learning.practitioner.trained.v1"
    ]
    assert sorted(e["staff_id"] for e in trained) == sorted(trainees)
    assert {e["urn"] for e in trained} == {urn}


async def test_mentoring_and_immersion_day_move_cancel_and_hold(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    cohort = _cohort()
    urn = await enrolled_school(api, cohort)
    learning = stack.url("learning")
    mentoring = await _schedule(http, stack, kind="mentoring", urn=urn, held_on=SOON)
    immersion = await _schedule(http, stack, kind="immersion_day", cohort_id=cohort, held_on=SOON, venue="Host School")

    moved = await http.post(f"{learning}/sessions/{mentoring['session_id']}/move", json={"held_on": TODAY.isoformat()})
    held = await http.post(f"{learning}/sessions/{mentoring['session_id']}/attendance", json={"schools": [urn]})
    cancelled = await http.post(f"{learning}/sessions/{immersion['session_id']}/cancellation", json={"reason": "flood"})
    cancel_again = await http.post(f"{learning}/sessions/{immersion['session_id']}/cancellation", json={"reason": "x"})
    move_held = await http.post(f"{learning}/sessions/{mentoring['session_id']}/move", json={"held_on": SOON})

    assert (moved.status_code, held.status_code, cancelled.status_code) == (200, 200, 200)
    assert mentoring["cohort_id"] == cohort
    assert (cancel_again.status_code, move_held.status_code) == (409, 409)
    assert "cancelled" in cancel_again.json()["detail"]
    mentoring_events = await _events(db, js, mentoring["session_id"])
    assert [t for t, _ in mentoring_events] == [
        "rsp.learning.session.scheduled.v1",
        "rsp.learning.session.scheduled.v1",
        "rsp.learning.mentoring_session.held.v1",
    ]
    assert mentoring_events[1][1]["rescheduled_from"] == SOON
    immersion_events = await _events(db, js, immersion["session_id"])
    assert [t for t, _ in immersion_events] == [
        "rsp.learning.session.scheduled.v1",
        "rsp.learning.session.cancelled.v1",
    ]
    assert "flood" not in json.dumps(immersion_events[1][1])


BAD_SESSIONS: list[tuple[str, dict[str, Any], int, str]] = [
    ("leadership day without number", {"kind": "leadership_day", "held_on": SOON}, 422, "day_number"),
    ("leadership day 21", {"kind": "leadership_day", "day_number": 21, "held_on": SOON}, 422, "day_number"),
    ("mentoring without school", {"kind": "mentoring", "held_on": SOON, "cohort_id": None}, 422, "urn"),
    ("immersion day for one school", {"kind": "immersion_day", "held_on": SOON, "urn": "<school>"}, 422, "urn"),
    ("unknown kind", {"kind": "webinar", "held_on": SOON}, 422, "kind"),
    ("impossible date", {"kind": "immersion_day", "held_on": "2026-02-30"}, 422, "held_on"),
    ("number on immersion day", {"kind": "immersion_day", "day_number": 2, "held_on": SOON}, 422, "day_number"),
    (
        "unknown cohort",
        {"kind": "immersion_day", "held_on": SOON, "cohort_id": "no-such-cohort"},
        404,
        "no-such-cohort",
    ),
    ("venue too long", {"kind": "immersion_day", "held_on": SOON, "venue": "x" * 201}, 422, "venue"),
]


@pytest.mark.parametrize(("case", "body", "status", "named"), BAD_SESSIONS, ids=[c[0] for c in BAD_SESSIONS])
async def test_bad_session_is_refused_naming_the_field_and_writes_nothing(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext,
    case: str, body: dict[str, Any], status: int, named: str,
) -> None:  # fmt: skip
    cohort = _cohort()
    urn = await enrolled_school(api, cohort)
    body = {"cohort_id": cohort, **body}
    body = {k: urn if v == "<school>" else v for k, v in body.items() if v is not None}
    await quiet_outboxes(db)
    before = (
        await db.fetchval("SELECT count(*) FROM learning.sessions"),
        (await js.stream_info("RSP_LEARNING")).state.messages,
    )

    answer = await http.post(f"{stack.url('learning')}/sessions", json=body)

    assert answer.status_code == status, answer.text
    assert named in answer.json()["detail"] if isinstance(answer.json()["detail"], str) else named in answer.text
    await quiet_outboxes(db)
    after = (
        await db.fetchval("SELECT count(*) FROM learning.sessions"),
        (await js.stream_info("RSP_LEARNING")).state.messages,
    )
    assert after == before


async def test_bad_attendance_is_refused_naming_the_field_and_leaves_the_session_scheduled(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    cohort = _cohort()
    urn, outsider = await enrolled_school(api, cohort), await enrolled_school(api, _cohort())
    today = await _schedule(http, stack, kind="immersion_day", cohort_id=cohort, held_on=TODAY.isoformat())
    ahead = await _schedule(http, stack, kind="immersion_day", cohort_id=cohort, held_on=SOON)
    url = f"{stack.url('learning')}/sessions/{{}}/attendance"
    stranger = str(uuid.uuid4())
    cases = [
        (today, {"schools": [outsider]}, "schools", outsider),
        (today, {"staff_ids": [stranger]}, "staff_ids", stranger),
        (today, {}, "schools", "at least one"),
        (today, {"schools": ["12345"]}, "schools", "schools"),
        (ahead, {"schools": [urn]}, "held_on", SOON),
    ]
    await quiet_outboxes(db)
    before = (await js.stream_info("RSP_LEARNING")).state.messages

    for session, body, field, named in cases:
        answer = await http.post(url.format(session["session_id"]), json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert field in answer.text
        assert named in answer.text

    await quiet_outboxes(db)
    assert (await js.stream_info("RSP_LEARNING")).state.messages == before
    statuses = await db.fetch("SELECT status FROM learning.sessions WHERE cohort_id = $1", cohort)
    assert {r["status"] for r in statuses} == {"scheduled"}
    assert await db.fetchval("SELECT count(*) FROM learning.session_attendance a JOIN learning.sessions s "
                             "USING (session_id) WHERE s.cohort_id = $1", cohort) == 0  # fmt: skip


async def test_same_leadership_day_twice_is_a_conflict(api: Platform) -> None:
    cohort = _cohort()
    await enrolled_school(api, cohort)
    await _schedule(http, stack, kind="leadership_day", cohort_id=cohort, day_number=3, held_on=SOON)

    again = await http.post(
        f"{stack.url('learning')}/sessions",
        json={"kind": "leadership_day", "cohort_id": cohort, "day_number": 3, "held_on": SOON},
    )

    assert again.status_code == 409
    assert "day_number" in again.json()["detail"]


async def test_retried_scheduling_with_an_idempotency_key_schedules_once(api: Platform, db: asyncpg.Pool) -> None:
    cohort = _cohort()
    await enrolled_school(api, cohort)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = {"kind": "immersion_day", "cohort_id": cohort, "held_on": SOON}

    answers = [await http.post(f"{stack.url('learning')}/sessions", json=body, headers=key) for _ in "ab"]

    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert await db.fetchval("SELECT count(*) FROM learning.sessions WHERE cohort_id = $1", cohort) == 1
