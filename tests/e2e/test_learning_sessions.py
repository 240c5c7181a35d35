"""The face-to-face programme against the real stack: schedule, move, cancel and record attendance."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from nats.js import JetStreamContext

from tests.clients import Platform, expect
from tests.support import (
    Footprint,
    enrolled_school,
    published,
    quiet_outboxes,
    registered_staff,
    scheduled_leadership_day,
)

TODAY = datetime.now(UTC).date()
SOON = (TODAY + timedelta(days=14)).isoformat()


async def _events(db: asyncpg.Pool, js: JetStreamContext, session_id: str) -> list[tuple[str, dict[str, Any]]]:
    return [(kind, e) for kind, e in await published(db, js, "RSP_LEARNING") if e.get("session_id") == session_id]


async def _schedule(api: Platform, **body: Any) -> dict[str, Any]:
    session: dict[str, Any] = expect(await api.learning.schedule_session(body), 201)
    return session


SESSIONS_WRITTEN = Footprint.rows_of("learning.sessions", streams=("RSP_LEARNING",))


def _cohort() -> str:
    return f"e2e-sessions-{uuid.uuid4().hex[:6]}"


async def test_leadership_day_held_tells_each_attending_school_without_the_venue(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    cohort = _cohort()
    first, second, absent = [await enrolled_school(api, cohort) for _ in range(3)]
    day = await scheduled_leadership_day(api, cohort, 1, venue="Oxford Town Hall")
    head = await registered_staff(api, first, role="headteacher", starts_on=day["held_on"])

    held = await api.learning.record_attendance(day["session_id"], {"schools": [second], "staff_ids": [head]})

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
    school_view = (await api.learning.school_sessions(second)).json()
    assert [a["urn"] for a in school_view[0]["attendance"]] == [second]  # a school sees only its own attendance


async def test_practitioner_training_names_each_trained_member_of_staff(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    cohort = _cohort()
    urn = await enrolled_school(api, cohort)
    trainees = [await registered_staff(api, urn) for _ in range(2)]
    training = await _schedule(api, kind="practitioner_training", cohort_id=cohort, held_on=TODAY.isoformat())

    held = await api.learning.record_attendance(training["session_id"], {"staff_ids": trainees})

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
    mentoring = await _schedule(api, kind="mentoring", urn=urn, held_on=SOON)
    immersion = await _schedule(api, kind="immersion_day", cohort_id=cohort, held_on=SOON, venue="Host School")

    moved = await api.learning.move_session(mentoring["session_id"], TODAY.isoformat())
    held = await api.learning.record_attendance(mentoring["session_id"], {"schools": [urn]})
    cancelled = await api.learning.cancel_session(immersion["session_id"], "flood")
    cancel_again = await api.learning.cancel_session(immersion["session_id"], "x")
    move_held = await api.learning.move_session(mentoring["session_id"], SOON)

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
    before = await SESSIONS_WRITTEN.taken(db, js)

    answer = await api.learning.schedule_session(body)

    assert answer.status_code == status, answer.text
    assert named in answer.json()["detail"] if isinstance(answer.json()["detail"], str) else named in answer.text
    after = await SESSIONS_WRITTEN.taken(db, js)
    assert after == before


async def test_bad_attendance_is_refused_naming_the_field_and_leaves_the_session_scheduled(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    cohort = _cohort()
    urn, outsider = await enrolled_school(api, cohort), await enrolled_school(api, _cohort())
    today = await _schedule(api, kind="immersion_day", cohort_id=cohort, held_on=TODAY.isoformat())
    ahead = await _schedule(api, kind="immersion_day", cohort_id=cohort, held_on=SOON)
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
        answer = await api.learning.record_attendance(session["session_id"], body)
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
    first = await scheduled_leadership_day(api, cohort, 3)

    again = await api.learning.schedule_session(
        {"kind": "leadership_day", "cohort_id": cohort, "day_number": 3, "held_on": first["held_on"]}
    )

    assert again.status_code == 409
    assert "day_number" in again.json()["detail"]


async def test_retried_scheduling_with_an_idempotency_key_schedules_once(api: Platform, db: asyncpg.Pool) -> None:
    cohort = _cohort()
    await enrolled_school(api, cohort)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = {"kind": "immersion_day", "cohort_id": cohort, "held_on": SOON}

    answers = [await api.learning.schedule_session(body, headers=key) for _ in "ab"]

    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert await db.fetchval("SELECT count(*) FROM learning.sessions WHERE cohort_id = $1", cohort) == 1
