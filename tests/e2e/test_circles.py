"""Circles against the real stack: schedule, hold, cancel and move through HTTP; what reaches RSP_CIRCLES; who
sees a reflection; who may appear in a circle; and which half-terms had one."""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from nats.js import JetStreamContext

from runtime.auth import Role
from runtime.local.endpoints import Endpoints
from tests.clients import Platform, platform_as
from tests.support import (
    Footprint,
    enrolled_school,
    eventually,
    next_urn,
    published,
    quiet_outboxes,
    scheduled_circle,
    staff_on_circles_roster,
    stream_messages,
)

COHORT = "e2e-circles"
# Distinctive, so that finding it anywhere outside circles' own table means it leaked.
REFLECTION = "Marmaduke-reflection-probe: staff saw shame behind the outbursts after break"
TODAY = datetime.now(UTC).date()  # the services' today too
TOMORROW = TODAY + timedelta(days=1)


WRITTEN = Footprint(
    (
        "SELECT count(*) FROM circles.circles",
        "SELECT count(*) FROM circles.circles WHERE status <> 'scheduled'",
        "SELECT count(*) FROM circles.outbox",
    ),
    streams=("RSP_CIRCLES",),
)


async def _events_of(db: asyncpg.Pool, js: JetStreamContext, circle_id: str) -> list[tuple[str, dict[str, Any]]]:
    return [(kind, event) for kind, event in await published(db, js, "RSP_CIRCLES") if event["circle_id"] == circle_id]


def _held(*participants: str, **changes: Any) -> dict[str, Any]:
    return {
        "participant_count": max(len(participants), 4),
        "participant_staff_ids": list(participants),
        "themes": ["shame", "behaviour_as_communication"],
        "reflection": REFLECTION,
        **changes,
    }


@pytest.fixture(scope="module")
async def school(api: Platform, db: asyncpg.Pool) -> str:
    urn = await enrolled_school(api, COHORT)

    async def cohort_known() -> bool:
        return bool(await db.fetchval("SELECT true FROM circles.cohorts WHERE cohort_id = $1", COHORT))

    await eventually(cohort_known)  # so its end date is checked
    return urn


@pytest.fixture(scope="module")
async def facilitator(api: Platform, db: asyncpg.Pool, school: str) -> str:
    return await staff_on_circles_roster(api, db, school, role="senior_leader")


async def test_circle_is_scheduled_moved_and_held_and_its_events_carry_no_reflection(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext, school: str, facilitator: str
) -> None:
    teacher = await staff_on_circles_roster(api, db, school)
    body = {
        "kind": "reflective",
        "module_number": 4,
        "scheduled_for": str(TOMORROW),
        "facilitator_staff_id": facilitator,
    }

    scheduled = await api.circles.schedule_circle(school, body)
    circle_id = scheduled.json()["circle_id"]
    moved = await api.circles.reschedule_circle(school, circle_id, {"scheduled_for": str(TODAY)})
    held = await api.circles.record_held(school, circle_id, _held(facilitator, teacher))

    assert scheduled.status_code == 201, scheduled.text
    assert (moved.status_code, moved.json()["scheduled_for"]) == (200, str(TODAY)), moved.text
    assert held.status_code == 200, held.text
    assert held.json() | {"half_term": None} == {
        "circle_id": circle_id, "urn": school, "cohort_id": COHORT, "kind": "reflective", "module_number": 4,
        "scheduled_for": str(TODAY), "facilitator_staff_id": facilitator, "status": "held", "held_on": str(TODAY),
        "half_term": None, "participant_count": 4, "participant_staff_ids": [facilitator, teacher],
        "themes": ["shame", "behaviour_as_communication"], "has_reflection": True, "reflection": REFLECTION,
        "cancelled_on": None,
    }  # fmt: skip

    events = await eventually(lambda: _events_of_all(db, js, circle_id, 3))
    assert [subject for subject, _ in events] == [
        "rsp.circles.circle.scheduled.v1",
        "rsp.circles.circle.rescheduled.v1",
        "rsp.circles.circle.held.v1",
    ]
    held_event = events[2][1]
    assert held_event["participant_count"] == 4
    assert held_event["themes"] == ["shame", "behaviour_as_communication"]
    assert held_event["module_number"] == 4
    assert held_event["half_term"] == held.json()["half_term"]
    assert events[1][1]["previous_date"] == str(TOMORROW)
    assert "reflection" not in held_event
    assert all("Marmaduke" not in json.dumps(event) for _, event in events)


async def _events_of_all(
    db: asyncpg.Pool, js: JetStreamContext, circle_id: str, count: int
) -> list[tuple[str, dict[str, Any]]] | None:
    events = await _events_of(db, js, circle_id)
    return events if len(events) >= count else None


async def test_cancelled_circle_is_published_and_cannot_then_be_held(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext, school: str, facilitator: str
) -> None:
    circle_id = await scheduled_circle(api, school, facilitator, str(TODAY))

    cancelled = await api.circles.cancel_circle(school, circle_id)
    async with WRITTEN.unchanged(db, js):
        held = await api.circles.record_held(school, circle_id, _held())
        again = await api.circles.cancel_circle(school, circle_id)

        assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
        assert held.status_code == 409
        assert (
            held.json()["detail"]
            == f"circle {circle_id} was already cancelled on {TODAY}, so it cannot be recorded as held"
        )
        assert again.status_code == 409
    subjects = [subject for subject, _ in await _events_of(db, js, circle_id)]
    assert subjects == ["rsp.circles.circle.scheduled.v1", "rsp.circles.circle.cancelled.v1"]


async def test_reflection_is_shown_to_the_school_and_the_programme_team_only(
    stack: Endpoints, api: Platform, mint: Callable[..., str], school: str, facilitator: str
) -> None:
    circle_id = await scheduled_circle(api, school, facilitator, str(TODAY))
    assert (await api.circles.record_held(school, circle_id, _held())).status_code == 200

    seen: dict[str, tuple[str | None, bool]] = {}
    for role in (Role.PROGRAMME_ADMIN, Role.SCHOOL, Role.FACILITATOR):
        token = mint(
            role, subject=f"reader-{role.value}", schools=(school,) if role in (Role.SCHOOL, Role.FACILITATOR) else ()
        )
        async with platform_as(stack, token) as reader:
            one = (await reader.circles.circle(school, circle_id)).json()
            listed = next(c for c in (await reader.circles.circles(school)).json() if c["circle_id"] == circle_id)
        assert one == listed
        seen[role.value] = (one["reflection"], one["has_reflection"])
    async with platform_as(stack, mint(Role.VIEWER, subject="reader-viewer")) as commissioner:
        refused = [
            (await commissioner.circles.circle(school, circle_id)).status_code,
            (await commissioner.circles.circles(school)).status_code,
        ]

    assert seen == {
        "programme_admin": (REFLECTION, True),
        "school": (REFLECTION, True),
        "facilitator": (None, True),
    }
    assert refused == [403, 403]  # a commissioner reads cohort figures, not a school's circles


async def test_facilitator_recording_a_circle_does_not_get_the_reflection_back(
    stack: Endpoints, api: Platform, mint: Callable[..., str], school: str, facilitator: str
) -> None:
    circle_id = await scheduled_circle(api, school, facilitator, str(TODAY))
    token = mint(Role.FACILITATOR, subject="facilitator-recording", schools=(school,))

    async with platform_as(stack, token) as as_facilitator:
        answer = await as_facilitator.circles.record_held(school, circle_id, _held())

    assert answer.status_code == 200, answer.text
    assert (answer.json()["reflection"], answer.json()["has_reflection"]) == (None, True)
    stored = await api.circles.circle(school, circle_id)
    assert stored.json()["reflection"] == REFLECTION


NEW = "<a new circle>"
NO_ONE = str(uuid.UUID(int=42))

BAD_WRITES: list[tuple[str, str, dict[str, Any], int, str]] = [
    ("unknown kind", "", {"kind": "gossip"}, 422, "kind"),
    ("module on a decision circle", "", {"kind": "decision_making", "module_number": 2}, 422, "module_number"),
    ("module 16", "", {"module_number": 16}, 422, "module_number"),
    ("impossible date", "", {"scheduled_for": "2026-02-30"}, 422, "scheduled_for"),
    ("before the school joined", "", {"scheduled_for": "2025-09-10"}, 422, "scheduled_for"),
    ("after the cohort's 18 months", "", {"scheduled_for": "2028-03-01"}, 422, "to 2028-02-29"),
    ("facilitator not a uuid", "", {"facilitator_staff_id": "head@school.example"}, 422, "facilitator_staff_id"),
    ("unknown facilitator", "", {"facilitator_staff_id": NO_ONE}, 422, NO_ONE),
    ("pupil named in an extra field", "", {"pupil_name": "A"}, 422, "pupil_name"),
    (
        "count below the ids given",
        "/record",
        {"participant_count": 1, "participant_staff_ids": [NO_ONE, str(uuid.UUID(int=43))]},
        422,
        "participant_count",
    ),
    ("no participants", "/record", {"participant_count": 0, "participant_staff_ids": []}, 422, "participant_count"),
    ("theme off the list", "/record", {"themes": ["gossip"]}, 422, "themes"),
    ("no themes", "/record", {"themes": []}, 422, "themes"),
    ("held in the future", "/record", {"held_on": str(TOMORROW + timedelta(days=1))}, 422, "held_on"),
    ("unknown participant", "/record", {"participant_staff_ids": [NO_ONE]}, 422, NO_ONE),
    ("reflection too long", "/record", {"reflection": "x" * 4001}, 422, "reflection"),
    ("move before the school joined", "/rescheduling", {"scheduled_for": "2025-09-10"}, 422, "scheduled_for"),
    ("move to the same date", "/rescheduling", {"scheduled_for": str(TODAY)}, 409, str(TODAY)),
    ("unknown circle", "/record", {"circle": str(uuid.UUID(int=9))}, 404, str(uuid.UUID(int=9))),
]


@pytest.mark.parametrize(("case", "action", "changes", "status", "named"), BAD_WRITES, ids=[c[0] for c in BAD_WRITES])
async def test_bad_circle_write_is_refused_naming_the_problem_and_writes_nothing(
    api: Platform,
    db: asyncpg.Pool,
    js: JetStreamContext,
    school: str,
    facilitator: str,
    case: str,
    action: str,
    changes: dict[str, Any],
    status: int,
    named: str,
) -> None:
    if not action:
        body = {"kind": "reflective", "scheduled_for": str(TODAY), "facilitator_staff_id": facilitator, **changes}
        write = api.circles.schedule_circle(school, body)
    else:
        changes = dict(changes)
        circle_id = changes.pop("circle", None) or await scheduled_circle(api, school, facilitator, str(TODAY))
        if action == "/record":
            write = api.circles.record_held(school, circle_id, _held(facilitator, **changes))
        else:
            write = api.circles.reschedule_circle(school, circle_id, changes)
    async with WRITTEN.unchanged(db, js):
        answer = await write

        assert answer.status_code == status, answer.text
        assert named in answer.text


async def test_staff_who_left_or_were_never_registered_there_are_refused_by_id(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext, school: str, facilitator: str
) -> None:
    leaver = await staff_on_circles_roster(api, db, school)
    departure = await api.enrolment.record_departure(school, leaver, {"left_on": str(TODAY)})
    assert departure.status_code == 200, departure.text
    other_school = await enrolled_school(api, COHORT)
    stranger = await staff_on_circles_roster(api, db, other_school)

    async def departure_seen() -> bool:
        return bool(
            await db.fetchval("SELECT left_on IS NOT NULL FROM circles.staff WHERE staff_id = $1", uuid.UUID(leaver))
        )

    await eventually(departure_seen)
    circle_id = await scheduled_circle(api, school, facilitator, str(TOMORROW))
    async with WRITTEN.unchanged(db, js):
        late = {"kind": "practice_discussion", "scheduled_for": str(TOMORROW), "facilitator_staff_id": leaver}
        left = await api.circles.schedule_circle(school, late)
        elsewhere = await api.circles.schedule_circle(school, late | {"facilitator_staff_id": stranger})
        moved_to_leaver = await api.circles.reschedule_circle(
            school, circle_id, {"scheduled_for": str(TOMORROW), "facilitator_staff_id": leaver}
        )

        assert left.status_code == 422
        assert left.json()["detail"] == (
            f"facilitator_staff_id: staff {leaver} left school {school} on {TODAY}, before the circle's date {TOMORROW}"
        )
        assert elsewhere.status_code == 422
        assert (
            elsewhere.json()["detail"] == f"facilitator_staff_id: staff {stranger} is not registered at school {school}"
        )
        assert moved_to_leaver.status_code == 422
        assert leaver in moved_to_leaver.json()["detail"]


async def test_withdrawn_school_can_no_longer_change_its_circles_but_still_reads_them(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    urn = await enrolled_school(api, COHORT)
    member = await staff_on_circles_roster(api, db, urn)
    circle_id = await scheduled_circle(api, urn, member, str(TOMORROW))
    withdrawal = await api.enrolment.withdraw_school(urn, "Head left")
    assert withdrawal.status_code == 200, withdrawal.text

    async def withdrawn() -> bool:
        school = (await api.circles.school(urn)).json()
        return bool(school["status"] == "withdrawn")

    await eventually(withdrawn)
    async with WRITTEN.unchanged(db, js):
        new = await api.circles.schedule_circle(urn, {"kind": "decision_making", "scheduled_for": str(TOMORROW),
                                                      "facilitator_staff_id": member})  # fmt: skip
        held = await api.circles.record_held(urn, circle_id, _held(held_on=str(TODAY)))
        listed = await api.circles.circles(urn)

        for refused in (new, held):
            assert refused.status_code == 409
            assert refused.json()["detail"] == (
                f"school {urn} was withdrawn on {TODAY}: it is no longer in an active cohort, "
                "so its circles cannot change"
            )
        assert [c["circle_id"] for c in listed.json()] == [circle_id]


async def test_unknown_school_is_404_naming_its_urn(api: Platform) -> None:
    body = {"kind": "reflective", "scheduled_for": str(TODAY), "facilitator_staff_id": NO_ONE}

    answer = await api.circles.schedule_circle("999997", body)

    assert answer.status_code == 404
    assert answer.json()["detail"] == "school 999997 is not enrolled, so it cannot hold programme circles"


async def test_retried_writes_with_the_same_key_answer_the_same_and_write_once(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext, school: str, facilitator: str
) -> None:
    body = {"kind": "practice_discussion", "scheduled_for": str(TODAY), "facilitator_staff_id": facilitator}
    key = {"Idempotency-Key": str(uuid.uuid4())}

    first = await api.circles.schedule_circle(school, body, headers=key)
    again = await api.circles.schedule_circle(school, body, headers=key)
    circle_id = first.json()["circle_id"]
    hold_key = {"Idempotency-Key": str(uuid.uuid4())}
    held = await api.circles.record_held(school, circle_id, _held(), headers=hold_key)
    held_again = await api.circles.record_held(school, circle_id, _held(), headers=hold_key)

    assert first.status_code == again.status_code == 201, (first.text, again.text)
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert held.status_code == held_again.status_code == 200
    assert held_again.json() == held.json()
    assert await db.fetchval("SELECT count(*) FROM circles.circles WHERE urn = $1 AND circle_id = $2",
                             school, uuid.UUID(circle_id)) == 1  # fmt: skip
    subjects = [subject for subject, _ in await _events_of(db, js, circle_id)]
    assert subjects == ["rsp.circles.circle.scheduled.v1", "rsp.circles.circle.held.v1"]


async def test_half_terms_show_the_current_one_met_once_a_circle_is_held_for_school_and_cohort(
    api: Platform, db: asyncpg.Pool
) -> None:
    cohort = f"{COHORT}-cadence"
    active, idle = await enrolled_school(api, cohort), await enrolled_school(api, cohort)
    member = await staff_on_circles_roster(api, db, active)
    calendar = (await api.circles.half_terms()).json()
    current = next((h for h in calendar if h["starts_on"] <= str(TODAY) <= h["ends_on"]), None)
    circle_id = await scheduled_circle(api, active, member, str(TODAY))
    before = (await api.circles.school_half_terms(active)).json()

    assert (await api.circles.record_held(active, circle_id, _held())).is_success
    after = (await api.circles.school_half_terms(active)).json()
    rollup = (await api.circles.cohort_half_terms(cohort)).json()

    assert len(calendar) == 24
    if current is None:  # today is a holiday: the circle counts towards no half-term
        assert (before["half_terms"], after["half_terms"]) == ([], [])
        assert after["held_in_holidays"] == 1
        assert rollup["half_terms"] == []
    else:
        assert [(h["half_term_id"], h["status"]) for h in before["half_terms"]] == [
            (current["half_term_id"], "in_progress")
        ]
        assert [(h["half_term_id"], h["circles_held"], h["status"]) for h in after["half_terms"]] == [
            (current["half_term_id"], 1, "met")
        ]
        assert [(h["half_term_id"], h["met"], h["in_progress"], h["missed"]) for h in rollup["half_terms"]] == [
            (current["half_term_id"], [active], [idle], [])
        ]


async def test_unknown_cohort_half_terms_are_404(api: Platform) -> None:
    answer = await api.circles.cohort_half_terms("no-such-cohort")

    assert answer.status_code == 404
    assert "no-such-cohort" in answer.json()["detail"]


async def test_school_that_changes_urn_keeps_its_circles_under_the_new_one(api: Platform, db: asyncpg.Pool) -> None:
    urn = await enrolled_school(api, COHORT)
    member = await staff_on_circles_roster(api, db, urn)
    circle_id = await scheduled_circle(api, urn, member, str(TOMORROW))
    successor = next_urn()

    change = await api.enrolment.change_urn(urn, {"successor_urn": successor})
    assert change.status_code == 200, change.text

    async def followed() -> list[dict[str, Any]] | None:
        answer = await api.circles.circles(successor)
        return answer.json() if answer.status_code == 200 else None

    assert [c["circle_id"] for c in await eventually(followed)] == [circle_id]
    held = await api.circles.record_held(successor, circle_id, _held(member, held_on=str(TODAY)))
    assert held.status_code == 200, held.text
    assert (await api.circles.circles(urn)).status_code == 404


async def test_reflection_reaches_no_stream_log_or_trace(
    stack_dir: Path, api: Platform, db: asyncpg.Pool, js: JetStreamContext, school: str, facilitator: str
) -> None:
    circle_id = await scheduled_circle(api, school, facilitator, str(TODAY))
    trace_id = secrets.token_hex(16)
    traced = {"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"}

    held = await api.circles.record_held(school, circle_id, _held(), headers=traced)

    assert held.status_code == 200, held.text

    async def spans_written() -> bool:
        path = stack_dir / "traces" / "circles.jsonl"
        return path.exists() and f"0x{trace_id}" in path.read_text(encoding="utf-8")

    await eventually(spans_written, within=30)
    await quiet_outboxes(db)
    leaks = [
        f"stream {stream}"
        for stream in ("RSP_CIRCLES", "RSP_JOURNEY", "RSP_DEAD_LETTER")
        for headers, data in await stream_messages(js, stream)
        if "marmaduke" in (json.dumps(headers) + data.decode()).lower()
    ]
    for path in [*(stack_dir / "logs").glob("*.log"), *(stack_dir / "traces").glob("*.jsonl")]:
        if "marmaduke" in path.read_text(encoding="utf-8", errors="replace").lower():
            leaks.append(str(path.relative_to(stack_dir)))
    assert leaks == []
    # The scan can see: the reflection is where it belongs.
    stored = await db.fetchval("SELECT reflection FROM circles.circles WHERE circle_id = $1", uuid.UUID(circle_id))
    assert stored == REFLECTION
