"""Every service's Postgres connections cut mid-burst (`pg_terminate_backend`): pools, relays and LISTEN come back."""

from __future__ import annotations

import asyncio

import asyncpg

from runtime.database_roles import role_name
from runtime.settings import SERVICE_NAMES
from tests.faults.faults import terminate_service_connections
from tests.faults.scene import FaultScene
from tests.support import eventually

_OUTBOXES = "SELECT table_schema FROM information_schema.tables WHERE table_name = 'outbox'"


async def _listening_roles(db: asyncpg.Pool) -> set[str]:
    rows = await db.fetch("SELECT DISTINCT usename FROM pg_stat_activity WHERE query ILIKE 'LISTEN %'")
    return {row["usename"] for row in rows}


async def test_cut_database_connections_lose_and_double_no_completion_and_listen_again(scene: FaultScene) -> None:
    # Every service with an outbox has a relay woken by LISTEN (the console publishes nothing: it has none).
    with_outbox = {row["table_schema"] for row in await scene.db.fetch(_OUTBOXES)}
    roles = {role_name(service) for service in SERVICE_NAMES if service in with_outbox}
    assert roles, "no service's outbox was found"
    burst = await scene.burst()

    async def fault() -> None:
        # Twice, so that connections made while healing from the first cut are cut too.
        assert await terminate_service_connections(scene.db) > 0
        await asyncio.sleep(1.0)
        assert await terminate_service_connections(scene.db) > 0

    await burst.during(fault)
    await scene.one_truth(burst)

    async def every_outbox_listens_again() -> set[str] | None:
        missing = roles - await _listening_roles(scene.db)
        return None if missing else roles

    await eventually(every_outbox_listens_again, within=60)
