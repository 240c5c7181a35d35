"""Notifications on the real stack: journeys' reminders and session invitations land in the local mailbox (the
stack's own SMTP server) once, addressed as enrolment says at the moment of sending, and never to someone erased;
a refused address reaches the school's journey; sign-in invitations go at once and leave no address behind.
"""

from __future__ import annotations

import sys
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import icalendar
import pytest
from nats.js import JetStreamContext
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from contracts import journey_id
from contracts.events.journey import ReminderIssued
from contracts.programme import PlanTargets, add_months
from runtime.auth import Role
from runtime.calendar_file import load_half_terms
from runtime.local.endpoints import Endpoints
from runtime.local.stack import LocalStack
from runtime.temporal import DATA_CONVERTER, register_search_attributes
from services.enrolment.domain.model import programme_plan
from services.notifications.adapters.mailbox import KeptEmail, read_mailbox
from services.notifications.service_layer.delivery import long_date
from tests.clients import Platform, expect
from tests.support import (
    enrolled_school,
    ensure_cohort,
    eventually,
    published,
    registered_lead,
    scheduled_leadership_day,
    stream_messages,
)
from tests.support_events import publish_event
from workflows.journey import messages as m
from workflows.journey.activities import JourneyActivities
from workflows.journey.plan import journey_plan
from workflows.journey.workflows import SchoolJourney

COHORT = "e2e-notify"
TEST_SERVER = Path(sys.executable).parent / "temporal-test-server"
TODAY = datetime.now(UTC).date()


def _address() -> str:
    return f"{uuid.uuid4().hex[:12]}@school.example"


def _mailbox(local_stack: LocalStack) -> list[KeptEmail]:
    assert local_stack.maildir is not None
    return read_mailbox(local_stack.maildir)


def _to(local_stack: LocalStack, address: str) -> list[KeptEmail]:
    return [email for email in _mailbox(local_stack) if email.to == address]


async def _emails_to(local_stack: LocalStack, address: str, count: int) -> list[KeptEmail]:
    async def arrived() -> list[KeptEmail] | None:
        found = _to(local_stack, address)
        return found if len(found) >= count else None

    return await eventually(arrived, within=60)


def _reminder(urn: str, cohort: str, due_on: date, kind: str = "circle_missing") -> ReminderIssued:
    return ReminderIssued(
        urn=urn,
        cohort_id=cohort,
        journey_id=journey_id(cohort, urn),
        reminder=kind,
        due_on=due_on,
        reason="No reflective circle was held in the half-term that ended.",
        issued_on=TODAY,
    )


async def _message_statuses(db: asyncpg.Pool, urn: str) -> list[str]:
    rows = await db.fetch("SELECT status FROM notifications.messages WHERE urn = $1 ORDER BY created_at", urn)
    return [row["status"] for row in rows]


async def test_lagging_schools_journey_moved_through_time_sends_its_lead_one_circle_reminder(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext, local_stack: LocalStack
) -> None:
    urn = await enrolled_school(api, COHORT)
    head, teacher = _address(), _address()
    await registered_lead(api, db, urn, head)
    await registered_lead(api, db, urn, teacher, role="teacher")

    # The school's journey on the time-skipping server, publishing its decisions to the real stack's JetStream.
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(TEST_SERVER), data_converter=DATA_CONVERTER
    )
    try:
        await register_search_attributes(env.client, "default")
        await _lagging_journey(env, js, urn)
    finally:
        await env.shutdown()

    reminders = [
        payload
        for _, payload in await published(db, js, "RSP_JOURNEY", "rsp.journey.reminder_issued.v1")
        if payload["urn"] == urn and payload["reminder"] == "circle_missing"
    ]
    assert len(reminders) == 1
    due = date.fromisoformat(reminders[0]["due_on"])
    emails = [e for e in await _emails_to(local_stack, head, 1) if "reflective circle" in e.subject]
    assert len(emails) == 1
    assert f"School {urn}" in emails[0].subject
    assert long_date(due) in emails[0].subject
    assert long_date(due) in emails[0].body
    # Nowhere else: the teacher is not a lead.
    assert _to(local_stack, teacher) == []

    # The same decision heard again (a redelivery) sends nothing more.
    again = ReminderIssued.model_validate(reminders[0])
    event_id = next(uuid.UUID(headers_id) for headers_id in [await _event_id_of(js, urn)])
    await publish_event(js, again, event_id=event_id, redelivered=True)
    await eventually(lambda: _settled(db, urn))
    circle_emails = [e for e in _to(local_stack, head) if "reflective circle" in e.subject]
    assert len(circle_emails) == 1


async def _event_id_of(js: JetStreamContext, urn: str) -> str:
    for headers, data in await stream_messages(js, "RSP_JOURNEY", "rsp.journey.reminder_issued.v1"):
        if f'"urn":"{urn}"' in data.decode() and "circle_missing" in data.decode():
            return headers["ce-id"]
    raise AssertionError("the reminder is not on the stream")


async def _settled(db: asyncpg.Pool, urn: str) -> bool:
    statuses = await _message_statuses(db, urn)
    return bool(statuses) and all(status not in ("pending", "sending") for status in statuses)


async def _lagging_journey(env: WorkflowEnvironment, js: JetStreamContext, urn: str) -> None:
    half_terms = [
        m.HalfTermSpan(term.half_term_id, term.starts_on, term.ends_on)
        for term in load_half_terms().overlapping(TODAY, add_months(TODAY, 18))
    ]
    start = m.JourneyStart(
        event_id=str(uuid.uuid4()),
        urn=urn,
        cohort_id=COHORT,
        local_authority="Oxfordshire",
        enrolled_on=TODAY,
        plan=journey_plan(programme_plan(TODAY, PlanTargets(), None)),
        half_terms=half_terms,
    )
    activities = JourneyActivities(js)
    async with Worker(
        env.client, task_queue="notify-e2e", workflows=[SchoolJourney], activities=activities.registered()
    ):
        handle = await env.client.start_workflow(
            SchoolJourney.run, start, id=journey_id(COHORT, urn), task_queue="notify-e2e"
        )
        for _ in range(10):  # a month at a time: no circle is ever held
            await env.sleep(timedelta(days=30))
            progress = await handle.query(SchoolJourney.progress)
            if any(key.startswith("circle") for key in progress.reminders_issued):
                return
    raise AssertionError("the lagging journey issued no circle reminder in ten months")


def _calendar(email: KeptEmail) -> Any:
    assert email.calendar is not None, "the email carries no calendar invitation"
    return icalendar.Calendar.from_ical(email.calendar)


def _event(calendar: Any) -> Any:
    return next(iter(calendar.walk("VEVENT")))


async def test_moving_a_leadership_day_updates_the_same_calendar_entry_and_cancelling_removes_it(
    api: Platform, db: asyncpg.Pool, local_stack: LocalStack
) -> None:
    cohort = f"e2e-notify-cal-{uuid.uuid4().hex[:6]}"
    urn = await enrolled_school(api, cohort)
    head = _address()
    await registered_lead(api, db, urn, head)

    # Leadership day 3 on the date the cohort's plan gives it, then moved a week later in the plan (enrolment),
    # which learning follows by moving the session.
    session = await scheduled_leadership_day(api, cohort, 3)
    first = date.fromisoformat(session["held_on"])
    moved = first + timedelta(days=7)
    [invited] = await _emails_to(local_stack, head, 1)
    expect(await api.enrolment.move_leadership_day(cohort, 3, {"held_on": moved.isoformat()}))
    updated = next(e for e in await _emails_to(local_stack, head, 2) if e.key != invited.key)
    expect(await api.learning.cancel_session(session["session_id"], "the venue flooded"))
    cancelled = next(e for e in await _emails_to(local_stack, head, 3) if e.key not in (invited.key, updated.key))

    original, change, cancellation = _calendar(invited), _calendar(updated), _calendar(cancelled)
    assert str(original["METHOD"]) == "REQUEST"
    assert str(change["METHOD"]) == "REQUEST"
    assert str(cancellation["METHOD"]) == "CANCEL"
    uids = {str(_event(c)["UID"]) for c in (original, change, cancellation)}
    assert len(uids) == 1
    sequences = [int(_event(c)["SEQUENCE"]) for c in (original, change, cancellation)]
    assert sequences[0] < sequences[1] < sequences[2]
    assert _event(original)["DTSTART"].dt == first
    assert _event(change)["DTSTART"].dt == moved
    assert "Leadership day 3" in str(_event(change)["SUMMARY"])
    assert long_date(moved) in updated.subject
    assert long_date(first) in updated.body


async def test_an_erased_staff_member_receives_nothing_while_their_successor_does(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext, local_stack: LocalStack
) -> None:
    urn = await enrolled_school(api, f"e2e-notify-old-{uuid.uuid4().hex[:6]}")
    erased_head = _address()
    erased_id = await registered_lead(api, db, urn, erased_head)
    expect(await api.enrolment.withdraw_school(urn, "merged with another school"))
    # The school ended long enough ago for its staff's names and emails to be erased under the retention rule.
    await db.execute(
        "UPDATE enrolment.school_enrolments SET ended_on = ended_on - 400 WHERE urn = $1 AND ended_on IS NOT NULL", urn
    )
    report = expect(await api.enrolment.request("POST", "/personal-data-erasures", json={"keep_days": 365}))
    assert report["staff_erased"] >= 1
    # Back in the programme in a later cohort, with a new headteacher.
    cohort = f"e2e-notify-new-{uuid.uuid4().hex[:6]}"
    await ensure_cohort(api, cohort)
    expect(
        await api.enrolment.enrol_school(
            {"urn": urn, "name": f"School {urn}", "cohort_id": cohort, "phase": "primary"}
        ),
        201,
    )
    await eventually(lambda: _school_active_in(db, urn, cohort))
    new_head = _address()
    await registered_lead(api, db, urn, new_head)

    await publish_event(js, _reminder(urn, cohort, TODAY + timedelta(days=7), kind="mentoring_due"))

    await _emails_to(local_stack, new_head, 1)
    await eventually(lambda: _settled(db, urn))
    assert _to(local_stack, erased_head) == []
    skipped = await db.fetchval(
        "SELECT status FROM notifications.messages WHERE urn = $1 AND staff_id = $2", urn, uuid.UUID(erased_id)
    )
    assert skipped == "skipped"


async def _school_active_in(db: asyncpg.Pool, urn: str, cohort: str) -> bool:
    return bool(
        await db.fetchval("SELECT active FROM notifications.schools WHERE urn = $1 AND cohort_id = $2", urn, cohort)
    )


async def test_a_refused_address_tells_the_schools_journey_its_lead_is_not_reached(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext, local_stack: LocalStack, temporal: Client
) -> None:
    urn = await enrolled_school(api, COHORT)
    await registered_lead(api, db, urn, f"{uuid.uuid4().hex[:8]}@closed-school.invalid")

    await publish_event(js, _reminder(urn, COHORT, TODAY + timedelta(days=3), kind="impact_return_late"))

    failures = await eventually(lambda: _undeliverable(db, js, urn), within=60)
    assert failures[0]["route"] == "smtp"
    assert "550" in failures[0]["failure"]
    assert "@" not in str(failures[0])
    journey: WorkflowHandle[SchoolJourney, Any] = temporal.get_workflow_handle_for(
        SchoolJourney.run, journey_id(COHORT, urn)
    )

    async def journey_knows() -> m.JourneyProgress | None:
        progress = await journey.query(SchoolJourney.progress)
        return progress if progress.lead_not_reached else None

    progress = await eventually(journey_knows, within=60)
    assert "reminder" in progress.undelivered[0]
    assert "@" not in progress.undelivered[0]


async def _undeliverable(db: asyncpg.Pool, js: JetStreamContext, urn: str) -> list[dict[str, Any]] | None:
    found = [
        payload
        for _, payload in await published(db, js, "RSP_NOTIFICATIONS", "rsp.notifications.message.undeliverable.v1")
        if payload.get("urn") == urn
    ]
    return found or None


def _invitation(address: str, **changes: Any) -> dict[str, Any]:
    return {
        "email": address,
        "sign_in_url": f"https://console.example/sign-in/{uuid.uuid4().hex}",
        "expires_at": (datetime.now(UTC) + timedelta(days=2)).isoformat(),
        "role": "facilitator",
    } | changes


async def test_sign_in_invitation_is_sent_at_once_once_per_key_and_keeps_no_address_or_link(
    api: Platform, db: asyncpg.Pool, local_stack: LocalStack
) -> None:
    address = _address()
    invitation = _invitation(address)
    key = {"Idempotency-Key": str(uuid.uuid4())}

    answer = expect(await api.notifications.send_sign_in_invitation(invitation, key), 201)
    again = expect(await api.notifications.send_sign_in_invitation(invitation, key), 201)

    assert again == answer
    [email] = _to(local_stack, address)  # sent before the answer, and once for the key
    assert invitation["sign_in_url"] in email.body
    assert "a facilitator" in email.body
    assert email.message_id == f"<{answer['message_id']}@relational-schools-programme>"
    kept = await db.fetchval(
        "SELECT count(*) FROM notifications.messages m WHERE m::text LIKE $1 OR m::text LIKE $2",
        f"%{address}%",
        f"%{invitation['sign_in_url']}%",
    )
    assert kept == 0
    assert (
        await db.fetchval(
            "SELECT status FROM notifications.messages WHERE message_id = $1", uuid.UUID(answer["message_id"])
        )
        == "sent"
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"sign_in_url": "javascript:alert(1)"}, "sign_in_url"),
        ({"expires_at": "2026-12-01T10:00:00"}, "expires_at"),
        ({"role": "superuser"}, "role"),
    ],
)
async def test_bad_sign_in_invitation_is_refused_naming_the_field_and_sends_and_writes_nothing(
    api: Platform, db: asyncpg.Pool, local_stack: LocalStack, change: dict[str, str], field: str
) -> None:
    address = _address()
    before = await db.fetchval("SELECT count(*) FROM notifications.messages")

    answer = await api.notifications.send_sign_in_invitation(_invitation(address) | change)

    assert answer.status_code == 422
    assert field in answer.text
    assert await db.fetchval("SELECT count(*) FROM notifications.messages") == before
    assert _to(local_stack, change.get("email", address)) == []


async def test_people_may_stop_non_essential_messages_but_still_get_session_invitations(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext, local_stack: LocalStack
) -> None:
    cohort = f"e2e-notify-pref-{uuid.uuid4().hex[:6]}"
    urn = await enrolled_school(api, cohort)
    quiet, digest = _address(), _address()
    quiet_id = await registered_lead(api, db, urn, quiet)
    digest_id = await registered_lead(api, db, urn, digest, role="senior_leader")
    expect(await api.notifications.set_preferences(quiet_id, {"non_essential_off": True}))
    expect(await api.notifications.set_preferences(digest_id, {"weekly_digest": True}))
    assert expect(await api.notifications.preferences(digest_id))["weekly_digest"] is True

    await publish_event(js, _reminder(urn, cohort, TODAY + timedelta(days=5), kind="mentoring_due"))
    expect(
        await api.learning.schedule_session(
            {"kind": "mentoring", "urn": urn, "held_on": (TODAY + timedelta(days=9)).isoformat()}
        ),
        201,
    )

    [quiet_invitation] = await _emails_to(local_stack, quiet, 1)
    [digest_invitation] = await _emails_to(local_stack, digest, 1)
    assert quiet_invitation.calendar is not None
    assert digest_invitation.calendar is not None
    # The reminder and the invitations travel on different streams: wait for the reminder's own two rows.
    reminders = await eventually(lambda: _settled_reminders(db, urn, expected=2))
    assert reminders == {quiet_id: "skipped", digest_id: "held_for_digest"}


async def _settled_reminders(db: asyncpg.Pool, urn: str, expected: int) -> dict[str, str] | None:
    rows = await db.fetch(
        "SELECT staff_id, status FROM notifications.messages WHERE urn = $1 AND kind = 'reminder'", urn
    )
    statuses = {str(row["staff_id"]): str(row["status"]) for row in rows}
    settled = len(statuses) >= expected and all(status not in ("pending", "sending") for status in statuses.values())
    return statuses if settled else None


async def test_no_address_reaches_a_log_line_or_a_span(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext, local_stack: LocalStack
) -> None:
    urn = await enrolled_school(api, COHORT)
    head = _address()
    await registered_lead(api, db, urn, head)
    await publish_event(js, _reminder(urn, COHORT, TODAY + timedelta(days=4), kind="mentoring_due"))
    await _emails_to(local_stack, head, 1)

    data = local_stack.data_dir
    for folder in (data / "logs", data / "traces"):
        for path in folder.glob("*"):
            if path.name.startswith("mailbox"):
                continue
            assert head not in path.read_text(encoding="utf-8", errors="replace"), f"{head} is in {path}"


@pytest.mark.parametrize(
    "choices", [{"weekly_digest": "maybe"}, {"non_essential_off": True, "everything_off": True}, [True]]
)
async def test_bad_preferences_are_refused_and_change_nothing(api: Platform, db: asyncpg.Pool, choices: object) -> None:
    staff_id = str(uuid.uuid4())
    before = await db.fetchval("SELECT count(*) FROM notifications.preferences")

    answer = await api.notifications.request("PUT", f"/people/{staff_id}/preferences", json=choices)

    assert answer.status_code == 422
    assert answer.json()["detail"]
    assert await db.fetchval("SELECT count(*) FROM notifications.preferences") == before


async def test_only_a_message_in_doubt_is_sent_again_by_hand(api: Platform, db: asyncpg.Pool) -> None:
    sent = await db.fetchval("SELECT message_id FROM notifications.messages WHERE status = 'sent' LIMIT 1")
    assert sent is not None, "an earlier test sent a message"

    answer = await api.notifications.resend(str(sent))

    assert answer.status_code == 409
    assert "only a message in doubt" in answer.json()["detail"]
    assert await db.fetchval("SELECT status FROM notifications.messages WHERE message_id = $1", sent) == "sent"
    assert (await api.notifications.resend(str(uuid.uuid4()))).status_code == 404


async def test_the_mailbox_page_shows_what_was_sent_to_the_programme_team_only(
    api: Platform, local_stack: LocalStack, stack: Endpoints
) -> None:
    address = _address()
    expect(await api.notifications.send_sign_in_invitation(_invitation(address)), 201)

    page = await api.notifications.mailbox()
    assert page.status_code == 200
    assert address in page.text
    assert "You are invited to the Relational Schools Programme" in page.text
    async with httpx.AsyncClient(base_url=stack.url("notifications"), follow_redirects=False) as browser:
        opened = await browser.get("/mailbox/login", params={"token": local_stack.token()})
        assert opened.status_code == 303
        assert (await browser.get("/mailbox")).status_code == 200  # the cookie opens it
        school = local_stack.token(Role.SCHOOL, "a-school", ("123456",))
        assert (await browser.get("/mailbox/login", params={"token": school})).status_code == 403
