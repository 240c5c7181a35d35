"""Notifications' sender through the GOV.UK Notify route, against a stand-in that speaks Notify's API
(tests/notify_stand_in.py): the real Notify cannot be reached from here. Notifications' own tables live in a
schema of this test, on the stack's Postgres; addresses come from the stack's real enrolment, through the real
`notifications-python-client`.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from contracts.codec import envelope_of
from contracts.events import Event
from contracts.events.enrolment import SchoolEnrolled, StaffRegistered
from contracts.events.journey import ReminderIssued
from contracts.identifiers import journey_id
from runtime.auth import Authenticator
from runtime.database import MESSAGING_MIGRATIONS, create_pool, migrate
from runtime.handler_table import InboxDispatcher
from runtime.http import answer_errors
from runtime.local.endpoints import Endpoints
from runtime.local.stack import LocalStack
from services.notifications.adapters.addresses import EnrolmentAddressBook
from services.notifications.adapters.notify import NotifyRoute
from services.notifications.adapters.postgres import PostgresNotificationsUnitOfWork
from services.notifications.bootstrap import bootstrap
from services.notifications.domain.model import Preferences
from services.notifications.entrypoints.http import build_router
from services.notifications.service_layer.delivery import Sender
from services.notifications.service_layer.handlers import TEMPLATES
from services.notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from tests.clients import Platform
from tests.notify_stand_in import API_KEY, TEMPLATE_ID, NotifyStandIn, running_notify
from tests.support import enrolled_school, registered_staff

MIGRATIONS = Path(__file__).parents[2] / "services" / "notifications" / "migrations"
CALLBACK_TOKEN = "council-callback-token-0123456789"
LATER = datetime.now(UTC) + timedelta(days=1)  # past every back-off


@pytest.fixture
async def schema_pool(stack: Endpoints) -> AsyncIterator[asyncpg.Pool]:
    schema = f"notify_test_{uuid.uuid4().hex[:8]}"
    pool = await create_pool(stack.postgres_dsn, schema)
    await migrate(pool, schema, [MESSAGING_MIGRATIONS, MIGRATIONS])
    try:
        yield pool
    finally:
        await pool.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await pool.close()


@pytest.fixture
async def notify() -> AsyncIterator[NotifyStandIn]:
    async with running_notify() as stand_in:
        yield stand_in


def _units(pool: asyncpg.Pool) -> PostgresNotificationsUnitOfWork:
    return PostgresNotificationsUnitOfWork(pool)


async def _hear(dispatcher: InboxDispatcher[NotificationsUnitOfWork], *events: Event) -> None:
    for event in events:
        await dispatcher.handle(event, envelope_of(event))


async def _reminded_head(api: Platform, pool: asyncpg.Pool) -> tuple[str, str]:
    """A school with a headteacher registered in enrolment, and a reminder for them in this test's tables."""
    cohort = "int-notify"
    urn = await enrolled_school(api, cohort)
    head = await registered_staff(api, urn, role="headteacher")
    dispatcher = bootstrap(lambda: _units(pool))
    await _hear(
        dispatcher,
        SchoolEnrolled(urn=urn, cohort_id=cohort, school_name=f"School {urn}", enrolled_on=date.today()),
        StaffRegistered(
            staff_id=uuid.UUID(head), urn=urn, cohort_id=cohort, role="headteacher", starts_on=date.today()
        ),
        ReminderIssued(
            urn=urn,
            cohort_id=cohort,
            journey_id=journey_id(cohort, urn),
            reminder="mentoring_due",
            due_on=date.today() + timedelta(days=10),
            reason="No mentoring session this term yet.",
            issued_on=date.today(),
        ),
    )
    return urn, head


def _sender(pool: asyncpg.Pool, notify: NotifyStandIn, local_stack: LocalStack, stack: Endpoints) -> Sender:
    route = NotifyRoute(API_KEY, TEMPLATE_ID, notify.base_url)
    addresses = EnrolmentAddressBook(stack.url("enrolment"), local_stack.settings.require_jwt_secret(), None)
    return Sender(lambda: _units(pool), route, addresses, TEMPLATES, "programme@rsp.localhost")


async def _status(pool: asyncpg.Pool, urn: str) -> list[str]:
    return [row["status"] for row in await pool.fetch("SELECT status FROM messages WHERE urn = $1", urn)]


async def test_a_429_is_retried_with_back_off_and_the_message_goes_once_with_its_reference(
    api: Platform, schema_pool: asyncpg.Pool, notify: NotifyStandIn, local_stack: LocalStack, stack: Endpoints
) -> None:
    urn, _ = await _reminded_head(api, schema_pool)
    sender = _sender(schema_pool, notify, local_stack, stack)
    notify.answer_429_times = 2

    assert await sender.send_due() == 1
    assert await _status(schema_pool, urn) == ["pending"]  # waiting out its back-off
    assert await sender.send_due() == 0  # not due yet
    for _ in range(2):
        await sender.send_due(LATER)

    assert notify.refused_with_429 == 2
    assert notify.bad_tokens == 0
    [sent] = notify.accepted
    message_id = await schema_pool.fetchval("SELECT message_id FROM messages WHERE urn = $1", urn)
    assert sent["reference"] == str(message_id)
    assert f"School {urn}" in sent["personalisation"]["subject"]
    assert await _status(schema_pool, urn) == ["sent"]


async def test_after_a_crash_notify_is_asked_by_reference_so_nothing_is_sent_twice_or_lost(
    api: Platform, schema_pool: asyncpg.Pool, notify: NotifyStandIn, local_stack: LocalStack, stack: Endpoints
) -> None:
    urn, _ = await _reminded_head(api, schema_pool)
    sender = _sender(schema_pool, notify, local_stack, stack)
    await sender.send_due()
    # As if the process had died after Notify took it and before the send was recorded:
    await schema_pool.execute("UPDATE messages SET status = 'sending' WHERE urn = $1", urn)
    other, _ = await _reminded_head(api, schema_pool)
    # ...and another died after being marked, before Notify ever saw it.
    await schema_pool.execute("UPDATE messages SET status = 'sending' WHERE urn = $1", other)

    await sender.recover()
    await sender.send_due(LATER)

    assert await _status(schema_pool, urn) == ["sent"]
    assert await _status(schema_pool, other) == ["sent"]
    references = [n["reference"] for n in notify.accepted]
    assert len(references) == len(set(references)) == 2


async def test_delivery_receipts_need_the_councils_token_and_a_permanent_failure_tells_the_platform(
    api: Platform, schema_pool: asyncpg.Pool, notify: NotifyStandIn, local_stack: LocalStack, stack: Endpoints
) -> None:
    urn, head = await _reminded_head(api, schema_pool)
    sender = _sender(schema_pool, notify, local_stack, stack)
    await sender.send_due()
    reference = notify.accepted[0]["reference"]
    app = FastAPI()
    app.include_router(
        build_router(
            lambda: _units(schema_pool),
            NotifyRoute(API_KEY, TEMPLATE_ID, notify.base_url),
            TEMPLATES,
            Authenticator(local_stack.settings.require_jwt_secret()),
            CALLBACK_TOKEN,
            None,
        )
    )
    answer_errors(app)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://notifications") as client:
        receipt = notify.receipt(reference, "permanent-failure")
        refused = await client.post(
            "/notify/delivery-receipts", json=receipt, headers={"Authorization": "Bearer not-the-token"}
        )
        assert refused.status_code == 401
        assert await _status(schema_pool, urn) == ["sent"]

        taken = await client.post(
            "/notify/delivery-receipts", json=receipt, headers={"Authorization": f"Bearer {CALLBACK_TOKEN}"}
        )
        again = await client.post(
            "/notify/delivery-receipts", json=receipt, headers={"Authorization": f"Bearer {CALLBACK_TOKEN}"}
        )

    assert taken.status_code == 204
    assert again.status_code == 204
    assert await _status(schema_pool, urn) == ["failed"]
    told = await schema_pool.fetch("SELECT subject, payload FROM outbox")
    assert [row["subject"] for row in told] == ["rsp.notifications.message.undeliverable.v1"]
    payload = told[0]["payload"]
    assert payload["urn"] == urn
    assert payload["staff_id"] == head
    assert payload["route"] == "notify"
    assert payload["failure"] == "permanent-failure"
    assert receipt["to"] not in str(payload)


async def test_a_weekly_digest_gathers_a_persons_reminders_once_the_week_is_over(
    api: Platform, schema_pool: asyncpg.Pool, notify: NotifyStandIn, local_stack: LocalStack, stack: Endpoints
) -> None:
    cohort = "int-notify"
    urn = await enrolled_school(api, cohort)
    head = await registered_staff(api, urn, role="headteacher")
    async with _units(schema_pool) as uow:
        await uow.preferences.save(Preferences(uuid.UUID(head), weekly_digest=True))
        await uow.commit()
    dispatcher = bootstrap(lambda: _units(schema_pool))
    await _hear(
        dispatcher,
        SchoolEnrolled(urn=urn, cohort_id=cohort, school_name=f"School {urn}", enrolled_on=date.today()),
        StaffRegistered(
            staff_id=uuid.UUID(head), urn=urn, cohort_id=cohort, role="headteacher", starts_on=date.today()
        ),
        *(
            ReminderIssued(
                urn=urn,
                cohort_id=cohort,
                journey_id=journey_id(cohort, urn),
                reminder=kind,
                due_on=date(2027, 1, day),
                reason="Due.",
                issued_on=date.today(),
            )
            for kind, day in (("mentoring_due", 8), ("impact_return_late", 15))
        ),
    )
    sender = _sender(schema_pool, notify, local_stack, stack)

    assert await sender.send_due(LATER) == 0  # held, not sent one by one
    assert await sender.gather_digests() == 0  # this week is not over
    assert await sender.gather_digests(datetime.now(UTC) + timedelta(days=7)) == 1
    assert await sender.gather_digests(datetime.now(UTC) + timedelta(days=7)) == 0
    await sender.send_due(LATER)

    [digest] = notify.accepted
    body = digest["personalisation"]["body"]
    assert "8 January 2027" in body
    assert "15 January 2027" in body
    assert sorted(await _status(schema_pool, urn)) == ["digested", "digested", "sent"]
