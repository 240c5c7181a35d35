"""Notifications killed with signal 9 between sending an email and recording the send does not send it twice.

The fault stack's notifications waits a few seconds after the SMTP server's 250 before recording (a setting made
for this test), so the kill lands exactly there. The mailbox is its own process and keeps what it took.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
from nats.js import JetStreamContext

from contracts import journey_id
from contracts.events.journey import ReminderIssued
from runtime.local.stack import LocalStack
from services.notifications.adapters.mailbox import KeptEmail, read_mailbox
from tests.clients import Platform, expect
from tests.faults.faults import Supervision, kill
from tests.support import enrolled_school, eventually, registered_lead
from tests.support_events import publish_event


def _to(local_stack: LocalStack, address: str) -> list[KeptEmail]:
    assert local_stack.maildir is not None
    return [email for email in read_mailbox(local_stack.maildir) if email.to == address]


def _reminder(urn: str, cohort: str, kind: str) -> ReminderIssued:
    today = datetime.now(UTC).date()
    return ReminderIssued(
        urn=urn,
        cohort_id=cohort,
        journey_id=journey_id(cohort, urn),
        reminder=kind,
        due_on=today + timedelta(days=7),
        reason="Due soon.",
        issued_on=today,
    )


async def test_notifications_killed_between_send_and_record_sends_nothing_twice_on_restart(
    local_stack: LocalStack,
    api: Platform,
    db: asyncpg.Pool,
    js: JetStreamContext,
    supervision: Supervision,
    fault_cohort: str,
) -> None:
    urn = await enrolled_school(api, fault_cohort)
    head = f"{uuid.uuid4().hex[:12]}@school.example"
    await registered_lead(api, db, urn, head)

    await publish_event(js, _reminder(urn, fault_cohort, "mentoring_due"))

    async def received() -> list[KeptEmail]:
        return _to(local_stack, head)

    [email] = await eventually(received, within=60, every=0.05)
    status = await db.fetchval("SELECT status FROM notifications.messages WHERE urn = $1", urn)
    assert status == "sending"  # sent, not yet recorded
    kill(local_stack, "notifications")

    async def settled() -> str | None:
        found = await db.fetchval("SELECT status FROM notifications.messages WHERE urn = $1", urn)
        return found if found not in (None, "sending", "pending") else None

    assert await eventually(settled, within=120) == "in_doubt"
    assert [e.message_id for e in _to(local_stack, head)] == [email.message_id]
    supervision.check()

    # The restarted service goes on sending, each email once.
    await publish_event(js, _reminder(urn, fault_cohort, "impact_return_late"))

    async def both() -> list[KeptEmail] | None:
        found = _to(local_stack, head)
        return found if len(found) >= 2 else None

    assert len(await eventually(both, within=60)) == 2
    sent = await db.fetchval(
        "SELECT count(*) FROM notifications.messages WHERE urn = $1 AND status IN ('sending', 'sent')", urn
    )
    assert sent == 1
    listed = expect(await api.notifications.messages(status="in_doubt", urn=urn))
    assert [item["message_id"] for item in listed] == [email.message_id.strip("<>").split("@")[0]]
    assert len(_to(local_stack, head)) == 2
