"""The fault stage's own stack, supervised for the whole session so that what a test kills comes back.

It is separate from the main suite's stack (`tests/conftest.py`): these tests kill its servers and processes, and
nothing else may share it. The fixtures here override the main suite's by name (`local_stack`, `nats_client`), so
`stack`, `api`, `js`, `db` and `temporal` from `tests/conftest.py` follow this stack.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import nats
import pytest
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from temporalio.client import Client

from runtime.local.stack import LocalStack, isolated_settings
from tests.clients import Platform
from tests.faults.faults import Supervision, stack_is_healthy
from tests.faults.ledger import dead_letter_count
from tests.faults.scene import FaultScene
from tests.support import ensure_cohort

# A request killed after its commit answers "applied, answer lost" after this long (30 s in production).
ANSWER_LOST_SECONDS = 3.0
FAULT_COHORT = "faults-2026"
HOLD_AFTER_SEND_SECONDS = 4.0


@pytest.fixture(scope="session")
async def local_stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalStack]:
    data: Path = tmp_path_factory.mktemp("fault-stack")
    settings = isolated_settings(data).model_copy(
        update={
            "idempotency_answer_lost_seconds": ANSWER_LOST_SECONDS,
            # Notifications waits this long between an email's send and its record, so a test can kill it there.
            "notifications_hold_after_send_seconds": HOLD_AFTER_SEND_SECONDS,
        }
    )
    local = LocalStack(settings, echo=None)
    await local.start()
    try:
        yield local
    finally:
        await local.stop()


@pytest.fixture(scope="session")
async def supervision(local_stack: LocalStack) -> AsyncIterator[Supervision]:
    """`LocalStack.supervise()` running beside every test, as under `rsp up`."""
    task = asyncio.create_task(local_stack.supervise(), name="supervise-fault-stack")
    try:
        yield Supervision(task)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@pytest.fixture(scope="session")
async def nats_client(local_stack: LocalStack) -> AsyncIterator[NatsClient]:
    """The operator's connection; it reconnects for as long as NATS is away (the tests take NATS away)."""
    assert local_stack.nats_operator_url is not None
    client = await nats.connect(local_stack.nats_operator_url, max_reconnect_attempts=-1, reconnect_time_wait=0.5)
    try:
        yield client
    finally:
        await client.close()


@pytest.fixture(scope="session")
async def fault_cohort(api: Platform, supervision: Supervision) -> str:
    """The cohort every fault test's schools join (created once, before the first fault)."""
    await ensure_cohort(api, FAULT_COHORT, "Fault tests")
    return FAULT_COHORT


@pytest.fixture
async def scene(
    local_stack: LocalStack,
    api: Platform,
    db: asyncpg.Pool,
    js: JetStreamContext,
    temporal: Client,
    supervision: Supervision,
    fault_cohort: str,
) -> FaultScene:
    """A test's view of the stack, noting where the dead-letter stream stood when it began."""
    await stack_is_healthy(local_stack, api, temporal, supervision)
    return FaultScene(local_stack, api, db, js, temporal, supervision, fault_cohort, await dead_letter_count(js))
