"""The outbox and the consumers against the real Postgres and JetStream of the test stack."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import asyncpg
import pytest
from nats.js import JetStreamContext
from opentelemetry.sdk.trace import TracerProvider

from contracts import Envelope, ModuleCompleted, SchoolEnrolled
from runtime.broker import create_broker
from runtime.database import MESSAGING_MIGRATIONS, create_pool, migrate
from runtime.local.endpoints import Endpoints
from runtime.local.stack import LocalStack
from runtime.outbox import OutboxRelay, record_event
from tests.support import eventually, next_urn, stream_messages

PROBE_SCHEMA = "outbox_probe"


@pytest.fixture(scope="module")
async def probe_pool(stack: Endpoints) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(stack.postgres_dsn, PROBE_SCHEMA)
    await migrate(pool, PROBE_SCHEMA, [MESSAGING_MIGRATIONS])
    try:
        yield pool
    finally:
        await pool.close()


def _enrolled(urn: str) -> SchoolEnrolled:
    return SchoolEnrolled(urn=urn, cohort_id="outbox-probe", school_name="Probe School", enrolled_on=date(2026, 9, 1))


async def test_migrations_already_applied_are_not_applied_again(probe_pool: asyncpg.Pool) -> None:
    assert await migrate(probe_pool, PROBE_SCHEMA, [MESSAGING_MIGRATIONS]) == []


async def test_event_of_a_rolled_back_transaction_never_reaches_the_outbox(probe_pool: asyncpg.Pool) -> None:
    before = await probe_pool.fetchval("SELECT count(*) FROM outbox")

    async with probe_pool.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        await record_event(conn, _enrolled(next_urn()))
        await transaction.rollback()

    assert await probe_pool.fetchval("SELECT count(*) FROM outbox") == before


async def test_relay_republishing_after_a_crash_leaves_one_message(
    local_stack: LocalStack, probe_pool: asyncpg.Pool, js: JetStreamContext
) -> None:
    urn = next_urn()
    async with probe_pool.acquire() as conn, conn.transaction():
        envelope = await record_event(conn, _enrolled(urn))
    assert local_stack.nats_operator_url is not None
    assert local_stack.endpoints is not None
    dsn = local_stack.endpoints.postgres_dsn
    broker = create_broker(local_stack.nats_operator_url, "outbox-probe", TracerProvider())
    await broker.connect()
    relay = OutboxRelay(probe_pool, broker, PROBE_SCHEMA, poll_seconds=60, connect=lambda: asyncpg.connect(dsn))
    try:
        assert await relay.publish_pending() == 1
        # A relay that died after publishing but before recording it publishes the row again on restart.
        await probe_pool.execute("UPDATE outbox SET published_at = NULL WHERE event_id = $1", envelope.id)
        assert await relay.publish_pending() == 1
    finally:
        await broker.stop()

    copies = [
        headers
        for headers, data in await stream_messages(js, "RSP_ENROLMENT", SchoolEnrolled.subject)
        if json.loads(data)["urn"] == urn
    ]
    assert len(copies) == 1
    assert copies[0]["ce-id"] == copies[0]["Nats-Msg-Id"] == str(envelope.id)
    assert await probe_pool.fetchval("SELECT published_at IS NOT NULL FROM outbox WHERE event_id = $1", envelope.id)


async def test_event_that_can_never_be_handled_is_dead_lettered_with_its_reason(js: JetStreamContext) -> None:
    event_id = uuid.uuid4()
    headers = Envelope(
        id=event_id, source=ModuleCompleted.source, type=ModuleCompleted.subject, time=datetime.now(UTC)
    ).to_headers()
    impossible = {
        "completion_id": str(uuid.uuid4()),
        "staff_id": str(uuid.uuid4()),
        "urn": next_urn(),
        "cohort_id": "outbox-probe",
        "module_number": 99,
        "completed_at": datetime.now(UTC).isoformat(),
    }

    await js.publish(ModuleCompleted.subject, json.dumps(impossible).encode(), headers=headers)

    async def dead_letters() -> dict[str, dict[str, str]] | None:
        found = {
            h["rsp-dead-letter-consumer"]: h
            for h, _ in await stream_messages(js, "RSP_DEAD_LETTER")
            if h.get("ce-id") == str(event_id)
        }
        return found if {"bridge", "reporting"} <= set(found) else None

    found = await eventually(dead_letters)
    reason = found["reporting"]["rsp-dead-letter-reason"]
    assert "module_number" in reason
    assert "99" not in reason, "the reason names the field, never the value it held"
    assert found["bridge"]["rsp-original-subject"] == ModuleCompleted.subject
